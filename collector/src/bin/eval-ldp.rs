//! `eval-ldp`: simulates browsers with known true label shares, sends each one report
//! through the real pipeline (core encoder → JSON → collector decoder → SQLite → de-biasing)
//! and prints the mean absolute error of the estimated shares, in percentage points, at each
//! report type's default ε. Writes `target/eval/ldp.json`.

use std::path::PathBuf;

use clap::Parser;
use serde_json::json;
use vitrine::privacy::queue::batch_body;
use vitrine::privacy::reports::{Report, ReportKind};
use vitrine::privacy::rng::ChaCha20Rng;
use vitrine::privacy::wire::{Day, Epsilon};
use vitrine_collector::aggregate::estimate;
use vitrine_collector::decode::{decode_batch, MAX_BATCH_REPORTS};
use vitrine_collector::store::Store;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(name = "eval-ldp", about = "Accuracy of the collector's LDP estimates")]
struct Args {
    /// Simulated browsers (one report each).
    #[arg(long, default_value_t = 10_000)]
    browsers: usize,
    /// Independent runs averaged.
    #[arg(long, default_value_t = 20)]
    runs: u64,
    /// Output file.
    #[arg(long, default_value = "target/eval/ldp.json")]
    out: PathBuf,
}

/// Known true shares: a Zipf-like profile (weight 1/(i+1)), normalised.
fn true_shares(d: usize) -> Vec<f64> {
    let w: Vec<f64> = (0..d).map(|i| 1.0 / (i as f64 + 1.0)).collect();
    let total: f64 = w.iter().sum();
    w.iter().map(|x| x / total).collect()
}

/// Exact label counts for `n` browsers (largest remainders), so the truth is known exactly.
fn true_counts(shares: &[f64], n: usize) -> Vec<usize> {
    let mut counts: Vec<usize> = shares
        .iter()
        .map(|s| (s * n as f64).floor() as usize)
        .collect();
    let mut rest: Vec<(usize, f64)> = shares
        .iter()
        .enumerate()
        .map(|(i, s)| (i, s * n as f64 - counts[i] as f64))
        .collect();
    rest.sort_by(|a, b| b.1.total_cmp(&a.1));
    let missing = n - counts.iter().sum::<usize>();
    for (i, _) in rest.into_iter().take(missing) {
        counts[i] += 1;
    }
    counts
}

fn run_once(kind: ReportKind, browsers: usize, seed: u64) -> Result<(f64, f64), String> {
    let schema = kind.schema();
    let day = Day(20_000);
    let epsilon = Epsilon::new(schema.default_epsilon).map_err(|e| e.to_string())?;
    let counts = true_counts(&true_shares(schema.labels.len()), browsers);
    let mut rng = ChaCha20Rng::seed_from_u64(seed);
    let mut payloads = Vec::with_capacity(browsers);
    for (label, &count) in counts.iter().enumerate() {
        let report = Report::new(
            kind,
            day,
            schema.labels[label],
            schema.has_experiment.then_some("eval"),
        )
        .map_err(|e| e.to_string())?;
        for _ in 0..count {
            payloads.push(report.encode(epsilon, &mut rng).to_json());
        }
    }
    let mut store = Store::in_memory().map_err(|e| e.to_string())?;
    for chunk in payloads.chunks(MAX_BATCH_REPORTS) {
        let body = batch_body(chunk.iter().map(String::as_str));
        let reports = decode_batch(body.as_bytes(), day).map_err(|e| e.to_string())?;
        store.ingest(&reports).map_err(|e| e.to_string())?;
    }
    let cells = store.cells().map_err(|e| e.to_string())?;
    let cell = cells.first().ok_or("no cell")?;
    let aggregate = estimate(cell);
    let n = browsers as f64;
    let (mut raw, mut clamped) = (0.0, 0.0);
    for (l, &truth) in aggregate.labels.iter().zip(&counts) {
        let t = truth as f64 / n;
        raw += (l.estimate / n - t).abs();
        clamped += (l.share - t).abs();
    }
    let d = counts.len() as f64;
    Ok((raw / d * 100.0, clamped / d * 100.0))
}

fn main() {
    let args = Args::parse();
    if args.browsers == 0 || args.runs == 0 {
        eprintln!("eval-ldp: --browsers and --runs must be positive");
        std::process::exit(2);
    }
    let mut results = Vec::new();
    for kind in ReportKind::ALL {
        let schema = kind.schema();
        let mut maes = Vec::new();
        let mut clamped = Vec::new();
        for run in 0..args.runs {
            match run_once(kind, args.browsers, 1_000 * run + kind as u64) {
                Ok((m, c)) => {
                    maes.push(m);
                    clamped.push(c);
                }
                Err(e) => {
                    eprintln!("eval-ldp: {e}");
                    std::process::exit(1);
                }
            }
        }
        let mean = maes.iter().sum::<f64>() / maes.len() as f64;
        let worst = maes.iter().copied().fold(0.0, f64::max);
        let mean_clamped = clamped.iter().sum::<f64>() / clamped.len() as f64;
        println!(
            "{:<11} {} d={:<2} ε={:<4} browsers={} runs={}: MAE {:.2} pp (worst run {:.2}; clamped shares {:.2})",
            schema.name,
            schema.encoding.as_str(),
            schema.labels.len(),
            schema.default_epsilon,
            args.browsers,
            args.runs,
            mean,
            worst,
            mean_clamped
        );
        results.push(json!({
            "type": schema.name, "encoding": schema.encoding.as_str(), "labels": schema.labels.len(),
            "epsilon": schema.default_epsilon, "browsers": args.browsers, "runs": args.runs,
            "maePp": mean, "worstRunMaePp": worst, "clampedMaePp": mean_clamped,
        }));
    }
    let engagement = results[0]["maePp"].as_f64().unwrap_or(f64::INFINITY);
    println!(
        "engagement MAE {engagement:.2} pp (target <= 2.00): {}",
        if engagement <= 2.0 { "met" } else { "NOT met" }
    );
    let out = json!({ "target": { "type": "engagement", "maePp": 2.0 }, "met": engagement <= 2.0, "results": results });
    let text = serde_json::to_string_pretty(&out).unwrap_or_default();
    if let Err(e) = args
        .out
        .parent()
        .map_or(Ok(()), std::fs::create_dir_all)
        .and_then(|()| std::fs::write(&args.out, text + "\n"))
    {
        eprintln!("eval-ldp: cannot write {}: {e}", args.out.display());
        std::process::exit(1);
    }
    println!("wrote {}", args.out.display());
}
