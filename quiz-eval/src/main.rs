//! `vitrine-quiz-eval`: how much the style quiz improves the affinity ranker, on real H&M
//! purchase histories, for adaptive vs random question order.
//!
//! Reads `../shared/data` (or `--data DIR`) at run time and writes only aggregate metrics to
//! `target/eval/quiz.json`. The protocol is described in `docs/QUIZ.md` and in [`sim`].

mod data;
mod metrics;
mod oracle;
mod sim;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;
use vitrine::profile::{Profile, ProfileConfig};
use vitrine::rank;

use oracle::Oracle;
use sim::{Score, Settings};

const MS_PER_DAY: f64 = 86_400_000.0;

/// Command-line options.
#[derive(Parser, Debug)]
#[command(about = "Evaluate the Vitrine style quiz on H&M purchase histories")]
struct Args {
    /// Folder with the H&M files (default: ../shared/data next to the repository).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Where to write the JSON report (default: target/eval/quiz.json in the repository).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Rolling target weeks, ending on the last day of the sample.
    #[arg(long, default_value_t = 40)]
    weeks: usize,
    /// Candidate-list length.
    #[arg(long, default_value_t = 1000)]
    candidates: usize,
    /// Days of purchases before the week whose popularity orders the candidate list.
    #[arg(long, default_value_t = 28)]
    candidate_days: i32,
    /// Question-bank size.
    #[arg(long, default_value_t = 200)]
    bank_size: usize,
    /// Minimum purchases before the target week.
    #[arg(long, default_value_t = 5)]
    min_history: usize,
    /// Random question orders averaged per shopper.
    #[arg(long, default_value_t = 5)]
    random_orders: u32,
    /// End the target weeks this many weeks before the last day (an earlier window, e.g. to
    /// tune settings without touching the reported weeks).
    #[arg(long, default_value_t = 0)]
    offset_weeks: usize,
    /// Override the profile's quizWeight.
    #[arg(long)]
    quiz_weight: Option<f64>,
}

fn repo_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    root.canonicalize().unwrap_or(root)
}

/// Price-band edges at the quartiles of the median article prices before `before` (H&M
/// prices are normalised, so the SDK's default currency edges would not fit).
fn price_edges(data: &data::Data, before: i32) -> Vec<f64> {
    let mut prices: Vec<f64> = data
        .purchases
        .iter()
        .take_while(|p| p.day < before)
        .map(|p| p.price)
        .collect();
    prices.sort_by(f64::total_cmp);
    let q = |f: f64| prices[((prices.len() as f64 - 1.0) * f) as usize];
    let mut edges = vec![q(0.25), q(0.5), q(0.75)];
    edges.dedup();
    edges
}

/// Standard error of the mean of `values` (0 for fewer than two).
fn std_error(values: impl Iterator<Item = f64>) -> f64 {
    let v: Vec<f64> = values.collect();
    if v.len() < 2 {
        return 0.0;
    }
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (var / n).sqrt()
}

fn main() -> ExitCode {
    let args = Args::parse();
    let dir = args
        .data
        .clone()
        .unwrap_or_else(|| repo_root().join("../shared/data"));
    let data = match data::load(&dir) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("vitrine-quiz-eval: {e}");
            return ExitCode::from(2);
        }
    };
    match run(&args, &data) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vitrine-quiz-eval: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args, data: &data::Data) -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings {
        weeks: args.weeks,
        candidates: args.candidates,
        candidate_days: args.candidate_days,
        bank_size: args.bank_size,
        bank_days: 28,
        min_history: args.min_history,
        random_orders: args.random_orders,
        ks: vec![0, 4, 8, 12, 24, 36],
    };
    let last_day =
        data.purchases.last().map(|p| p.day).ok_or("no purchases")? - 7 * args.offset_weeks as i32;
    let first_start = last_day - 7 * settings.weeks as i32 + 1;
    let cfg = ProfileConfig {
        attributes: data::ATTRIBUTE_COLUMNS
            .iter()
            .map(|(_, a)| (*a).to_owned())
            .collect(),
        price_band_edges: price_edges(data, first_start),
        quiz_weight: args
            .quiz_weight
            .unwrap_or(ProfileConfig::default().quiz_weight),
        ..ProfileConfig::default()
    };
    cfg.validate()?;

    let nk = settings.ks.len();
    let (mut adaptive, mut random) = (vec![Score::default(); nk], vec![Score::default(); nk]);
    let mut history_ref = Score::default();
    let (mut shopper_weeks, mut evaluated, mut targets_total, mut reachable_total) =
        (0usize, 0usize, 0usize, 0usize);
    let mut mix = [0u64; 3];
    // Per shopper-week: adaptive@12 − random@36 (MAP, NDCG), for the paired standard error.
    let mut paired: Vec<(f64, f64)> = Vec::new();
    let i12 = settings.ks.iter().position(|k| *k == 12);
    let i36 = settings.ks.iter().position(|k| *k == 36);
    for w in 0..settings.weeks {
        let start = first_start + 7 * w as i32;
        let week = sim::setup_week(data, start, &settings, &cfg)?;
        let prices: HashMap<u32, f64> = sim::median_prices(data, start);
        let mut buyers: Vec<u32> = data
            .purchases
            .iter()
            .filter(|p| (start..start + 7).contains(&p.day))
            .map(|p| p.customer)
            .collect();
        buyers.sort_unstable();
        buyers.dedup();
        for customer in buyers {
            let past: Vec<&data::Purchase> = data
                .purchases
                .iter()
                .filter(|p| p.customer == customer && p.day < start)
                .collect();
            if past.len() < settings.min_history {
                continue;
            }
            shopper_weeks += 1;
            let history: Vec<&data::Article> = past
                .iter()
                .map(|p| &data.articles[p.article as usize])
                .collect();
            let oracle = Oracle::from_history(&history, &week.population);
            let targets: HashSet<&str> = data
                .purchases
                .iter()
                .filter(|p| p.customer == customer && (start..start + 7).contains(&p.day))
                .map(|p| data.articles[p.article as usize].id.as_str())
                .collect();
            let list = sim::candidates(data, &week, &oracle, settings.candidates, &prices);
            let reachable = list
                .iter()
                .filter(|c| targets.contains(c.id.as_str()))
                .count();
            targets_total += targets.len();
            reachable_total += reachable;
            if reachable == 0 {
                continue;
            }
            evaluated += 1;
            let (prepared, _) = rank::prepare(list)?;
            let seed = customer.wrapping_mul(2_654_435_761) ^ start as u32;
            let case = sim::Case {
                week: &week,
                oracle: &oracle,
                prepared: &prepared,
                targets: &targets,
                cfg: &cfg,
            };
            let adaptive_scores = sim::quiz_scores(&case, &settings.ks, None, seed, &mut mix);
            for (slot, s) in adaptive.iter_mut().zip(&adaptive_scores) {
                *slot += *s;
            }
            let mut random_case = vec![Score::default(); nk];
            for r in 0..settings.random_orders {
                let order = sim::permutation(
                    week.bank.products().len(),
                    u64::from(seed) * 31 + u64::from(r),
                );
                let scores = sim::quiz_scores(&case, &settings.ks, Some(&order), seed, &mut [0; 3]);
                for (slot, s) in random_case.iter_mut().zip(scores) {
                    slot.map += s.map / f64::from(settings.random_orders);
                    slot.ndcg += s.ndcg / f64::from(settings.random_orders);
                }
            }
            for (slot, s) in random.iter_mut().zip(&random_case) {
                *slot += *s;
            }
            if let (Some(a), Some(r)) = (i12, i36) {
                paired.push((
                    adaptive_scores[a].map - random_case[r].map,
                    adaptive_scores[a].ndcg - random_case[r].ndcg,
                ));
            }
            let timeline: Vec<(i32, &data::Article, f64)> = past
                .iter()
                .map(|p| (p.day, &data.articles[p.article as usize], p.price))
                .collect();
            let profile: Profile = sim::history_profile(&timeline, &cfg);
            history_ref += sim::score(
                &prepared,
                &profile,
                &cfg,
                start as f64 * MS_PER_DAY,
                &targets,
            );
        }
    }
    if evaluated == 0 {
        return Err("no shopper-week has a target purchase in its candidate list".into());
    }
    let n = evaluated as f64;
    let mean = |s: Score| (s.map / n, s.ndcg / n);
    let rows: Vec<serde_json::Value> = settings
        .ks
        .iter()
        .enumerate()
        .flat_map(|(i, k)| {
            [("adaptive", adaptive[i]), ("random", random[i])].map(|(order, s)| {
                let (map, ndcg) = mean(s);
                json!({"order": order, "answers": k, "map12": map, "ndcg12": ndcg})
            })
        })
        .collect();
    let at = |v: &[Score], k: usize| settings.ks.iter().position(|x| *x == k).map(|i| mean(v[i]));
    let (a12, r36) = (
        at(&adaptive, 12).unwrap_or_default(),
        at(&random, 36).unwrap_or_default(),
    );
    let (h_map, h_ndcg) = mean(history_ref);
    let (se_map, se_ndcg) = (
        std_error(paired.iter().map(|d| d.0)),
        std_error(paired.iter().map(|d| d.1)),
    );
    let total_answers = mix.iter().sum::<u64>().max(1) as f64;
    let report = json!({
        "protocol": {
            "data": "hm_transactions_customer_sample + hm_articles (read at run time)",
            "targetWeeks": settings.weeks, "firstTargetDay": first_start, "lastDay": last_day,
            "candidates": settings.candidates, "candidateDays": settings.candidate_days,
            "candidateSource": "the sample's most bought articles in the candidateDays before the week, in the shopper's past index groups",
            "bankSize": settings.bank_size, "bankSource": "SDK bank generated from articles bought in the 28 days before the target week",
            "offsetWeeks": args.offset_weeks, "minHistory": settings.min_history, "randomOrders": settings.random_orders,
            "answers": "like / dislike / skip from pre-target purchases only (see docs/QUIZ.md)",
            "priceBandEdges": cfg.price_band_edges, "quizWeight": cfg.quiz_weight,
        },
        "shopperWeeks": shopper_weeks,
        "evaluated": evaluated,
        "candidateRecall": reachable_total as f64 / targets_total.max(1) as f64,
        "answerMix": {"like": mix[0] as f64 / total_answers, "dislike": mix[1] as f64 / total_answers, "skip": mix[2] as f64 / total_answers},
        "rows": rows,
        "historyProfileReference": {"map12": h_map, "ndcg12": h_ndcg},
        "target": {"adaptiveAt12": {"map12": a12.0, "ndcg12": a12.1}, "randomAt36": {"map12": r36.0, "ndcg12": r36.1},
                   "met": a12.0 >= r36.0 && a12.1 >= r36.1,
                   "pairedStdError": {"map12": se_map, "ndcg12": se_ndcg,
                       "meaning": "standard error of the mean per-shopper difference adaptive@12 - random@36"}},
    });
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| repo_root().join("target/eval/quiz.json"));
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&out, serde_json::to_string_pretty(&report)? + "\n")?;

    println!(
        "quiz eval: {evaluated} shopper-weeks ({shopper_weeks} with history, candidate recall {:.1}%): adaptive@12 MAP@12 {:.4} NDCG@12 {:.4} vs random@36 MAP@12 {:.4} NDCG@12 {:.4} -> target {}",
        100.0 * reachable_total as f64 / targets_total.max(1) as f64,
        a12.0, a12.1, r36.0, r36.1,
        if a12.0 >= r36.0 && a12.1 >= r36.1 { "met" } else { "NOT met" }
    );
    println!(
        "adaptive@12 - random@36: MAP@12 {:+.4} ± {se_map:.4}, NDCG@12 {:+.4} ± {se_ndcg:.4} (paired standard error over {evaluated} shopper-weeks)",
        a12.0 - r36.0,
        a12.1 - r36.1
    );
    println!(
        "{:>8} | {:>9} {:>9} | {:>9} {:>9}",
        "answers", "adaptMAP", "adaptNDCG", "randMAP", "randNDCG"
    );
    for (i, k) in settings.ks.iter().enumerate() {
        let (am, an) = mean(adaptive[i]);
        let (rm, rn) = mean(random[i]);
        println!("{k:>8} | {am:>9.4} {an:>9.4} | {rm:>9.4} {rn:>9.4}");
    }
    println!("history-profile reference: MAP@12 {h_map:.4} NDCG@12 {h_ndcg:.4}; answers like/dislike/skip {:.0}%/{:.0}%/{:.0}%; wrote {}",
        100.0 * mix[0] as f64 / total_answers, 100.0 * mix[1] as f64 / total_answers, 100.0 * mix[2] as f64 / total_answers, out.display());
    Ok(())
}
