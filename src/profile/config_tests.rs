//! Tests of the profile configuration.

use super::config::*;
use crate::product::Attributes;

#[test]
fn sensitive_values_match_whole_words_case_insensitively() {
    let cfg = ProfileConfig::default();
    assert!(cfg.is_sensitive_value("MATERNITY"));
    assert!(cfg.is_sensitive_value("Maternity wear"));
    assert!(cfg.is_sensitive_value("bra (nursing)"));
    assert!(!cfg.is_sensitive_value("Paternityx"));
    assert!(!cfg.is_sensitive_value("nursingly"));
    let mut attrs = Attributes::new();
    attrs.insert("colour".into(), "Black".into());
    assert!(!cfg.is_sensitive(&attrs));
    attrs.insert("name".into(), "Nursing top".into());
    assert!(cfg.is_sensitive(&attrs));
}

#[test]
fn validation_rejects_each_bad_field() {
    let ok = ProfileConfig::default();
    assert!(ok.validate().is_ok());
    let cases: Vec<(ProfileConfig, ConfigError)> = vec![
        (
            ProfileConfig {
                price_band_edges: vec![50.0, 20.0],
                ..ok.clone()
            },
            ConfigError::PriceEdges,
        ),
        (
            ProfileConfig {
                attributes: vec![],
                ..ok.clone()
            },
            ConfigError::AttributeList {
                field: "attributes",
            },
        ),
        (
            ProfileConfig {
                sensitive_values: vec![" ".into()],
                ..ok.clone()
            },
            ConfigError::SensitiveValues,
        ),
        (
            ProfileConfig {
                session_items: 0,
                ..ok.clone()
            },
            ConfigError::Session,
        ),
        (
            ProfileConfig {
                recent_items: 201,
                ..ok.clone()
            },
            ConfigError::RecentItems(201),
        ),
        (
            ProfileConfig {
                lifecycle: LifecycleConfig {
                    lapsing_days: 90.0,
                    ..LifecycleConfig::default()
                },
                ..ok.clone()
            },
            ConfigError::Lifecycle,
        ),
        (
            ProfileConfig {
                retention: Retention {
                    quiz_days: 0.0,
                    ..Retention::default()
                },
                ..ok.clone()
            },
            ConfigError::Retention,
        ),
        (
            ProfileConfig {
                quiz_weight: f64::NAN,
                ..ok.clone()
            },
            ConfigError::QuizWeight(f64::NAN),
        ),
    ];
    for (cfg, expected) in cases {
        let err = cfg.validate().unwrap_err();
        // NaN != NaN, so compare the variant and message.
        assert_eq!(
            std::mem::discriminant(&err),
            std::mem::discriminant(&expected)
        );
    }
}

#[test]
fn options_json_accepts_partial_objects() {
    let cfg: ProfileConfig =
        serde_json::from_str(r#"{"retention":{"quizDays":30},"sensitiveValues":["bridal"]}"#)
            .unwrap();
    assert_eq!(cfg.retention.quiz_days, 30.0);
    assert_eq!(cfg.retention.affinities_days, 180.0);
    assert!(cfg.is_sensitive_value("Bridal gown"));
    assert!(!cfg.is_sensitive_value("maternity"));
}

#[test]
fn default_name_lists_are_the_documented_ones() {
    let cfg = ProfileConfig::default();
    let owned = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<Vec<_>>();
    assert_eq!(
        cfg.attributes,
        owned(&[
            "productType",
            "colour",
            "pattern",
            "department",
            "indexGroup"
        ])
    );
    assert_eq!(cfg.sensitive_values, owned(&["maternity", "nursing"]));
    assert_eq!(
        cfg.coverage_attributes,
        owned(&["indexGroup", "department", "productType"])
    );
    assert_eq!(cfg.price_band_edges, vec![20.0, 50.0, 100.0]);
    assert!(cfg.validate().is_ok());
}
