//! `json::to_string` against `serde_json::to_string`: the same bytes for every shape.

use std::collections::BTreeMap;

use proptest::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::to_string;
use crate::collections::VecMap;
use crate::event::EventKind;

fn same<T: Serialize + ?Sized>(value: &T) -> Result<(), TestCaseError> {
    let ours = to_string(value).map_err(|e| e.to_string());
    let theirs = serde_json::to_string(value).map_err(|e| e.to_string());
    prop_assert_eq!(ours, theirs);
    Ok(())
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        any::<String>().prop_map(Value::String),
        "[\\x00-\\x20\"\\\\/\\x7f\u{e9}\u{2028}\u{1F600}a]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Doc {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    maybe: Option<u32>,
    always: Option<f64>,
    kind: EventKind,
    by_kind: VecMap<EventKind, u64>,
    by_id: BTreeMap<u32, bool>,
    flags: BTreeMap<bool, i8>,
    pair: (u8, char),
    bytes: serde_bytes_like::Bytes,
    unit: (),
    shapes: Vec<Shape>,
    tagged: Vec<Tagged>,
    small: f32,
    wide: (i128, u128),
}

mod serde_bytes_like {
    /// Serialised with `serialize_bytes`.
    pub struct Bytes(pub Vec<u8>);
    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(&self.0)
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum Shape {
    Plain,
    Wrapped(i16),
    Pair(u8, String),
    Shaped { y: bool, z: Vec<u8> },
}

#[derive(Serialize)]
#[serde(tag = "op", rename_all = "camelCase")]
enum Tagged {
    Set { key: String, value: String },
    Remove { key: String },
}

#[derive(Serialize)]
struct Unit;

#[test]
fn every_shape_writes_the_same_bytes() {
    let doc = Doc {
        name: "a\"b\\c\n\u{1}\u{1f}\u{7f}é😀".into(),
        maybe: None,
        always: Some(f64::NAN),
        kind: EventKind::AddToCart,
        by_kind: VecMap::from([(EventKind::View, 3), (EventKind::Purchase, 1)]),
        by_id: BTreeMap::from([(7, true), (12, false)]),
        flags: BTreeMap::from([(true, -1)]),
        pair: (255, '"'),
        bytes: serde_bytes_like::Bytes(vec![0, 1, 255]),
        unit: (),
        shapes: vec![
            Shape::Plain,
            Shape::Wrapped(-3),
            Shape::Pair(1, "p".into()),
            Shape::Shaped { y: true, z: vec![] },
        ],
        tagged: vec![
            Tagged::Set {
                key: "k".into(),
                value: "v".into(),
            },
            Tagged::Remove { key: "k".into() },
        ],
        small: 0.1,
        wide: (i128::MIN, u128::MAX),
    };
    same(&doc).unwrap();
    for x in [
        0.0,
        -0.0,
        1.0,
        1e21,
        1e-7,
        123.456,
        f64::MAX,
        f64::MIN_POSITIVE,
        f64::INFINITY,
    ] {
        same(&x).unwrap();
    }
    same(&Unit).unwrap();
    same(&Some(vec![None, Some(1u8)])).unwrap();
    same("").unwrap();
    same(&Vec::<u8>::new()).unwrap();
    same(&BTreeMap::<String, ()>::new()).unwrap();
    // Keys serde_json refuses: the same error.
    same(&BTreeMap::from([(vec![1u8], 1u8)])).unwrap();
    same(&BTreeMap::from([((), 1u8)])).unwrap();
}

proptest! {
    #[test]
    fn values_write_the_same_bytes(v in value()) {
        same(&v)?;
    }

    #[test]
    fn numbers_write_the_same_bytes(a in any::<f64>(), b in any::<f32>(), c in any::<i64>(), d in any::<u64>()) {
        same(&(a, b, c, d))?;
    }
}
