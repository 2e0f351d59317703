//! `vitrine-trainer`: trains the compact ranking model and evaluates it offline.
//!
//! ```text
//! vitrine-trainer train --data ../shared/data --out target/model/hm.bin --seed 42
//! vitrine-trainer eval  --data ../shared/data --model target/model/hm.bin
//! vitrine-trainer bench-model --out target/model/bench.bin   # synthetic, no data needed
//! ```
//!
//! `--data` defaults to `../shared/data` next to the repository. The data is read in place
//! and never copied. See the modules for the dataset schema ([`dataset`]), the protocol
//! ([`protocol`]), the objective ([`train`]) and the metrics ([`metrics`]).

mod baselines;
mod bench;
mod bench_engine;
mod bench_model;
mod dataset;
mod evaluate;
mod examples;
mod metrics;
mod pipeline;
mod protocol;
mod report;
mod rng;
mod spec;
#[cfg(test)]
mod synthetic;
#[cfg(test)]
mod tests;
mod train;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// The repository root (this crate's parent directory).
fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .map_or_else(|| manifest.join(".."), PathBuf::from)
}

#[derive(Debug, Parser)]
#[command(
    name = "vitrine-trainer",
    version,
    about = "Train and evaluate the Vitrine ranking model"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Trains a model on events before the evaluation cut-off and writes the model file.
    Train(TrainArgs),
    /// Evaluates a model against the baselines and writes report.json, report.md, metrics.svg.
    Eval(EvalArgs),
    /// Times model load and re-rank natively; writes target/bench/model_native.json.
    Bench(BenchArgs),
    /// Writes a synthetic (untrained) model with a 64-d item embedding for the browser
    /// benchmark and end-to-end tests; needs no data.
    BenchModel(BenchModelArgs),
}

#[derive(Debug, Args)]
pub struct BenchModelArgs {
    /// Output model file.
    #[arg(long, default_value_os_t = repo_root().join("target/model/bench.bin"))]
    pub out: PathBuf,
    /// Random seed of the synthetic weights.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Length of the candidate embedding the model projects.
    #[arg(long, default_value_t = 64)]
    pub embedding_dim: usize,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The model file.
    #[arg(long, default_value_os_t = repo_root().join("target/model/hm.bin"))]
    pub model: PathBuf,
    /// Output directory.
    #[arg(long, default_value_os_t = repo_root().join("target/bench"))]
    pub out_dir: PathBuf,
}

/// Where the data is and how to read it.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data directory (default: ../shared/data next to the repository).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Dataset schema as JSON (default: the H&M schema).
    #[arg(long)]
    pub schema: Option<PathBuf>,
}

/// Protocol settings shared by train and eval (they must agree).
#[derive(Debug, Clone, Args)]
pub struct ProtocolArgs {
    /// Rolling 7-day evaluation windows.
    #[arg(long, default_value_t = 12)]
    pub rolling_weeks: usize,
    /// Target days of the final-week split (0 disables it).
    #[arg(long, default_value_t = 2)]
    pub final_split_days: i32,
    /// Candidate list length.
    #[arg(long, default_value_t = 200)]
    pub candidates: usize,
    /// Popularity look-back in days.
    #[arg(long, default_value_t = 7)]
    pub popularity_days: i32,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// Output model file.
    #[arg(long, default_value_os_t = repo_root().join("target/model/hm.bin"))]
    pub out: PathBuf,
    /// Random seed (initialisation and example order).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Embedding width.
    #[arg(long, default_value_t = 16)]
    pub dim: usize,
    /// Interaction layer width.
    #[arg(long, default_value_t = 16)]
    pub hidden: usize,
    /// Training epochs (the best validation epoch is kept).
    #[arg(long, default_value_t = 12)]
    pub epochs: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 0.003)]
    pub learning_rate: f32,
    /// L2 decay on embedding tables and transforms.
    #[arg(long, default_value_t = 1.0e-2)]
    pub l2: f32,
    /// Examples per update.
    #[arg(long, default_value_t = 16)]
    pub batch: usize,
    /// Profile half-life in days (stored in the model; the engine should use it).
    #[arg(long, default_value_t = 14.0)]
    pub half_life_days: f64,
    /// Past items of the shopper added to each training list (0 = pure server lists).
    #[arg(long, default_value_t = 12)]
    pub inject_history: usize,
    /// Popularity-sampled negatives per pre-training list (0 disables pre-training data).
    #[arg(long, default_value_t = 50)]
    pub pretrain_negatives: usize,
    /// Tower pre-training epochs.
    #[arg(long, default_value_t = 8)]
    pub pretrain_epochs: usize,
    /// Newest pre-cut-off weeks held out for early stopping.
    #[arg(long, default_value_t = 4)]
    pub validation_weeks: usize,
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    #[command(flatten)]
    pub data: DataArgs,
    #[command(flatten)]
    pub protocol: ProtocolArgs,
    /// The model file to evaluate.
    #[arg(long, default_value_os_t = repo_root().join("target/model/hm.bin"))]
    pub model: PathBuf,
    /// Report directory.
    #[arg(long, default_value_os_t = repo_root().join("target/eval"))]
    pub out_dir: PathBuf,
    /// Bootstrap resamples.
    #[arg(long, default_value_t = 1000)]
    pub bootstrap: usize,
    /// Bootstrap seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Train(args) => pipeline::train(&args),
        Command::Eval(args) => pipeline::eval(&args),
        Command::BenchModel(args) => bench_model::write(&args.out, args.seed, args.embedding_dim)
            .map(|bytes| println!("wrote {} ({bytes} bytes)", args.out.display())),
        Command::Bench(args) => bench::run(&args.model, &args.out_dir).map(|report| {
            let at = |n: usize, dim: usize| report.rerank.iter().find(|t| t.candidates == n && t.embedding_dim == dim);
            let p50 = |n, dim| at(n, dim).map_or(0.0, |t| t.p50_ms);
            let p95 = |n, dim| at(n, dim).map_or(0.0, |t| t.p95_ms);
            let rank = |n, dim| at(n, dim).map_or(0.0, |t| t.rank_only_p50_ms);
            let engine = report.engine.iter().find(|t| t.candidates == 1000);
            println!(
                "native_rerank_1000_p50_ms={:.3} native_rerank_1000_p95_ms={:.3} native_model_rank_1000_p50_ms={:.3} native_rerank_1000_emb64_p50_ms={:.3} native_rerank_10000_emb64_p50_ms={:.3} native_load_ms={:.3} model_bytes={} native_engine_set_1000_p50_ms={:.3} native_engine_set_1000_p95_ms={:.3}",
                p50(1000, 0),
                p95(1000, 0),
                rank(1000, 0),
                p50(1000, 64),
                p50(10_000, 64),
                report.load_p50_ms,
                report.model_bytes,
                engine.map_or(0.0, |t| t.set_p50_ms),
                engine.map_or(0.0, |t| t.set_p95_ms),
            );
        }),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
