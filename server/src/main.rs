//! `vitrine-server`: the reference server for the Vitrine demo.
//!
//! Serves the storefront (`www/`), the built npm package (`dist/`), and the retailer-side
//! candidates API over a catalogue. Binds to loopback by default and prints its URL.

mod api;
mod candidates;
mod catalog;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

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
    /// Catalogue JSON file (default: the bundled demo catalogue).
    #[arg(long)]
    catalog: Option<PathBuf>,
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

async fn run(args: Args) -> Result<(), String> {
    let catalog_path = args
        .catalog
        .clone()
        .unwrap_or_else(|| args.root.join("catalog/demo.json"));
    let catalog = catalog::Catalog::load(&catalog_path).map_err(|e| e.to_string())?;
    let products = catalog.products.len();
    let state = Arc::new(api::AppState { catalog });
    let database = if args.db == ":memory:" {
        Database::Memory
    } else {
        let path = args.root.join(&args.db);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        Database::File(path)
    };
    let collector = CollectorState::new(CollectorConfig {
        database,
        ..CollectorConfig::default()
    })
    .map_err(|e| format!("cannot open the collector database: {e}"))?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
        .await
        .map_err(|e| format!("cannot bind {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Vitrine demo ready at http://{addr}/ ({products} products)");
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
