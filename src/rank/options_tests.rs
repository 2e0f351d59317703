use super::options::*;
use super::{prepare, server_order, Prepared, RankError, RankedItem};
use crate::product::Candidate;

pub(super) fn cand(id: &str, attrs: &[(&str, &str)]) -> Candidate {
    Candidate {
        id: id.into(),
        server_rank: None,
        server_score: None,
        attributes: attrs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        price: None,
        embedding: None,
        in_stock: None,
    }
}

pub(super) fn prepared(list: Vec<Candidate>) -> Vec<Prepared> {
    prepare(list).unwrap().0
}

pub(super) fn ids(items: &[RankedItem]) -> Vec<&str> {
    items.iter().map(|i| &*i.id).collect()
}

fn plain(n: usize) -> Vec<Prepared> {
    prepared((0..n).map(|i| cand(&format!("p{i}"), &[])).collect())
}

#[test]
fn default_options_keep_the_ranking() {
    let p = plain(5);
    let out = apply(server_order(&p), &p, &RerankOptions::default());
    assert_eq!(ids(&out.items), ["p0", "p1", "p2", "p3", "p4"]);
    assert!(out.dropped.is_empty() && out.ignored_pins.is_empty());
}

#[test]
fn input_order_does_not_matter() {
    let p = plain(6);
    let mut items = server_order(&p);
    items.reverse();
    let out = apply(items, &p, &RerankOptions::default());
    assert_eq!(ids(&out.items), ["p0", "p1", "p2", "p3", "p4", "p5"]);
    assert!(out.items.iter().enumerate().all(|(i, it)| it.position == i));
}

#[test]
fn excluded_and_out_of_stock_are_dropped_with_input_index() {
    let mut gone = cand("gone", &[]);
    gone.in_stock = Some(false);
    gone.server_rank = Some(0);
    let p = prepared(vec![cand("a", &[]), cand("b", &[]), gone]);
    let options = RerankOptions {
        exclude: vec!["b".into(), "unknown".into()],
        drop_out_of_stock: true,
        ..RerankOptions::default()
    };
    let out = apply(server_order(&p), &p, &options);
    assert_eq!(ids(&out.items), ["a"]);
    let dropped: Vec<_> = out
        .dropped
        .iter()
        .map(|d| (d.index, d.id.as_str(), d.reason.as_str()))
        .collect();
    assert_eq!(dropped, [(1, "b", "excluded"), (2, "gone", "out_of_stock")]);
    // Without the flag, out-of-stock items stay.
    let out = apply(server_order(&p), &p, &RerankOptions::default());
    assert_eq!(ids(&out.items), ["a", "gone", "b"]);
}

#[test]
fn long_tail_boost_lifts_low_server_positions() {
    let p = plain(4);
    let mut items = server_order(&p);
    for item in &mut items {
        item.score = 1.0; // a tie: the server's order decides
    }
    let options = RerankOptions {
        long_tail_boost: 0.5,
        ..RerankOptions::default()
    };
    let out = apply(items, &p, &options);
    assert_eq!(ids(&out.items), ["p3", "p2", "p1", "p0"]);
    assert_eq!(out.items[0].score, 1.0 + 0.5 * 3.0 / 4.0);
}

#[test]
fn diversity_interleaves_similar_items() {
    let p = prepared(vec![
        cand("r1", &[("colour", "Red")]),
        cand("r2", &[("colour", "Red")]),
        cand("r3", &[("colour", "Red")]),
        cand("b1", &[("colour", "Blue")]),
    ]);
    let pure = RerankOptions {
        diversity: Some(Diversity {
            lambda: 1.0,
            ..Diversity::default()
        }),
        ..RerankOptions::default()
    };
    assert_eq!(
        ids(&apply(server_order(&p), &p, &pure).items),
        ["r1", "r2", "r3", "b1"]
    );
    let diverse = RerankOptions {
        diversity: Some(Diversity {
            lambda: 0.3,
            ..Diversity::default()
        }),
        ..RerankOptions::default()
    };
    assert_eq!(
        ids(&apply(server_order(&p), &p, &diverse).items),
        ["r1", "b1", "r2", "r3"]
    );
    // A window of 2 leaves the tail alone.
    let narrow = RerankOptions {
        diversity: Some(Diversity {
            lambda: 0.3,
            window: 2,
            ..Diversity::default()
        }),
        ..RerankOptions::default()
    };
    assert_eq!(
        ids(&apply(server_order(&p), &p, &narrow).items),
        ["r1", "r2", "r3", "b1"]
    );
}

#[test]
fn diversity_can_use_embeddings_and_restrict_attributes() {
    let mut list = vec![
        cand("a", &[("colour", "Red"), ("type", "Top")]),
        cand("b", &[("colour", "Red"), ("type", "Skirt")]),
        cand("c", &[("colour", "Blue"), ("type", "Top")]),
    ];
    list[0].embedding = Some(vec![1.0, 0.0]);
    list[1].embedding = Some(vec![0.0, 1.0]);
    list[2].embedding = Some(vec![2.0, 0.0]);
    let p = prepared(list);
    let by = |attributes: Vec<String>, use_attributes, use_embeddings| RerankOptions {
        diversity: Some(Diversity {
            lambda: 0.2,
            attributes,
            use_attributes,
            use_embeddings,
            ..Diversity::default()
        }),
        ..RerankOptions::default()
    };
    let colour_only = by(vec!["colour".into()], true, false);
    assert_eq!(
        ids(&apply(server_order(&p), &p, &colour_only).items),
        ["a", "c", "b"]
    );
    let type_only = by(vec!["type".into()], true, false);
    assert_eq!(
        ids(&apply(server_order(&p), &p, &type_only).items),
        ["a", "b", "c"]
    );
    // c's embedding is parallel to a's, b's orthogonal.
    let embeddings = by(Vec::new(), false, true);
    assert_eq!(
        ids(&apply(server_order(&p), &p, &embeddings).items),
        ["a", "b", "c"]
    );
}

#[test]
fn diversity_reselects_only_the_window_of_a_long_list() {
    let list: Vec<Candidate> = (0..10_000)
        .map(|i| {
            let mut c = cand(&format!("p{i}"), &[("colour", ["Red", "Blue"][i % 7 / 6])]);
            c.embedding = Some((0..64).map(|d| ((i * 31 + d) % 17) as f32).collect());
            c
        })
        .collect();
    let p = prepared(list);
    let mut items = server_order(&p);
    items[5].score = f64::NAN;
    let options = RerankOptions {
        diversity: Some(Diversity {
            lambda: 0.5,
            ..Diversity::default()
        }),
        ..RerankOptions::default()
    };
    let out = apply(items, &p, &options);
    assert_eq!(out.items.len(), 10_000);
    // NaN sorts first under total order, so p5 stays in the window (MMR counts it least
    // relevant); the tail is untouched.
    let window: usize = DEFAULT_DIVERSITY_WINDOW;
    assert!(ids(&out.items[..window]).contains(&"p5"));
    assert_ne!(
        ids(&out.items[..window]),
        ids(&server_order(&p)[..window]),
        "MMR changed nothing"
    );
    assert!(out.items[window..]
        .iter()
        .zip(window..)
        .all(|(item, i)| item.server_position == i));
}

#[test]
fn max_per_value_moves_surplus_below_the_window() {
    let p = prepared(vec![
        cand("t1", &[("type", "Top")]),
        cand("t2", &[("type", "Top")]),
        cand("t3", &[("type", "Top")]),
        cand("x", &[]),
        cand("s1", &[("type", "Skirt")]),
        cand("t4", &[("type", "Top")]),
    ]);
    let cap = |window| RerankOptions {
        max_per_value: Some(MaxPerValue {
            attribute: "type".into(),
            max: 1,
            window,
        }),
        ..RerankOptions::default()
    };
    let out = apply(server_order(&p), &p, &cap(Some(3)));
    assert_eq!(ids(&out.items), ["t1", "x", "s1", "t2", "t3", "t4"]);
    let out = apply(server_order(&p), &p, &cap(None));
    assert_eq!(ids(&out.items), ["t1", "x", "s1", "t2", "t3", "t4"]);
    let out = apply(server_order(&p), &p, &cap(Some(2)));
    assert_eq!(ids(&out.items), ["t1", "x", "t2", "t3", "s1", "t4"]);
}

#[test]
fn pins_land_exactly_and_bad_pins_are_reported() {
    let p = plain(5);
    let pin = |id: &str, position| Pin {
        id: id.into(),
        position,
    };
    let options = RerankOptions {
        pinned: vec![
            pin("p4", 0),
            pin("p0", 3),
            pin("p1", 0),
            pin("p4", 2),
            pin("p2", 5),
            pin("nope", 1),
            pin("p3", 1),
        ],
        exclude: vec!["p3".into()],
        ..RerankOptions::default()
    };
    let out = apply(server_order(&p), &p, &options);
    assert_eq!(ids(&out.items), ["p4", "p1", "p2", "p0"]);
    let ignored: Vec<_> = out
        .ignored_pins
        .iter()
        .map(|i| (i.id.as_str(), i.reason.as_str()))
        .collect();
    assert_eq!(
        ignored,
        [
            ("p1", "conflict"),
            ("p4", "conflict"),
            ("p2", "out_of_range"),
            ("nope", "not_in_ranking"),
            ("p3", "not_in_ranking"),
        ]
    );
}

#[test]
fn json_shape_is_camel_case_and_strict() {
    let json = r#"{"diversity":{"lambda":0.5,"attributes":["colour"],"useEmbeddings":false,
        "window":20},"pinned":[{"id":"a","position":0}],"exclude":["b"],"dropOutOfStock":true,
        "longTailBoost":0.1,"maxPerValue":{"attribute":"type","max":2,"window":12}}"#;
    let options: RerankOptions = serde_json::from_str(json).unwrap();
    options.validate().unwrap();
    let diversity = options.diversity.as_ref().unwrap();
    assert!(diversity.use_attributes && !diversity.use_embeddings);
    assert_eq!(options.max_per_value.as_ref().unwrap().window, Some(12));
    let empty: RerankOptions = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, RerankOptions::default());
    assert!(serde_json::from_str::<RerankOptions>(r#"{"pins":[]}"#).is_err());
    assert!(serde_json::from_str::<RerankOptions>(r#"{"diversity":{"lamda":1}}"#).is_err());
}

#[test]
fn validate_rejects_out_of_range_options() {
    let bad = [
        RerankOptions {
            long_tail_boost: 1.5,
            ..RerankOptions::default()
        },
        RerankOptions {
            long_tail_boost: f64::NAN,
            ..RerankOptions::default()
        },
        RerankOptions {
            diversity: Some(Diversity {
                lambda: -0.1,
                ..Diversity::default()
            }),
            ..RerankOptions::default()
        },
        RerankOptions {
            diversity: Some(Diversity {
                window: MAX_DIVERSITY_WINDOW + 1,
                ..Diversity::default()
            }),
            ..RerankOptions::default()
        },
        RerankOptions {
            diversity: Some(Diversity {
                use_attributes: false,
                use_embeddings: false,
                ..Diversity::default()
            }),
            ..RerankOptions::default()
        },
        RerankOptions {
            exclude: vec![" ".into()],
            ..RerankOptions::default()
        },
        RerankOptions {
            max_per_value: Some(MaxPerValue {
                attribute: "type".into(),
                max: 0,
                window: None,
            }),
            ..RerankOptions::default()
        },
    ];
    for options in bad {
        assert!(
            matches!(options.validate(), Err(RankError::InvalidOption(_))),
            "{options:?}"
        );
    }
}
