//! Server tests over real HTTP on a free loopback port, against small in-memory shops (the
//! H&M data is never needed: the loader is tested on a tiny file of the same shape).

mod hm;
mod routes;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::api::{self, AppState};
use crate::catalog::{Catalog, Product};
use crate::model::ModelFile;
use crate::shop::Shop;

/// A product with the attributes the API filters on.
pub(crate) fn product(
    id: &str,
    name: &str,
    kind: &str,
    colour: &str,
    group: &str,
    sales: u32,
    age: u32,
) -> Product {
    let attributes: BTreeMap<String, String> = [
        ("productType", kind),
        ("colour", colour),
        ("indexGroup", group),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    Product {
        id: id.into(),
        name: name.into(),
        description: format!("{name} in {}", colour.to_lowercase()),
        attributes: attributes.into_iter().collect(),
        price: 10.0 + f64::from(sales % 7),
        swatch: None,
        weekly_sales: sales,
        age_days: age,
    }
}

/// Eight products, two baskets joining p1 with p4 (twice) and p6 (once).
pub(crate) fn small_shop() -> Shop {
    let products = vec![
        product("p1", "Strap top", "Vest top", "Black", "Ladieswear", 50, 6),
        product("p2", "Linen shirt", "Shirt", "White", "Menswear", 80, 3),
        product("p3", "Midi dress", "Dress", "Red", "Ladieswear", 30, 0),
        product("p4", "Slim jeans", "Trousers", "Blue", "Divided", 20, 5),
        product("p5", "Wrap dress", "Dress", "Black", "Ladieswear", 65, 1),
        product("p6", "Tank top", "Vest top", "White", "Divided", 10, 2),
        product("p7", "Cami top", "Vest top", "Red", "Ladieswear", 40, 4),
        product("p8", "Rib vest", "Vest top", "Grey", "Menswear", 0, 9),
    ];
    let basket = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    Shop::new(
        Catalog {
            source: "test".into(),
            currency: "EUR".into(),
            products,
        },
        vec![
            basket(&["p1", "p4", "p6", "p1"]),
            basket(&["p4", "p1"]),
            basket(&["p2"]),
            basket(&["p3", "unknown"]),
        ],
    )
}

/// A running server on 127.0.0.1:0; dropped with the test's runtime.
pub(crate) struct TestServer {
    pub addr: std::net::SocketAddr,
}

pub(crate) async fn serve(shop: Shop, model: Option<ModelFile>) -> TestServer {
    let state = Arc::new(AppState { shop, model });
    let collector = vitrine_collector::CollectorState::new(vitrine_collector::CollectorConfig {
        database: vitrine_collector::Database::Memory,
        ..vitrine_collector::CollectorConfig::default()
    })
    .expect("collector");
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let app = api::router(state, collector, root);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await;
    });
    TestServer { addr }
}

/// A response: status, headers (lower-case names) and body.
pub(crate) struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The error code of an error reply.
    pub fn code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }

    /// The ids of a candidates reply.
    pub fn ids(&self) -> Vec<String> {
        self.json()["candidates"]
            .as_array()
            .expect("candidates array")
            .iter()
            .map(|c| c["id"].as_str().unwrap_or("").to_owned())
            .collect()
    }
}

impl TestServer {
    /// `GET path` over a fresh HTTP/1.1 connection.
    pub async fn get(&self, path: &str) -> Reply {
        let mut stream = tokio::net::TcpStream::connect(self.addr)
            .await
            .expect("connect");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("write");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("header end");
        let head = String::from_utf8_lossy(&raw[..split]).to_lowercase();
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status");
        let mut body = raw[split + 4..].to_vec();
        if head.contains("transfer-encoding: chunked") {
            body = dechunk(&body);
        }
        Reply {
            status,
            headers: head,
            body,
        }
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let Some(line_end) = data.windows(2).position(|w| w == b"\r\n") else {
            return out;
        };
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..line_end]).unwrap_or("0").trim(),
            16,
        )
        .unwrap_or(0);
        if size == 0 {
            return out;
        }
        let start = line_end + 2;
        out.extend_from_slice(&data[start..start + size]);
        data = &data[start + size + 2..];
    }
}
