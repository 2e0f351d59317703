use super::*;

fn cand(id: &str) -> Candidate {
    Candidate {
        id: id.into(),
        server_rank: None,
        server_score: None,
        attributes: Default::default(),
        price: None,
        embedding: None,
        in_stock: None,
    }
}

#[test]
fn server_rank_orders_and_ties_keep_list_order() {
    let mut a = cand("a");
    a.server_rank = Some(5);
    let b = cand("b"); // index 1
    let mut c = cand("c");
    c.server_rank = Some(0);
    let (prepared, dropped) = prepare(vec![a, b, c]).unwrap();
    assert!(dropped.is_empty());
    let ids: Vec<_> = prepared.iter().map(|p| p.candidate.id.as_str()).collect();
    assert_eq!(ids, ["c", "b", "a"]);
}

#[test]
fn invalid_and_duplicate_candidates_are_dropped_and_reported() {
    let mut nan = cand("n");
    nan.server_score = Some(f64::NAN);
    let mut pricey = cand("p");
    pricey.price = Some(-3.0);
    let (prepared, dropped) = prepare(vec![cand("a"), cand(""), cand("a"), nan, pricey]).unwrap();
    assert_eq!(prepared.len(), 1);
    let reasons: Vec<_> = dropped.iter().map(|d| d.reason.as_str()).collect();
    assert_eq!(
        reasons,
        [
            "invalid_id",
            "duplicate_id",
            "invalid_server_score",
            "invalid_price"
        ]
    );
}

#[test]
fn too_many_is_an_error() {
    let many = vec![cand("x"); MAX_CANDIDATES + 1];
    assert!(matches!(prepare(many), Err(RankError::TooMany { .. })));
}

#[test]
fn malformed_json_is_typed() {
    assert!(matches!(
        parse_candidates(r#"{"id":"not a list"}"#),
        Err(RankError::Malformed(_))
    ));
}
