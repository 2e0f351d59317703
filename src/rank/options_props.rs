//! Property tests for [`super::options::apply`]: any candidates, any (even invalid) options.

use proptest::prelude::*;

use super::options::*;
use super::options_tests::{cand, ids, prepared};
use super::server_order;
use crate::product::Candidate;

fn arb_candidates() -> impl Strategy<Value = Vec<Candidate>> {
    let one = (
        0usize..30,
        prop::option::of(0u32..20),
        0usize..3,
        prop::option::of(any::<bool>()),
        prop::option::of(prop::collection::vec(-2.0f32..2.0, 1..4)),
    );
    prop::collection::vec(one, 0..40).prop_map(|rows| {
        let colours = ["Red", "Blue", "Black"];
        rows.into_iter()
            .map(|(id, rank, colour, in_stock, embedding)| {
                // Ids repeat (duplicates are dropped by `prepare`); id 0 is invalid.
                let id = if id == 0 {
                    String::new()
                } else {
                    format!("p{id}")
                };
                let mut c = cand(&id, &[("colour", colours[colour])]);
                c.server_rank = rank;
                c.in_stock = in_stock;
                c.embedding = embedding;
                c
            })
            .collect()
    })
}

fn arb_options() -> impl Strategy<Value = RerankOptions> {
    let diversity = prop::option::of((-0.5f64..1.5, any::<bool>(), any::<bool>(), 0usize..50))
        .prop_map(|d| {
            d.map(
                |(lambda, use_attributes, use_embeddings, window)| Diversity {
                    lambda,
                    attributes: Vec::new(),
                    use_attributes,
                    use_embeddings,
                    window,
                },
            )
        });
    let pins = prop::collection::vec((0usize..30, 0usize..45), 0..6).prop_map(|v| {
        v.into_iter()
            .map(|(i, position)| Pin {
                id: format!("p{i}"),
                position,
            })
            .collect()
    });
    let cap = prop::option::of((0usize..4, prop::option::of(0usize..20))).prop_map(|c| {
        c.map(|(max, window)| MaxPerValue {
            attribute: "colour".into(),
            max,
            window,
        })
    });
    (
        diversity,
        pins,
        prop::collection::vec(0usize..30, 0..6),
        any::<bool>(),
        0.0f64..1.0,
        cap,
    )
        .prop_map(
            |(diversity, pinned, exclude, drop_out_of_stock, long_tail_boost, max_per_value)| {
                RerankOptions {
                    diversity,
                    pinned,
                    exclude: exclude.into_iter().map(|i| format!("p{i}")).collect(),
                    drop_out_of_stock,
                    long_tail_boost,
                    max_per_value,
                }
            },
        )
}

proptest! {
    #[test]
    fn apply_is_a_deterministic_permutation_honouring_pins(
        list in arb_candidates(),
        options in arb_options(),
        scores in prop::collection::vec(-3.0f64..3.0, 40),
    ) {
        let p = prepared(list);
        let mut items = server_order(&p);
        for (item, score) in items.iter_mut().zip(&scores) {
            item.score = *score;
        }
        items.reverse();
        let out = apply(items.clone(), &p, &options);
        prop_assert_eq!(&out, &apply(items, &p, &options));
        // (a) a permutation of the valid, kept input.
        let keep = |c: &Candidate| {
            let out_of_stock = options.drop_out_of_stock && c.in_stock == Some(false);
            !out_of_stock && !options.exclude.contains(&c.id)
        };
        let mut expected: Vec<&str> =
            p.iter().map(|x| &x.candidate).filter(|c| keep(c)).map(|c| c.id.as_str()).collect();
        let mut got = ids(&out.items);
        expected.sort_unstable();
        got.sort_unstable();
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(out.items.len() + out.dropped.len(), p.len());
        // (b) every pin not reported as ignored holds.
        for pin in &options.pinned {
            if !out.ignored_pins.iter().any(|i| i.id == pin.id && i.position == pin.position) {
                prop_assert_eq!(&*out.items[pin.position].id, pin.id.as_str());
            }
        }
        // A pin is only ignored for a reason the input explains.
        for ignored in &out.ignored_pins {
            let present = out.items.iter().any(|i| *i.id == *ignored.id);
            match ignored.reason.as_str() {
                "not_in_ranking" => prop_assert!(!present),
                "out_of_range" => prop_assert!(present && ignored.position >= out.items.len()),
                _ => prop_assert_eq!(ignored.reason.as_str(), "conflict"),
            }
        }
        // (c) excluded ids never appear.
        prop_assert!(out.items.iter().all(|i| !options.exclude.iter().any(|e| **e == *i.id)));
        prop_assert!(out.items.iter().enumerate().all(|(k, i)| i.position == k));
    }
}
