//! `vitrine-server`: the reference server for the Vitrine demo.
//!
//! Serves the storefront (`www/`), the built npm package (`dist/`), the trained model, and the
//! retailer-side candidates API over a catalogue: the H&M data (`--data DIR`, default
//! `../shared/data` when present) or a catalogue JSON file (`--catalog FILE`, default the
//! bundled `catalog/demo.json`). Binds to loopback by default and prints its URL.

mod api;
mod candidates;
mod catalog;
mod hm;
mod model;
mod shop;
mod swatch;
#[cfg(test)]
mod tests;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use clap::Parser;
use vitrine_collector::{CollectorConfig, CollectorState, Database};

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "vitrine-server",
    about = "Vitrine reference server (demo storefront + candidates API)"
)]
struct Args {
    /// Address to bind (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    host: std::net::IpAddr,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Repository root holding www/ and dist/.
    #[arg(long, default_value = ".")]
    root: PathBuf,
    /// H&M data directory (default: ../shared/data next to the root, when present).
    #[arg(long, conflicts_with = "catalog")]
    data: Option<PathBuf>,
    /// Catalogue JSON file instead of the H&M data (the bundled demo is catalog/demo.json,
    /// used when there is no data).
    #[arg(long)]
    catalog: Option<PathBuf>,
    /// Trained model file to offer (default with the H&M data: target/model/hm.bin under the
    /// root, none when missing; with a catalogue file: none).
    #[arg(long)]
    model: Option<PathBuf>,
    /// SQLite file for the report collector (created if missing), or `:memory:`.
    #[arg(long, default_value = "var/collector.sqlite")]
    db: String,
}

#[tokio::main]
async fn main() {
    if let Err(message) = run(Args::parse()).await {
        eprintln!("vitrine-server: {message}");
        std::process::exit(1);
    }
}

/// Loads the shop from the H&M data or a catalogue file, as the options say; `true` when it
/// is the H&M data (the catalogue the default model is trained on).
fn load_shop(args: &Args) -> Result<(shop::Shop, bool), String> {
    let default_data = args.root.join("../shared/data");
    let data = match (&args.data, &args.catalog) {
        (Some(dir), _) => Some(dir.clone()),
        (None, None) if hm::present(&default_data) => Some(default_data),
        _ => None,
    };
    if let Some(dir) = data {
        if !hm::present(&dir) {
            return Err(format!(
                "{} has no {} and {}",
                dir.display(),
                hm::ARTICLES,
                hm::TRANSACTIONS
            ));
        }
        let (catalog, baskets) = hm::load(&dir).map_err(|e| e.to_string())?;
        return Ok((shop::Shop::new(catalog, baskets), true));
    }
    let path = args
        .catalog
        .clone()
        .unwrap_or_else(|| args.root.join("catalog/demo.json"));
    let catalog = catalog::Catalog::load(&path).map_err(|e| e.to_string())?;
    Ok((shop::Shop::new(catalog, Vec::new()), false))
}

/// Opens the collector's database (`:memory:` or a file under the root).
fn collector(root: &Path, db: &str) -> Result<CollectorState, String> {
    let database = if db == ":memory:" {
        Database::Memory
    } else {
        let path = root.join(db);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        Database::File(path)
    };
    CollectorState::new(CollectorConfig {
        database,
        ..CollectorConfig::default()
    })
    .map_err(|e| format!("cannot open the collector database: {e}"))
}

async fn run(args: Args) -> Result<(), String> {
    let started = Instant::now();
    let (shop, hm_data) = load_shop(&args)?;
    // The default model is trained on the H&M data: a catalogue file gets one only when
    // `--model` names it (its vocabularies would not match another shop's values).
    let model_path = match (&args.model, hm_data) {
        (Some(path), _) => Some(path.clone()),
        (None, true) => Some(args.root.join("target/model/hm.bin")),
        (None, false) => None,
    };
    let model = match model_path
        .map(|path| model::ModelFile::load(&path))
        .transpose()
    {
        Ok(model) => model.flatten(),
        // A stale default model must not stop the demo: warn and serve without one.
        Err(e) if args.model.is_none() => {
            eprintln!("vitrine-server: warning: {e}; serving without a model");
            None
        }
        Err(e) => return Err(e.to_string()),
    };
    let loaded = format!(
        "{} products, {} baskets from {}; model: {}; loaded in {:.1} s",
        shop.products.len(),
        shop.basket_count(),
        shop.source,
        model.as_ref().map_or_else(
            || "none".to_owned(),
            |m| format!("{} ({} bytes)", m.info.url, m.info.bytes)
        ),
        started.elapsed().as_secs_f64()
    );
    let state = Arc::new(api::AppState { shop, model });
    let collector = collector(&args.root, &args.db)?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
        .await
        .map_err(|e| format!("cannot bind {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Vitrine demo ready at http://{addr}/ ({loaded})");
    // Connect info gives the collector's rate limiter a per-client key (never stored).
    let app = api::router(state, collector, args.root);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}
