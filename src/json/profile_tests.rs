//! The readers behind the lenient profile reader and the candidate list, against their
//! serde derives (values and error messages), and the profile reader end to end.

use proptest::prelude::*;

use crate::event::EventKind;
use crate::json::typed::tests::{agree, check, check_text, mutations};
use crate::product::Candidate;
use crate::profile::activity::PriceStats;
use crate::profile::coverage::{Depth, Engagement};
use crate::profile::session::{RecentItem, Session, SessionItem};
use crate::profile::Profile;

fn float() -> impl Strategy<Value = f64> {
    (-1_000_000i64..1_000_000).prop_map(|n| n as f64 / 4.0)
}

fn text() -> impl Strategy<Value = String> {
    "[a-z0-9\"\\\\\u{e9}]{0,6}"
}

pub(crate) fn session() -> impl Strategy<Value = Session> {
    let item = (
        text(),
        float(),
        prop::collection::vec((text(), text()), 0..3),
    )
        .prop_map(|(id, at_ms, attributes)| SessionItem {
            id,
            at_ms,
            attributes,
        });
    (float(), float(), prop::collection::vec(item, 0..3)).prop_map(
        |(started_ms, last_ms, items)| Session {
            started_ms,
            last_ms,
            items,
        },
    )
}

pub(crate) fn recent() -> impl Strategy<Value = RecentItem> {
    (
        text(),
        prop::sample::select(EventKind::ALL.to_vec()),
        float(),
        any::<bool>(),
    )
        .prop_map(|(id, kind, at_ms, sensitive)| RecentItem {
            id,
            kind,
            at_ms,
            sensitive,
        })
}

fn candidates() -> impl Strategy<Value = Vec<Candidate>> {
    let one = (
        text(),
        prop::option::of(any::<u32>()),
        prop::option::of(float()),
        prop::collection::vec(("[a-c]{1,2}", text()), 0..3),
        prop::option::of(float()),
        prop::option::of(prop::collection::vec(
            (-64i32..64).prop_map(|n| n as f32 / 4.0),
            0..4,
        )),
        prop::option::of(any::<bool>()),
    )
        .prop_map(
            |(id, server_rank, server_score, attrs, price, embedding, in_stock)| Candidate {
                id,
                server_rank,
                server_score,
                attributes: attrs.into_iter().collect(),
                price,
                embedding,
                in_stock,
            },
        );
    prop::collection::vec(one, 0..3)
}

#[test]
fn candidate_edge_cases_agree() {
    for text in [
        "[]",
        "{}",
        "[{}]",
        r#"[{"id":"a","price":"NaN","serverScore":"-Infinity","embedding":[1,"Infinity",2]}]"#,
        r#"[{"id":"a","price":"nan"}]"#,
        r#"[{"id":"a","price":null,"embedding":null,"serverRank":null}]"#,
        r#"[{"id":"a","price":[]}]"#,
        r#"[{"id":"a","price":[1]}]"#,
        r#"[{"id":"a","price":{"x":1}}]"#,
        r#"[{"id":"a","price":true}]"#,
        r#"[{"id":"a","embedding":[null]}]"#,
        r#"[{"id":"a","embedding":"x"}]"#,
        r#"[{"id":"a","embedding":{}}]"#,
        r#"[{"id":"a","serverRank":-1,"other":{"deep":[1,2]}}]"#,
        r#"[{"id":"a","id":"b"}]"#,
        r#"[{"id":"a","price":}]"#,
        r#"[{"id":"a","price":"Infinity""#,
    ] {
        agree::<Vec<Candidate>>(text).unwrap();
    }
}

#[test]
fn profile_section_edge_cases_agree() {
    for text in [
        "{}",
        "null",
        r#"{"depth":"carted"}"#,
        r#"{"depth":"deep","lastMs":1}"#,
        r#"{"meanLog":"x"}"#,
        r#"{"items":[{"id":"a","atMs":1,"attributes":[["a","b"],["c"]]}]}"#,
        r#"{"id":"a","kind":"view","atMs":1,"sensitive":1}"#,
        r#"{"id":"a","kind":"view","atMs":1,"extra":{}}"#,
    ] {
        agree::<Engagement>(text).unwrap();
        agree::<PriceStats>(text).unwrap();
        agree::<Session>(text).unwrap();
        agree::<RecentItem>(text).unwrap();
    }
}

proptest! {
    #[test]
    fn candidates_read_as_serde(list in candidates(), m in mutations()) {
        check(&list, &m)?;
    }

    #[test]
    fn the_wrappers_non_finite_numbers_read_as_serde(
        price in prop::sample::select(vec!["\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "1", "-2.5"]),
        m in mutations(),
    ) {
        let text = format!(r#"[{{"id":"a","price":{price},"serverScore":{price},"embedding":[{price}]}}]"#);
        check_text::<Vec<Candidate>>(&text, &m)?;
    }

    #[test]
    fn profile_sections_read_as_serde(
        s in session(),
        r in recent(),
        (mean_log, weight, at_ms) in (float(), float(), float()),
        last_ms in float(),
        m in mutations(),
    ) {
        check(&s, &m)?;
        check(&r, &m)?;
        check(&PriceStats { mean_log, weight, at_ms }, &m)?;
        check(&Engagement { depth: Depth::Carted, last_ms }, &m)?;
    }

    /// A profile saved and read again is the same profile (its sections read with the
    /// readers above).
    #[test]
    fn a_saved_profile_reads_back(s in session(), r in prop::collection::vec(recent(), 0..3)) {
        let mut p = Profile::default();
        p.session = s;
        p.recent = r;
        let text = crate::json::to_string(&p).unwrap();
        let back = Profile::from_stored(&text).expect("an object");
        prop_assert_eq!(back.session, p.session);
        prop_assert_eq!(back.recent, p.recent);
    }
}
