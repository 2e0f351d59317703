//! The candidates API and the other routes, context by context, and their bad inputs.

use super::{serve, small_shop};
use crate::catalog::Catalog;
use crate::shop::Shop;

#[tokio::test]
async fn home_is_the_weeks_best_sellers_overall_and_per_index_group() {
    let server = serve(small_shop(), None).await;
    let reply = server.get("/api/candidates?context=home").await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.ids(),
        ["p2", "p5", "p1", "p7", "p3", "p4", "p6", "p8"]
    );
    let list = reply.json()["candidates"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for (rank, c) in list.iter().enumerate() {
        assert_eq!(c["serverRank"], rank);
        let score = c["serverScore"].as_f64().unwrap_or(0.0);
        assert!(score > 0.0 && score <= 1.0, "{c}");
        assert!(c["attributes"]["productType"].is_string() && c["name"].is_string());
    }
    let scores: Vec<f64> = list
        .iter()
        .filter_map(|c| c["serverScore"].as_f64())
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    // No context means home; a limit truncates.
    assert_eq!(
        server.get("/api/candidates?limit=2").await.ids(),
        ["p2", "p5"]
    );
    let ladies = server
        .get("/api/candidates?context=home&group=Ladieswear")
        .await;
    assert_eq!(ladies.ids(), ["p5", "p1", "p7", "p3"]);
}

#[tokio::test]
async fn category_filters_on_attribute_value_and_needs_both() {
    let server = serve(small_shop(), None).await;
    let dresses = server
        .get("/api/candidates?context=category&attribute=productType&value=Dress")
        .await;
    assert_eq!(dresses.ids(), ["p5", "p3"]);
    let none = server
        .get("/api/candidates?context=category&attribute=productType&value=Nope")
        .await;
    assert_eq!((none.status, none.ids().len()), (200, 0));
    let missing = server
        .get("/api/candidates?context=category&attribute=colour")
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.code(), "VITRINE_SERVER_MISSING_PARAMETER");
}

#[tokio::test]
async fn new_arrivals_are_newest_first() {
    let server = serve(small_shop(), None).await;
    let reply = server.get("/api/candidates?context=new").await;
    assert_eq!(
        reply.ids(),
        ["p3", "p5", "p6", "p2", "p7", "p4", "p1", "p8"]
    );
}

#[tokio::test]
async fn product_page_lists_co_purchases_then_same_type() {
    let server = serve(small_shop(), None).await;
    let reply = server
        .get("/api/candidates?context=product&id=p1&limit=5")
        .await;
    assert_eq!(reply.status, 200);
    // p4 shares two baskets, p6 one; then the best-selling other vest tops.
    assert_eq!(reply.ids(), ["p4", "p6", "p7", "p8"]);
    // A product with no basket falls back to its type; it never lists itself.
    let lonely = server.get("/api/candidates?context=product&id=p3").await;
    assert_eq!(lonely.ids(), ["p5"]);
    let unknown = server.get("/api/candidates?context=product&id=nope").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.code(), "VITRINE_SERVER_UNKNOWN_PRODUCT");
    let missing = server.get("/api/candidates?context=product").await;
    assert_eq!(missing.code(), "VITRINE_SERVER_MISSING_PARAMETER");
}

#[tokio::test]
async fn search_matches_names_descriptions_and_attributes() {
    let server = serve(small_shop(), None).await;
    assert_eq!(
        server
            .get("/api/candidates?context=search&q=DRESS")
            .await
            .ids(),
        ["p5", "p3"]
    );
    // Every term must match: "red" (colour) and "top" (name).
    assert_eq!(
        server
            .get("/api/candidates?context=search&q=red%20top")
            .await
            .ids(),
        ["p7"]
    );
    // Description text ("in white") counts.
    assert_eq!(
        server
            .get("/api/candidates?context=search&q=in%20white")
            .await
            .ids(),
        ["p2", "p6"]
    );
    assert_eq!(
        server
            .get("/api/candidates?context=search&q=Menswear")
            .await
            .ids(),
        ["p2", "p8"]
    );
    // Markup is just text that matches nothing; an empty query is an empty list.
    let html = server
        .get("/api/candidates?context=search&q=%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!((html.status, html.ids().len()), (200, 0));
    assert!(!String::from_utf8_lossy(&html.body).contains("<script"));
    assert_eq!(
        server
            .get("/api/candidates?context=search&q=")
            .await
            .ids()
            .len(),
        0
    );
    assert_eq!(
        server
            .get("/api/candidates?context=search")
            .await
            .ids()
            .len(),
        0
    );
    let garbage = server
        .get("/api/candidates?context=search&q=%FF%FE%00")
        .await;
    assert_eq!((garbage.status, garbage.ids().len()), (200, 0));
    let long = format!("/api/candidates?context=search&q={}", "a".repeat(201));
    let reply = server.get(&long).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.code(), "VITRINE_SERVER_QUERY_TOO_LONG");
}

#[tokio::test]
async fn bad_requests_are_typed_json_errors() {
    let server = serve(small_shop(), None).await;
    let cases = [
        (
            "/api/candidates?context=checkout",
            400,
            "VITRINE_SERVER_UNKNOWN_CONTEXT",
        ),
        (
            "/api/candidates?limit=0",
            400,
            "VITRINE_SERVER_INVALID_LIMIT",
        ),
        (
            "/api/candidates?limit=501",
            400,
            "VITRINE_SERVER_INVALID_LIMIT",
        ),
        (
            "/api/candidates?limit=ten",
            400,
            "VITRINE_SERVER_INVALID_LIMIT",
        ),
        ("/api/products/nope", 404, "VITRINE_SERVER_UNKNOWN_PRODUCT"),
        ("/api/nothing-here", 404, "VITRINE_SERVER_NOT_FOUND"),
        ("/api/model", 404, "VITRINE_SERVER_NO_MODEL"),
        ("/model/hm.bin", 404, "VITRINE_SERVER_NO_MODEL"),
    ];
    for (path, status, code) in cases {
        let reply = server.get(path).await;
        assert_eq!(
            (reply.status, reply.code()),
            (status, code.to_owned()),
            "{path}"
        );
        assert!(
            reply.headers.contains("content-type: application/json"),
            "{path}"
        );
    }
    // Long input is cut in messages, never echoed whole.
    let long = format!("/api/candidates?context={}", "x".repeat(5000));
    let reply = server.get(&long).await;
    assert_eq!(reply.status, 400);
    assert!(reply.body.len() < 400, "{}", reply.body.len());
}

#[tokio::test]
async fn an_empty_catalogue_gives_empty_lists_everywhere() {
    let empty = Shop::new(
        Catalog {
            source: "empty".into(),
            currency: "EUR".into(),
            products: Vec::new(),
        },
        vec![vec!["a".into(), "b".into()]],
    );
    let server = serve(empty, None).await;
    for query in [
        "context=home",
        "context=home&group=Menswear",
        "context=new",
        "context=category&attribute=colour&value=Red",
        "context=search&q=dress",
    ] {
        let reply = server.get(&format!("/api/candidates?{query}")).await;
        assert_eq!((reply.status, reply.ids().len()), (200, 0), "{query}");
    }
    assert_eq!(
        server
            .get("/api/candidates?context=product&id=a")
            .await
            .status,
        404
    );
    assert_eq!(
        server.get("/api/quiz-bank").await.json(),
        serde_json::json!([])
    );
    let summary = server.get("/api/catalog").await.json();
    assert_eq!(
        (
            summary["productCount"].as_u64(),
            summary["basketCount"].as_u64()
        ),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn catalogue_summary_product_and_quiz_bank() {
    let server = serve(small_shop(), None).await;
    let summary = server.get("/api/catalog").await.json();
    assert_eq!(summary["productCount"], 8);
    assert_eq!(summary["basketCount"], 2);
    assert_eq!(summary["hasModel"], false);
    assert_eq!(summary["categories"][0]["value"], "Ladieswear");
    assert_eq!(summary["categories"][0]["count"], 4);
    // Equal counts (two dresses, two vest tops) are ordered by name.
    assert_eq!(
        summary["categories"][0]["productTypes"][0]["value"],
        "Dress"
    );
    let product = server.get("/api/products/p3").await.json();
    assert_eq!(
        (product["name"].as_str(), product["description"].as_str()),
        (Some("Midi dress"), Some("Midi dress in red"))
    );
    let bank = server.get("/api/quiz-bank").await.json();
    let bank = bank.as_array().cloned().unwrap_or_default();
    assert_eq!(bank.len(), 8);
    // Round-robin over types, most popular type (vest tops: 100 units) first.
    assert_eq!(bank[0]["id"], "p1");
    assert_eq!(bank[1]["id"], "p5");
}

#[tokio::test]
async fn the_model_is_described_and_served_byte_for_byte() {
    let dir = std::env::temp_dir().join(format!("vitrine-server-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("hm.bin");
    let bytes = super::hm::tiny_model_bytes();
    std::fs::write(&path, &bytes).expect("write model");
    let model = crate::model::ModelFile::load(&path)
        .expect("valid")
        .expect("present");
    let server = serve(small_shop(), Some(model)).await;
    let info = server.get("/api/model").await.json();
    assert_eq!(info["url"], "/model/hm.bin");
    assert_eq!(info["bytes"], bytes.len());
    let expected = vitrine::model::sha256::sha256_hex(&bytes);
    assert_eq!(info["sha256"].as_str(), Some(expected.as_str()));
    let file = server.get("/model/hm.bin").await;
    assert_eq!(file.status, 200);
    assert_eq!(file.body, bytes);
    assert_eq!(server.get("/model/other.bin").await.status, 404);
    assert_eq!(server.get("/api/catalog").await.json()["hasModel"], true);
    // A missing file is "no model"; a corrupt one is an error, not a silent offer.
    assert!(crate::model::ModelFile::load(&dir.join("absent.bin"))
        .expect("ok")
        .is_none());
    std::fs::write(dir.join("bad.bin"), b"not a model").expect("write");
    assert!(crate::model::ModelFile::load(&dir.join("bad.bin")).is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_storefront_is_served_under_the_strict_policy() {
    let server = serve(small_shop(), None).await;
    let page = server.get("/").await;
    assert_eq!(page.status, 200);
    assert!(page
        .headers
        .contains("content-security-policy: default-src 'self'"));
    assert!(String::from_utf8_lossy(&page.body).contains("<main"));
}
