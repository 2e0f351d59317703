//! End-to-end tests on a synthetic shop: protocol invariants, train + eval, leakage guard.

use crate::dataset::{self, tests::TempDir};
use crate::pipeline::{self, PipelineError};
use crate::protocol::{evaluation_windows, training_windows, ProtocolConfig, Timeline, WindowData};
use crate::{synthetic, DataArgs, EvalArgs, ProtocolArgs, TrainArgs};

fn protocol_args(rolling_weeks: usize) -> ProtocolArgs {
    ProtocolArgs {
        rolling_weeks,
        final_split_days: 2,
        candidates: 30,
        popularity_days: 7,
    }
}

fn train_args(dir: &TempDir, out: &str, rolling_weeks: usize) -> TrainArgs {
    TrainArgs {
        data: DataArgs {
            data: Some(dir.0.clone()),
            schema: Some(dir.0.join("schema.json")),
        },
        protocol: protocol_args(rolling_weeks),
        out: dir.0.join(out),
        seed: 3,
        dim: 4,
        hidden: 4,
        epochs: 3,
        learning_rate: 0.01,
        l2: 1.0e-3,
        batch: 8,
        half_life_days: 14.0,
        inject_history: 4,
        pretrain_negatives: 10,
        pretrain_epochs: 1,
        validation_weeks: 2,
    }
}

fn eval_args(dir: &TempDir, model: &str, rolling_weeks: usize) -> EvalArgs {
    EvalArgs {
        data: DataArgs {
            data: Some(dir.0.clone()),
            schema: Some(dir.0.join("schema.json")),
        },
        protocol: protocol_args(rolling_weeks),
        model: dir.0.join(model),
        out_dir: dir.0.join("eval"),
        bootstrap: 50,
        seed: 1,
    }
}

#[test]
fn windows_cases_and_candidates_respect_time() {
    let dir = TempDir::new("protocol");
    synthetic::write(&dir.0, 1);
    let data = dataset::read(&dir.0, &synthetic::schema()).unwrap();
    let config = ProtocolConfig {
        rolling_weeks: 3,
        candidates: 20,
        ..ProtocolConfig::default()
    };
    let (windows, cutoff) = evaluation_windows(&data, &config);
    let last = data.events.last().unwrap().day;
    assert_eq!(windows.len(), 4);
    assert_eq!(
        windows[2].end,
        last + 1,
        "the newest week ends on the last day"
    );
    assert_eq!(windows[3].block, "final_split");
    assert_eq!((windows[3].start, windows[3].end), (last - 1, last + 1));
    assert_eq!(cutoff, last - 20);
    let training = training_windows(&data, cutoff, 1, 2);
    assert!(training.iter().all(|w| w.end <= cutoff));
    assert!(training.iter().any(|w| w.block == "validation"));
    let timeline = Timeline::new(&data);
    let pool = data
        .catalog
        .attribute_names
        .iter()
        .position(|n| n == "indexGroup")
        .unwrap();
    let wd = WindowData::new(&data, &timeline, windows[0].clone(), pool, &config);
    assert!(!wd.cases.is_empty());
    for case in &wd.cases {
        assert!(case.history.iter().all(|t| t.day < windows[0].start));
        let list = wd.candidate_items(case, &config);
        assert!(list.len() <= 20);
        assert!(list.windows(2).all(|w| w[0].1 >= w[1].1), "most sold first");
        let candidates = wd.candidates(&list);
        assert!(candidates
            .iter()
            .all(|c| c.price.is_some() && c.attributes.contains_key("colour")));
    }
}

#[test]
fn train_then_eval_writes_a_report_and_refuses_leaks() {
    let dir = TempDir::new("pipeline");
    synthetic::write(&dir.0, 2);
    pipeline::train(&train_args(&dir, "model.bin", 3)).unwrap();
    let first = std::fs::read(dir.0.join("model.bin")).unwrap();
    // Same seed, same bytes.
    pipeline::train(&train_args(&dir, "again.bin", 3)).unwrap();
    assert_eq!(first, std::fs::read(dir.0.join("again.bin")).unwrap());
    pipeline::eval(&eval_args(&dir, "model.bin", 3)).unwrap();
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.0.join("eval/report.json")).unwrap())
            .unwrap();
    for block in ["all", "rolling", "final_split"] {
        let rankers = &report["blocks"][block]["rankers"];
        for r in crate::evaluate::RANKERS {
            let map = rankers[r]["map12"]["mean"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&map), "{block} {r} {map}");
        }
    }
    // The synthetic shoppers follow their preferences: personalisation beats popularity.
    let all = &report["blocks"]["all"]["rankers"];
    let map = |r: &str| all[r]["map12"]["mean"].as_f64().unwrap();
    assert!(map("affinity") > map("server"), "{all}");
    assert!(map("model") > map("server"), "{all}");
    assert!(dir.0.join("eval/report.md").exists() && dir.0.join("eval/metrics.svg").exists());
    // A model trained up to a later cut-off must not be evaluated on earlier windows.
    pipeline::train(&train_args(&dir, "late.bin", 1)).unwrap();
    assert!(matches!(
        pipeline::eval(&eval_args(&dir, "late.bin", 3)),
        Err(PipelineError::Leakage { .. })
    ));
}
