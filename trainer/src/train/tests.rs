use super::*;
use crate::examples::featurise;
use vitrine::features::{
    price_band_vocabulary, Context, Engagement, FeatureSpec, ProfileSettings, ShopperSignals,
    ShopperView, Vocabulary, WeightedValue, CROSS_FEATURES,
};
use vitrine::model::{Model, ModelMetadata};
use vitrine::product::Candidate;
use vitrine::profile::ProfileConfig;
use vitrine::rank::prepare;

fn spec() -> FeatureSpec {
    let vocab = |name: &str, values: &[&str]| Vocabulary {
        name: name.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    FeatureSpec {
        attributes: vec![
            vocab("colour", &["Red", "Blue", "Black"]),
            vocab("type", &["Dress", "Top"]),
            price_band_vocabulary(),
        ],
        group_attribute: Some("code".into()),
        profile: ProfileSettings::from_config(&ProfileConfig::default()),
        context: vec![vocab("weekday", &["mon", "tue"])],
        dim: 4,
        item_embedding_dim: 0,
        hidden: 3,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn candidates() -> Vec<Candidate> {
    let colours = ["Red", "Blue", "Black", "Teal"];
    (0..8)
        .map(|i| Candidate {
            id: format!("c{i}"),
            server_rank: Some(i),
            server_score: Some(f64::from(10 - i)),
            attributes: [
                ("colour".to_owned(), colours[i as usize % 4].to_owned()),
                (
                    "type".to_owned(),
                    if i % 2 == 0 { "Dress" } else { "Top" }.to_owned(),
                ),
                ("code".to_owned(), format!("g{}", i % 3)),
            ]
            .into(),
            price: Some(10.0 + 10.0 * f64::from(i)),
            embedding: None,
            in_stock: None,
        })
        .collect()
}

fn signals() -> ShopperSignals {
    let mut context = Context::new();
    context.set("weekday", "tue");
    ShopperSignals {
        history: vec![
            WeightedValue {
                attribute: "colour".into(),
                value: "Blue".into(),
                weight: 4.0,
            },
            WeightedValue {
                attribute: "type".into(),
                value: "Dress".into(),
                weight: 2.0,
            },
        ],
        quiz: vec![WeightedValue {
            attribute: "colour".into(),
            value: "Red".into(),
            weight: 1.0,
        }],
        items: [(
            "c3".to_owned(),
            Engagement {
                weight: 2.0,
                days_since: 3.0,
            },
        )]
        .into(),
        groups: [(
            "g1".to_owned(),
            Engagement {
                weight: 1.0,
                days_since: 1.0,
            },
        )]
        .into(),
        typical_price: Some(35.0),
        strength: 3.0,
        event_count: 5,
        context,
        ..ShopperSignals::default()
    }
}

fn example(index: &vitrine::features::SpecIndex) -> Example {
    let (prepared, _) = prepare(candidates()).unwrap();
    let signals = signals();
    let view = ShopperView::new(index, &signals);
    let (offsets, rows, cross) = featurise(index, &view, &prepared);
    Example {
        history_pool: view.history_pool,
        session_pool: view.session_pool,
        quiz_pool: view.quiz_pool,
        context_rows: view.context_rows,
        offsets,
        rows,
        cross,
        positives: vec![2, 5],
        items: (0..8).collect(),
        targets: vec![2, 5],
    }
}

#[test]
fn float_scores_match_the_sdk_scorer() {
    let index = spec().compile().unwrap();
    let w = init(&index, &OptimConfig::default(), &mut Rng::new(3));
    let ex = example(&index);
    let ours = scores(&w, &ex);
    let metadata = ModelMetadata {
        name: "t".into(),
        spec: spec(),
        training: "null".into(),
    };
    let model = Model::new(metadata, w).unwrap();
    let (prepared, _) = prepare(candidates()).unwrap();
    let (sdk, _) = model.scores(&prepared, &signals());
    for (a, b) in ours.iter().zip(&sdk) {
        assert!((a - b).abs() < 1e-5, "{ours:?} vs {sdk:?}");
    }
}

fn loss_of(w: &Weights, ex: &Example) -> f32 {
    let mut g = Weights::zeros(&spec().compile().unwrap());
    accumulate(w, ex, &mut g, Stage::Full)
}

#[test]
fn gradients_match_finite_differences() {
    let index = spec().compile().unwrap();
    let mut w = init(
        &index,
        &OptimConfig {
            init_scale: 0.3,
            ..OptimConfig::default()
        },
        &mut Rng::new(5),
    );
    // Make every interaction unit active or inactive away from its kink, and give weight to
    // the paths the identity-free transforms and hidden layer open.
    w.output_weights.fill(0.4);
    w.cross_weights.mapv_inplace(|v| v + 0.2);
    let ex = example(&index);
    let mut g = Weights::zeros(&index);
    accumulate(&w, &ex, &mut g, Stage::Full);
    let eps = 1e-2f32;
    let mut checked = 0;
    let n_arrays = arrays(&mut w.clone()).len();
    for k in 0..n_arrays {
        let len = arrays(&mut g.clone())[k].0.len();
        for i in (0..len).step_by(3) {
            let analytic = get(&mut g.clone(), k, i);
            let base = get(&mut w.clone(), k, i);
            let mut plus = w.clone();
            let mut minus = w.clone();
            set(&mut plus, k, i, base + eps);
            set(&mut minus, k, i, base - eps);
            let numeric = (loss_of(&plus, &ex) - loss_of(&minus, &ex)) / (2.0 * eps);
            assert!(
                (numeric - analytic).abs() <= 2e-3 + 0.05 * numeric.abs().max(analytic.abs()),
                "array {k} index {i}: numeric {numeric} analytic {analytic}"
            );
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
}

fn get(w: &mut Weights, array: usize, i: usize) -> f32 {
    let (a, _) = arrays(w).into_iter().nth(array).unwrap();
    a.iter().nth(i).copied().unwrap()
}

fn set(w: &mut Weights, array: usize, i: usize, value: f32) {
    let (mut a, _) = arrays(w).into_iter().nth(array).unwrap();
    *a.iter_mut().nth(i).unwrap() = value;
}

#[test]
fn training_is_deterministic_and_learns() {
    let index = spec().compile().unwrap();
    let ex = example(&index);
    let train_set = vec![ex.clone(); 16];
    let config = OptimConfig {
        epochs: 30,
        pretrain_epochs: 3,
        learning_rate: 0.01,
        l2: 1.0e-4,
        ..OptimConfig::default()
    };
    let sets = TrainingSets {
        train: &train_set,
        validation: &train_set,
        pretrain: &train_set,
        pretrain_validation: &train_set,
    };
    let first = fit(&index, &sets, &config, 11, |_, _| {});
    let second = fit(&index, &sets, &config, 11, |_, _| {});
    assert_eq!(first.weights, second.weights);
    let (a, log) = (first.weights, first.log);
    assert!(log.last().unwrap().loss < log[0].loss, "{log:?}");
    // The two bought candidates end up on top.
    let s = scores(&a, &ex);
    let mut order: Vec<usize> = (0..s.len()).collect();
    order.sort_by(|&x, &y| s[y].total_cmp(&s[x]));
    let mut top: Vec<usize> = order[..2].to_vec();
    top.sort_unstable();
    assert_eq!(top, [2, 5]);
}
