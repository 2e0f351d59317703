use super::*;
use crate::features::cross::{idx, ServerSlot};
use crate::features::memory::SessionItem;
use crate::features::shopper::Engagement;

pub(crate) fn tiny_spec() -> FeatureSpec {
    let vocab = |name: &str, values: &[&str]| Vocabulary {
        name: name.to_owned(),
        values: values.iter().map(|v| (*v).to_owned()).collect(),
    };
    FeatureSpec {
        attributes: vec![
            vocab("colour", &["Red", "Blue", "Black"]),
            vocab("pattern", &["Solid", "Stripe"]),
            price_band_vocabulary(),
        ],
        group_attribute: Some("productCode".into()),
        profile: ProfileSettings::from_config(&ProfileConfig::default()),
        context: vec![vocab("device", &["mobile", "desktop"])],
        dim: 4,
        item_embedding_dim: 3,
        hidden: 2,
        cross_features: CROSS_FEATURES.iter().map(|s| (*s).to_owned()).collect(),
    }
}

fn cand(id: &str, colour: &str, price: Option<f64>) -> Candidate {
    Candidate {
        id: id.into(),
        server_rank: None,
        server_score: None,
        attributes: [
            ("colour".to_owned(), colour.to_owned()),
            ("productCode".to_owned(), "g1".to_owned()),
        ]
        .into(),
        price,
        embedding: None,
        in_stock: None,
    }
}

#[test]
fn rows_cover_known_unknown_and_derived_values() {
    let index = tiny_spec().compile().unwrap();
    // colour: rows 0 (unknown) .. 3; pattern: 4 .. 6; priceBand: 7 .. 11.
    assert_eq!(index.item_table_rows(), 4 + 3 + 5);
    let mut rows = Vec::new();
    index.item_rows(&cand("a", "Blue", Some(60.0)), &mut rows);
    assert_eq!(rows, [2, 7 + 3]);
    assert_eq!(index.describe_row(2), Some(("colour", "Blue")));
    assert_eq!(index.describe_row(10), Some(("priceBand", "premium")));
    rows.clear();
    index.item_rows(&cand("b", "Mauve", None), &mut rows);
    assert_eq!(
        rows,
        [0],
        "unknown colour uses the unknown row; no price, no band"
    );
    assert_eq!(index.describe_row(0), None);
    assert_eq!(index.describe_row(99), None);
}

#[test]
fn spec_errors_are_typed() {
    let mut s = tiny_spec();
    s.cross_features.pop();
    assert!(matches!(s.compile(), Err(SpecError::CrossFeatures { .. })));
    let mut s = tiny_spec();
    s.dim = 0;
    assert!(matches!(
        s.compile(),
        Err(SpecError::OutOfRange { what: "dim", .. })
    ));
    let mut s = tiny_spec();
    s.attributes[1].values.push("Solid".into());
    assert!(matches!(s.compile(), Err(SpecError::Duplicate(_))));
    let mut s = tiny_spec();
    s.attributes.push(s.attributes[0].clone());
    assert!(matches!(s.compile(), Err(SpecError::Duplicate(_))));
    let mut s = tiny_spec();
    s.profile.half_life_days = -1.0;
    assert!(matches!(s.compile(), Err(SpecError::Profile(_))));
}

#[test]
fn cross_features_read_the_shopper() {
    let index = tiny_spec().compile().unwrap();
    let signals = ShopperSignals {
        history: vec![
            WeightedValue {
                attribute: "colour".into(),
                value: "Red".into(),
                weight: 3.0,
            },
            WeightedValue {
                attribute: "colour".into(),
                value: "Blue".into(),
                weight: 1.0,
            },
        ],
        quiz: vec![WeightedValue {
            attribute: "pattern".into(),
            value: "Stripe".into(),
            weight: -1.0,
        }],
        session: vec![SessionItem {
            id: "s".into(),
            attributes: [("colour".to_owned(), "Red".to_owned())].into(),
            price: None,
        }],
        items: [(
            "a".to_owned(),
            Engagement {
                weight: 3.0,
                days_since: 7.0,
            },
        )]
        .into(),
        groups: [(
            "g1".to_owned(),
            Engagement {
                weight: 1.0,
                days_since: 0.0,
            },
        )]
        .into(),
        typical_price: Some(30.0),
        strength: 2.0,
        event_count: 4,
        ..ShopperSignals::default()
    };
    let view = ShopperView::new(&index, &signals);
    let slot = ServerSlot {
        position: 1,
        list_len: 4,
        max_abs_score: 0.0,
    };
    let red = cand("a", "Red", Some(60.0));
    let mut rows = Vec::new();
    index.item_rows(&red, &mut rows);
    let x = view.cross(&index, &red, &rows, slot, false);
    assert_eq!(x[idx::SERVER_POSITION], 0.75);
    assert!(
        (x[idx::AFFINITY] - 0.75).abs() < 1e-6,
        "{}",
        x[idx::AFFINITY]
    );
    assert!((x[idx::ITEM_SEEN] - 4.0f32.ln()).abs() < 1e-6);
    assert!((x[idx::GROUP_SEEN] - 2.0f32.ln()).abs() < 1e-6);
    assert_eq!(x[idx::ITEM_RECENCY], 0.5);
    assert_eq!(x[idx::GROUP_RECENCY], 1.0);
    assert!((x[idx::PRICE_RATIO] - 2.0f32.ln()).abs() < 1e-6);
    assert_eq!(x[idx::HAS_PRICE_RATIO], 1.0);
    // One session item sharing the colour, over 3 spec attributes.
    assert!((x[idx::SESSION_MATCH] - 1.0 / 3.0).abs() < 1e-6);
    assert_eq!(x[idx::QUIZ_MATCH], 0.0);
    let mut striped = cand("c", "Black", None);
    striped.attributes.insert("pattern".into(), "Stripe".into());
    rows.clear();
    index.item_rows(&striped, &mut rows);
    let x = view.cross(&index, &striped, &rows, slot, false);
    assert_eq!(x[idx::QUIZ_MATCH], -1.0);
    assert_eq!(x[idx::ITEM_SEEN], 0.0);
    assert!(x.iter().all(|v| v.is_finite()));
}

#[test]
fn empty_shopper_gives_zero_personal_features() {
    let index = tiny_spec().compile().unwrap();
    let signals = ShopperSignals::default();
    let view = ShopperView::new(&index, &signals);
    let c = cand("a", "Red", Some(10.0));
    let mut rows = Vec::new();
    index.item_rows(&c, &mut rows);
    let x = view.cross(
        &index,
        &c,
        &rows,
        ServerSlot {
            position: 0,
            list_len: 1,
            max_abs_score: 0.0,
        },
        false,
    );
    for i in [
        idx::AFFINITY,
        idx::ITEM_SEEN,
        idx::GROUP_SEEN,
        idx::SESSION_MATCH,
        idx::QUIZ_MATCH,
        idx::PRICE_RATIO,
    ] {
        assert_eq!(x[i], 0.0, "feature {}", CROSS_FEATURES[i]);
    }
}
