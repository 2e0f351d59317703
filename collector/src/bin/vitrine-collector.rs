//! `vitrine-collector`: the reference collector as a standalone server (routes at the root:
//! `POST /reports`, `GET /aggregates`, `GET /dashboard`). Binds to loopback by default.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;

use clap::Parser;
use vitrine_collector::ratelimit::RateLimit;
use vitrine_collector::{serve, CollectorConfig, CollectorState, Database};

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "vitrine-collector",
    about = "Vitrine reference collector for LDP reports"
)]
struct Args {
    /// Address to bind (loopback by default).
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Port to bind; 0 picks a free one.
    #[arg(long, default_value_t = 8081)]
    port: u16,
    /// SQLite file (created if missing). Without it the database is in memory.
    #[arg(long)]
    db: Option<PathBuf>,
    /// Minimum reports per published cell.
    #[arg(long, default_value_t = vitrine::privacy::DEFAULT_K_ANONYMITY)]
    k: u64,
    /// An origin allowed to post cross-origin (repeatable), e.g. http://127.0.0.1:8080.
    #[arg(long = "allow-origin")]
    allow_origins: Vec<String>,
    /// Batches a client may send in a burst.
    #[arg(long, default_value_t = RateLimit::default().burst)]
    burst: f64,
    /// Batches per second a client may sustain.
    #[arg(long, default_value_t = RateLimit::default().per_second)]
    per_second: f64,
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(message) = run(args).await {
        eprintln!("vitrine-collector: {message}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    if !(args.burst >= 1.0 && args.per_second > 0.0 && args.per_second.is_finite()) {
        return Err("--burst must be at least 1 and --per-second positive".into());
    }
    let config = CollectorConfig {
        database: args.db.map_or(Database::Memory, Database::File),
        k: args.k.max(1),
        rate_limit: RateLimit {
            burst: args.burst,
            per_second: args.per_second,
        },
        allowed_origins: args.allow_origins,
    };
    let state = CollectorState::new(config).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind(SocketAddr::new(args.host, args.port))
        .await
        .map_err(|e| format!("cannot bind {}:{}: {e}", args.host, args.port))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    println!("Vitrine collector ready at http://{addr}/dashboard");
    serve(listener, state, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
    .map_err(|e| e.to_string())
}
