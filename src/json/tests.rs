use proptest::prelude::*;
use serde_json::Value;

use super::*;

/// Any JSON value, a few levels deep, with keys that repeat and need escaping.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<u64>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        "[a-c\"\\\\é\u{1F600}{}\\[\\],: ]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c\"é{]{0,3}", inner), 0..5)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// Serialises with optional whitespace between tokens (what a hand-edited store holds).
fn spaced(value: &Value, ws: &str) -> String {
    match value {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().map(|v| spaced(v, ws)).collect();
            format!("[{ws}{}{ws}]", parts.join(&format!("{ws},{ws}")))
        }
        Value::Object(map) => {
            let parts: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}{ws}:{ws}{}", Value::from(k.as_str()), spaced(v, ws)))
                .collect();
            format!("{{{ws}{}{ws}}}", parts.join(&format!("{ws},{ws}")))
        }
        other => other.to_string(),
    }
}

fn scalar_of(value: &Value) -> Scalar {
    match value {
        Value::Null => Scalar::Null,
        Value::Bool(b) => Scalar::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => Scalar::U64(u),
            (None, Some(i)) => Scalar::I64(i),
            _ => Scalar::F64(n.as_f64().unwrap()),
        },
        Value::String(s) => Scalar::Str(s.clone()),
        Value::Array(_) => Scalar::Array,
        Value::Object(_) => Scalar::Object,
    }
}

proptest! {
    #[test]
    fn members_and_elements_agree_with_value(value in any_json(), ws in prop::sample::select(vec!["", " ", "\n\t "])) {
        let text = spaced(&value, ws);
        validate(&text).unwrap();
        let parsed: Value = serde_json::from_str(&text).unwrap();
        match &parsed {
            Value::Object(map) => {
                let got = members(&text).unwrap();
                prop_assert_eq!(got.len(), map.len());
                for ((k, raw), (vk, vv)) in got.iter().zip(map) {
                    prop_assert_eq!(k, vk);
                    prop_assert_eq!(&serde_json::from_str::<Value>(raw).unwrap(), vv);
                }
                prop_assert!(elements(&text).is_none());
            }
            Value::Array(items) => {
                let got = elements(&text).unwrap();
                prop_assert_eq!(got.len(), items.len());
                for (raw, v) in got.iter().zip(items) {
                    prop_assert_eq!(&serde_json::from_str::<Value>(raw).unwrap(), v);
                }
                prop_assert!(members(&text).is_none());
            }
            _ => {
                prop_assert!(members(&text).is_none());
                prop_assert!(elements(&text).is_none());
            }
        }
        prop_assert_eq!(Scalar::parse(&text), Some(scalar_of(&parsed)));
        prop_assert_eq!(
            version(&text).unwrap(),
            parsed.get("version").and_then(Value::as_u64)
        );
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[\\[\\]{}\",:a1\\\\ é-]{0,24}") {
        let valid = validate(&text).is_ok();
        prop_assert_eq!(version(&text).is_ok(), valid);
        let _ = members(&text);
        let _ = elements(&text);
        prop_assert_eq!(Scalar::parse(&text).is_some(), valid);
    }
}

#[test]
fn repeated_keys_keep_the_last_value_and_members_are_sorted() {
    let text = r#"{"b":1,"a":{"x":[1,"]"]},"b":"two"}"#;
    let got = members(text).unwrap();
    assert_eq!(
        got,
        vec![
            ("a".to_owned(), r#"{"x":[1,"]"]}"#),
            ("b".to_owned(), r#""two""#)
        ]
    );
    let value: Value = serde_json::from_str(text).unwrap();
    assert_eq!(value["b"], "two");
}

#[test]
fn version_reads_only_a_top_level_non_negative_integer() {
    assert_eq!(
        version(r#"{"version":3,"x":{"version":9}}"#).unwrap(),
        Some(3)
    );
    assert_eq!(version(r#"{"version":-1}"#).unwrap(), None);
    assert_eq!(version(r#"{"version":2.0}"#).unwrap(), None);
    assert_eq!(version(r#"{"version":"2"}"#).unwrap(), None);
    assert_eq!(version(r#"[{"version":2}]"#).unwrap(), None);
    assert!(version(r#"{"version":2"#).is_err());
    assert!(version(r#"{"version":2} x"#).is_err());
}

#[test]
fn scalars_convert_like_value() {
    for text in [
        "-0",
        "0",
        "-0.0",
        "1.0",
        "-1",
        "1e2",
        "18446744073709551615",
        "-9223372036854775808",
    ] {
        let value: Value = serde_json::from_str(text).unwrap();
        let scalar = Scalar::parse(text).unwrap();
        assert_eq!(scalar.as_u64(), value.as_u64(), "{text}");
        assert_eq!(scalar.as_i64(), value.as_i64(), "{text}");
        assert_eq!(scalar.as_f64(), value.as_f64(), "{text}");
    }
    assert_eq!(Scalar::parse("-5").unwrap().as_i64(), Some(-5));
    assert_eq!(Scalar::parse("-5").unwrap().as_u64(), None);
    assert_eq!(Scalar::parse("1e2").unwrap().as_f64(), Some(100.0));
    assert_eq!(Scalar::parse("1e2").unwrap().as_u64(), None);
    assert_eq!(
        Scalar::parse("18446744073709551615").unwrap().as_i64(),
        None
    );
    assert_eq!(Scalar::parse(r#""a\"b""#).unwrap().to_string(), r#""a\"b""#);
    assert_eq!(Scalar::parse("[1]").unwrap().to_string(), "[…]");
    assert!(is_null("null") && !is_null("\"null\""));
}

mod objects_only {
    use serde::Deserialize;

    use super::from_str;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "camelCase", deny_unknown_fields)]
    struct Doc {
        name: String,
        #[serde(default)]
        max_count: Option<u32>,
        kind: Kind,
        pair: (u8, String),
        inner: Vec<Inner>,
        tagged: Tagged,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Inner {
        x: f64,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Plain,
        Wrapped(u32),
        Shaped { y: bool },
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(tag = "t")]
    enum Tagged {
        A { v: i64 },
    }

    const TEXT: &str = r#" {"name":"n\u00e9","kind":{"shaped":{"y":true}},"pair":[1,"p"],
        "inner":[{"x":1},{"x":-2.5e0}],"tagged":{"t":"A","v":-3}} "#;

    /// Everything but structs-as-arrays reads exactly as with serde_json.
    #[test]
    fn reads_like_serde_json() {
        let ours: Doc = from_str(TEXT).unwrap();
        let theirs: Doc = serde_json::from_str(TEXT).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours.name, "né");
        for kind in [
            r#""plain""#,
            r#"{"wrapped":7}"#,
            r#"{"shaped":{"y":false}}"#,
        ] {
            assert_eq!(
                from_str::<Kind>(kind).unwrap(),
                serde_json::from_str::<Kind>(kind).unwrap()
            );
        }
        assert_eq!(from_str::<Option<Inner>>("null").unwrap(), None);
        assert_eq!(
            from_str::<Vec<(String, String)>>(r#"[["a","b"]]"#).unwrap(),
            vec![("a".to_owned(), "b".to_owned())]
        );
    }

    #[test]
    fn errors_are_serde_jsons() {
        for bad in [
            TEXT.replace(r#""name""#, r#""nom""#),
            TEXT.replace("\"plain\"", "\"other\"")
                .replace(r#"{"shaped":{"y":true}}"#, "\"other\""),
            format!("{TEXT} x"),
            TEXT[..TEXT.len() - 3].to_owned(),
            TEXT.replace("-3", "\"-3\""),
        ] {
            let ours = from_str::<Doc>(&bad).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Doc>(&bad).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{bad}");
        }
    }

    /// The one difference: a struct written as an array of its fields is refused.
    #[test]
    fn structs_must_be_objects() {
        assert!(serde_json::from_str::<Inner>("[1]").is_ok());
        let err = from_str::<Inner>("[1]").unwrap_err().to_string();
        assert!(err.contains("invalid type: sequence"), "{err}");
        assert!(from_str::<Vec<Inner>>(r#"[{"x":1},[2]]"#).is_err());
    }
}
