//! The quiz bank and feature spec readers against their serde derives: documents of their
//! shape (fields dropped, values changed) and their mutations read the same through both.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::features::FeatureSpec;
use crate::json::typed::tests::{agree, check_text, mutations, reshape};
use crate::quiz::{BankFile, BankProduct};

fn bank() -> Value {
    json!({
        "version": 1,
        "id": "bank-1",
        "products": [
            {"id": "p1", "name": "Dress", "attributes": {"colour": "Red"}, "price": 19.5,
             "image": "/p1.jpg", "extra": [1]},
            {"id": "p2"},
        ],
    })
}

fn spec() -> Value {
    json!({
        "attributes": [{"name": "colour", "values": ["Red", "Blue"]}, {"name": "x", "values": []}],
        "groupAttribute": "productCode",
        "profile": {"attributes": ["colour"], "halfLifeDays": 14.0, "priceBandEdges": [20.0, 50.0],
                    "maxValuesPerAttribute": 48},
        "context": [{"name": "device", "values": ["mobile"]}],
        "dim": 4,
        "itemEmbeddingDim": 0,
        "hidden": 2,
        "crossFeatures": ["a", "b"],
    })
}

#[test]
fn catalog_edge_cases_agree() {
    for text in [
        "{}",
        "[]",
        "null",
        r#"[{"id":"a","price":"NaN"}]"#,
        r#"[{"name":"a"}]"#,
        r#"{"version":1,"id":"b","products":[{"id":1}]}"#,
        r#"{"attributes":[{"name":"a","values":[],"x":1}]}"#,
        r#"{"attributes":[],"profile":{"attributes":[]},"groupAttribute":null}"#,
        r#"{"dim":-1}"#,
    ] {
        agree::<BankFile>(text).unwrap();
        agree::<Vec<BankProduct>>(text).unwrap();
        agree::<FeatureSpec>(text).unwrap();
    }
    let tiny = crate::json::to_string(&crate::features::tests::tiny_spec()).unwrap();
    assert_eq!(
        crate::json::read_str::<FeatureSpec>(&tiny).unwrap(),
        crate::features::tests::tiny_spec()
    );
}

proptest! {
    #[test]
    fn banks_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..32),
                           m in mutations()) {
        let doc = reshape(&bank(), &mut rng.into_iter());
        check_text::<BankFile>(&doc.to_string(), &m)?;
        let products = doc.get("products").cloned().unwrap_or(Value::Null);
        check_text::<Vec<BankProduct>>(&products.to_string(), &m)?;
    }

    #[test]
    fn feature_specs_read_as_serde(rng in prop::collection::vec(any::<u32>(), 0..48),
                                   m in mutations()) {
        let doc = reshape(&spec(), &mut rng.into_iter());
        check_text::<FeatureSpec>(&doc.to_string(), &m)?;
    }
}
