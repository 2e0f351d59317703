//! `load-bench`: starts the collector on a loopback port (in-memory SQLite), posts
//! pre-encoded batches over keep-alive connections until a report count or a time limit is
//! reached, stops itself, and checks that every accepted report was counted exactly once
//! (zero loss). Prints reports/s; writes `target/bench/collector.json`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use clap::Parser;
use serde_json::json;
use vitrine::privacy::queue::batch_body;
use vitrine::privacy::reports::{Report, ReportKind};
use vitrine::privacy::rng::ChaCha20Rng;
use vitrine::privacy::wire::{Day, Epsilon};
use vitrine_collector::client::Connection;
use vitrine_collector::ratelimit::RateLimit;
use vitrine_collector::{serve, CollectorConfig, CollectorState};

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "load-bench",
    about = "Collector throughput on loopback, with a zero-loss check"
)]
struct Args {
    /// Stop after this many reports.
    #[arg(long, default_value_t = 200_000)]
    max_reports: usize,
    /// Stop after this many seconds.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    /// Reports per batch.
    #[arg(long, default_value_t = 50)]
    batch: usize,
    /// Output file.
    #[arg(long, default_value = "target/bench/collector.json")]
    out: PathBuf,
}

fn today() -> Day {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as f64)
        .unwrap_or(0.0);
    Day::from_ms(ms)
}

fn batches(total: usize, batch: usize) -> Result<Vec<String>, String> {
    let mut rng = ChaCha20Rng::seed_from_u64(7);
    let day = today();
    let kinds = ReportKind::ALL;
    let mut payloads = Vec::with_capacity(total);
    for i in 0..total {
        let kind = kinds[i % kinds.len()];
        let schema = kind.schema();
        let label = schema.labels[i % schema.labels.len()];
        let report = Report::new(kind, day, label, schema.has_experiment.then_some("bench"))
            .map_err(|e| e.to_string())?;
        let epsilon = Epsilon::new(schema.default_epsilon).map_err(|e| e.to_string())?;
        payloads.push(report.encode(epsilon, &mut rng).to_json());
    }
    Ok(payloads
        .chunks(batch)
        .map(|c| batch_body(c.iter().map(String::as_str)))
        .collect())
}

async fn client(
    addr: SocketAddr,
    bodies: Vec<String>,
    deadline: Instant,
) -> Result<(usize, usize, usize), String> {
    let mut conn = Connection::connect(addr).await.map_err(|e| e.to_string())?;
    let (mut accepted, mut duplicates, mut sent) = (0, 0, 0);
    for body in bodies {
        if Instant::now() >= deadline {
            break;
        }
        let response = conn
            .request(
                "POST",
                "/reports",
                &[("Content-Type", "text/plain")],
                body.as_bytes(),
            )
            .await
            .map_err(|e| e.to_string())?;
        if response.status != 200 {
            return Err(format!("status {}: {}", response.status, response.text()));
        }
        let v: serde_json::Value =
            serde_json::from_slice(&response.body).map_err(|e| e.to_string())?;
        accepted += v["accepted"].as_u64().unwrap_or(0) as usize;
        duplicates += v["duplicates"].as_u64().unwrap_or(0) as usize;
        sent += body.matches("\"id\"").count();
    }
    Ok((sent, accepted, duplicates))
}

#[tokio::main]
async fn main() {
    if let Err(e) = run(Args::parse()).await {
        eprintln!("load-bench: {e}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    if args.max_reports == 0
        || args.connections == 0
        || !(1..=100).contains(&args.batch)
        || !(args.seconds > 0.0 && args.seconds <= 600.0)
    {
        return Err(
            "need --max-reports > 0, --connections > 0, --batch 1-100, --seconds in (0, 600]"
                .into(),
        );
    }
    // The bench is one client; lift the per-client limit so it measures the pipeline.
    let config = CollectorConfig {
        rate_limit: RateLimit {
            burst: 1e9,
            per_second: 1e9,
        },
        ..CollectorConfig::default()
    };
    let state = CollectorState::new(config).map_err(|e| e.to_string())?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    let all = batches(args.max_reports, args.batch)?;
    let mut per_client: Vec<Vec<String>> = vec![Vec::new(); args.connections];
    for (i, b) in all.into_iter().enumerate() {
        per_client[i % args.connections].push(b);
    }
    let start = Instant::now();
    let deadline = start + Duration::from_secs_f64(args.seconds);
    let tasks: Vec<_> = per_client
        .into_iter()
        .map(|bodies| tokio::spawn(client(addr, bodies, deadline)))
        .collect();
    let (mut sent, mut accepted, mut duplicates) = (0, 0, 0);
    for t in tasks {
        let (s, a, d) = t.await.map_err(|e| e.to_string())??;
        sent += s;
        accepted += a;
        duplicates += d;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let _ = stop.send(());
    server
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| e.to_string())?;
    let stored = state
        .with_store(|s| s.total_reports())
        .map_err(|e| e.to_string())? as usize;
    let lost = sent - stored.min(sent);
    let rate = stored as f64 / elapsed;
    println!(
        "load-bench: {sent} reports sent in {elapsed:.2} s over {} connections (batches of {}): {rate:.0} reports/s, stored {stored}, duplicates {duplicates}, lost {lost}",
        args.connections, args.batch
    );
    let out = json!({
        "reportsSent": sent, "reportsAccepted": accepted, "reportsStored": stored, "duplicates": duplicates,
        "lost": lost, "seconds": elapsed, "reportsPerSecond": rate, "connections": args.connections,
        "batch": args.batch, "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    });
    let text = serde_json::to_string_pretty(&out).unwrap_or_default();
    args.out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&args.out, text + "\n"))
        .map_err(|e| e.to_string())?;
    println!("wrote {}", args.out.display());
    if lost > 0 || accepted != stored || duplicates > 0 {
        return Err(format!("loss detected: sent {sent}, accepted {accepted}, stored {stored}, duplicates {duplicates}"));
    }
    Ok(())
}
