//! The `train` and `eval` commands end to end.

use std::path::{Path, PathBuf};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use thiserror::Error;
use vitrine::model::{Model, ModelError, ModelMetadata};

use crate::dataset::{self, format_day, Dataset, DatasetError, Schema};
use crate::evaluate;
use crate::examples::{self, Example};
use crate::protocol::{evaluation_windows, training_windows, ProtocolConfig, Timeline, WindowData};
use crate::report::{self, BootstrapInfo, Report};
use crate::spec::{self, SpecSizes};
use crate::train::{self, OptimConfig};
use crate::{repo_root, DataArgs, EvalArgs, ProtocolArgs, TrainArgs};

/// Why a command failed.
#[derive(Debug, Error)]
pub enum PipelineError {
    /// The data could not be read.
    #[error(transparent)]
    Dataset(#[from] DatasetError),
    /// The model could not be built or loaded.
    #[error("model: {0}")]
    Model(#[from] ModelError),
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The model saw data from the evaluation windows.
    #[error("the model was trained on data up to {trained}, after the evaluation cut-off {cutoff}; retrain with the same protocol settings")]
    Leakage {
        /// The model's cut-off.
        trained: String,
        /// The evaluation cut-off.
        cutoff: String,
    },
    /// Bad settings.
    #[error("{0}")]
    Settings(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> PipelineError + '_ {
    move |source| PipelineError::Io {
        path: path.to_owned(),
        source,
    }
}

fn protocol_config(args: &ProtocolArgs) -> ProtocolConfig {
    ProtocolConfig {
        rolling_weeks: args.rolling_weeks,
        final_split_days: args.final_split_days,
        candidates: args.candidates,
        popularity_days: args.popularity_days,
        ..ProtocolConfig::default()
    }
}

fn load(args: &DataArgs) -> Result<(Dataset, Schema, usize), PipelineError> {
    let schema = match &args.schema {
        None => Schema::hm(),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(io(path))?;
            serde_json::from_str(&text).map_err(|e| DatasetError::Schema(e.to_string()))?
        }
    };
    let dir = args
        .data
        .clone()
        .unwrap_or_else(|| repo_root().join("../shared/data"));
    let spinner = ProgressBar::new_spinner().with_message(format!("reading {}", dir.display()));
    spinner.enable_steady_tick(std::time::Duration::from_millis(120));
    let data = dataset::read(&dir, &schema)?;
    spinner.finish_and_clear();
    let pool_attr = data
        .catalog
        .attribute_names
        .iter()
        .position(|n| *n == schema.pool_attribute)
        .ok_or_else(|| {
            PipelineError::Settings(format!(
                "pool attribute `{}` is not in the schema",
                schema.pool_attribute
            ))
        })?;
    eprintln!(
        "data: {} items, {} users, {} events ({} to {})",
        data.catalog.len(),
        data.users.len(),
        data.events.len(),
        data.events
            .first()
            .map_or_else(String::new, |t| format_day(t.day)),
        data.events
            .last()
            .map_or_else(String::new, |t| format_day(t.day)),
    );
    Ok((data, schema, pool_attr))
}

fn bar(len: usize, what: &str) -> ProgressBar {
    let template = format!("{what:6}{{bar:30}} {{pos}}/{{len}} {{msg}}");
    ProgressBar::new(len as u64).with_style(
        ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()),
    )
}

/// `train`: featurise the pre-cut-off weeks, fit, write the model.
pub fn train(args: &TrainArgs) -> Result<(), PipelineError> {
    let started = Instant::now();
    let (data, _, pool_attr) = load(&args.data)?;
    let protocol = protocol_config(&args.protocol);
    let (_, cutoff) = evaluation_windows(&data, &protocol);
    let windows = training_windows(
        &data,
        cutoff,
        args.validation_weeks,
        args.protocol.final_split_days,
    );
    if !windows.iter().any(|w| w.block == "train")
        || !windows.iter().any(|w| w.block == "validation")
    {
        return Err(PipelineError::Settings(
            "not enough history before the cut-off to train".into(),
        ));
    }
    let sizes = SpecSizes {
        dim: args.dim,
        hidden: args.hidden,
        half_life_days: args.half_life_days,
    };
    let spec = spec::build(&data, cutoff, sizes);
    let index = spec.clone().compile().map_err(ModelError::from)?;
    let profile_config = index.profile_config().clone();
    let timeline = Timeline::new(&data);
    let mut sets: [Vec<Example>; 4] = Default::default(); // train, validation, pretrain, pretrain validation
    let mut cases = 0usize;
    let mut rng = crate::rng::Rng::new(args.seed);
    let progress = bar(windows.len(), "windows");
    for window in &windows {
        progress.set_message(window.from.clone());
        let wd = WindowData::new(&data, &timeline, window.clone(), pool_attr, &protocol);
        let offset = if window.block == "validation" { 1 } else { 0 };
        for case in &wd.cases {
            cases += 1;
            let built = examples::build(
                &data,
                &wd,
                case,
                &index,
                &profile_config,
                &protocol,
                args.inject_history,
                args.pretrain_negatives,
                &mut rng,
            );
            sets[offset].extend(built.list);
            sets[2 + offset].extend(built.pretrain);
        }
        progress.inc(1);
    }
    progress.finish_and_clear();
    let [train_set, validation_set, pretrain_set, pretrain_validation] = sets;
    eprintln!(
        "examples: {} train / {} validation server lists with a purchase, {} / {} pre-training lists, from {cases} shopper-windows, after {:.1}s",
        train_set.len(),
        validation_set.len(),
        pretrain_set.len(),
        pretrain_validation.len(),
        started.elapsed().as_secs_f64()
    );
    let optim = OptimConfig {
        epochs: args.epochs,
        pretrain_epochs: args.pretrain_epochs,
        learning_rate: args.learning_rate,
        l2: args.l2,
        batch: args.batch,
        ..OptimConfig::default()
    };
    let progress = bar(optim.pretrain_epochs + optim.epochs, "epochs");
    let training_sets = train::TrainingSets {
        train: &train_set,
        validation: &validation_set,
        pretrain: &pretrain_set,
        pretrain_validation: &pretrain_validation,
    };
    let fitted = train::fit(&index, &training_sets, &optim, args.seed, |stage, e| {
        progress.set_message(format!(
            "{stage:?}: loss {:.4} val loss {:.4} MAP@12 {:.4}",
            e.loss, e.validation_loss, e.validation_map12
        ));
        progress.inc(1);
    });
    progress.finish_and_clear();
    let best = fitted.log.iter().find(|e| e.epoch == fitted.best_epoch);
    let training = json!({
        "trainer": concat!("vitrine-trainer ", env!("CARGO_PKG_VERSION")),
        "seed": args.seed,
        "cutoffDay": cutoff,
        "cutoffDate": format_day(cutoff),
        "dataFiles": data.files,
        "objective": "tower pre-training by sampled softmax over popularity-sampled negatives, then listwise softmax over the server candidate list",
        "protocol": protocol,
        "trainingWindows": windows.len(),
        "validationWeeks": args.validation_weeks,
        "examples": {
            "train": train_set.len(),
            "validation": validation_set.len(),
            "pretrain": pretrain_set.len(),
            "pretrainValidation": pretrain_validation.len(),
            "shopperWindows": cases
        },
        "pretrainNegatives": args.pretrain_negatives,
        "injectedHistoryItems": args.inject_history,
        "optimizer": optim,
        "sizes": sizes,
        "pretrainEpochs": fitted.pretrain_log,
        "epochs": fitted.log,
        "bestEpoch": fitted.best_epoch,
        "bestValidationLoss": best.map(|e| e.validation_loss),
        "bestValidationMap12": best.map(|e| e.validation_map12),
    });
    let metadata = ModelMetadata {
        name: "vitrine-hm-ranker".into(),
        spec,
        training: training.to_string(),
    };
    let model = Model::new(metadata, fitted.weights)?;
    let bytes = model.to_bytes()?;
    if let Some(parent) = args.out.parent() {
        std::fs::create_dir_all(parent).map_err(io(parent))?;
    }
    std::fs::write(&args.out, &bytes).map_err(io(&args.out))?;
    println!(
        "model={} bytes={} sha256={} best_epoch={} val_map12={:.4} seconds={:.1}",
        args.out.display(),
        bytes.len(),
        vitrine::model::sha256::sha256_hex(&bytes),
        fitted.best_epoch,
        best.map_or(0.0, |e| e.validation_map12),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `eval`: every ranker on the evaluation windows; writes the report.
pub fn eval(args: &EvalArgs) -> Result<(), PipelineError> {
    let bytes = std::fs::read(&args.model).map_err(io(&args.model))?;
    let model = Model::from_bytes(&bytes, None)?;
    let (data, _, pool_attr) = load(&args.data)?;
    let protocol = protocol_config(&args.protocol);
    let (windows, cutoff) = evaluation_windows(&data, &protocol);
    let training: serde_json::Value =
        serde_json::from_str(&model.metadata().training).unwrap_or_default();
    let trained = training
        .get("cutoffDay")
        .and_then(serde_json::Value::as_i64);
    match trained {
        Some(day) if day <= i64::from(cutoff) => {}
        _ => {
            return Err(PipelineError::Leakage {
                trained: trained.map_or_else(|| "an unknown date".into(), |d| format_day(d as i32)),
                cutoff: format_day(cutoff),
            })
        }
    }
    let (_, results) = evaluate::run(&data, &model, &protocol, pool_attr);
    let mut blocks = std::collections::BTreeMap::new();
    blocks.insert(
        "all".to_owned(),
        evaluate::summarise(&results, None, args.bootstrap, args.seed),
    );
    for block in ["rolling", "final_split"] {
        if results.blocks.iter().any(|b| b == block) {
            blocks.insert(
                block.to_owned(),
                evaluate::summarise(&results, Some(block), args.bootstrap, args.seed),
            );
        }
    }
    let report = Report {
        model: args.model.display().to_string(),
        model_sha256: model.sha256().to_owned(),
        training,
        protocol,
        windows,
        bootstrap: BootstrapInfo {
            rounds: args.bootstrap,
            seed: args.seed,
        },
        blocks,
    };
    report::write(&report, &args.out_dir).map_err(io(&args.out_dir))?;
    eprint!("{}", report::markdown(&report));
    let all = &report.blocks["all"];
    let model_map = all.rankers[evaluate::RANKERS[evaluate::MODEL]].map12;
    let base_map = all.rankers[all.best_baseline.as_str()].map12;
    println!(
        "map12_model={:.4} map12_best_baseline={:.4} ratio={:.2} best_baseline={} ci_separate={} cases={} report={}",
        model_map.mean,
        base_map.mean,
        all.ratio_to_best.mean,
        all.best_baseline,
        all.intervals_separate,
        all.cases,
        args.out_dir.join("report.json").display()
    );
    Ok(())
}
