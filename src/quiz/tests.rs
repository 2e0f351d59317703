use super::*;
use crate::product::Candidate;
use crate::profile::{Profile, ProfileConfig};
use crate::rank::{affinity, prepare};
use crate::storage::persist::{self, Keys};
use crate::storage::{KeyValueStore, MemoryStore};

const COLOURS: [&str; 4] = ["Black", "White", "Red", "Blue"];
const TYPES: [&str; 3] = ["Dress", "Trousers", "Top"];

fn catalogue() -> Vec<BankProduct> {
    let mut out = Vec::new();
    for (i, colour) in COLOURS.iter().enumerate() {
        for (j, kind) in TYPES.iter().enumerate() {
            for k in 0..3 {
                let dept = if k == 0 { "Basics" } else { "Trend" };
                out.push(BankProduct {
                    id: format!("p{i}{j}{k}"),
                    name: Some(format!("{colour} {kind}")),
                    attributes: [
                        ("colour", *colour),
                        ("productType", *kind),
                        ("department", dept),
                    ]
                    .iter()
                    .map(|(a, v)| ((*a).to_owned(), (*v).to_owned()))
                    .collect(),
                    price: Some(10.0 + 15.0 * k as f64),
                    image: None,
                });
            }
        }
    }
    out
}

fn bank(seed: u64) -> QuestionBank {
    QuestionBank::from_catalogue(
        catalogue(),
        &ProfileConfig::default(),
        &QuizConfig::default(),
        seed,
    )
    .unwrap()
}

/// A shopper who likes black and dresses, dislikes anything else that is red.
fn oracle(p: &BankProduct) -> Answer {
    let colour = p.attributes["colour"].as_str();
    match (colour, p.attributes["productType"].as_str()) {
        ("Black", _) | (_, "Dress") if colour != "Red" => Answer::Like,
        ("Red", _) => Answer::Dislike,
        _ => Answer::Skip,
    }
}

fn run(bank: &QuestionBank, quiz: &QuizConfig, seed: u32) -> QuizState {
    let profile = ProfileConfig::default();
    let mut state = QuizState::start(bank, quiz, seed, 0.0);
    while let Some(q) = state.next_question(bank, quiz) {
        let product = &bank.products()[bank.position(&q.product_id).unwrap()];
        state
            .answer(
                bank,
                &q.product_id,
                oracle(product),
                &profile,
                quiz,
                q.number as f64,
            )
            .unwrap();
    }
    state
}

#[test]
fn catalogue_banks_drop_bad_products_and_are_seed_stable() {
    let mut products = catalogue();
    products.push(products[0].clone()); // duplicate
    let mut bad = products[1].clone();
    bad.id = String::new();
    products.push(bad);
    let mut sensitive = products[2].clone();
    sensitive.id = "m".into();
    sensitive.name = Some("Maternity dress".into());
    products.push(sensitive);
    let quiz = QuizConfig {
        bank_size: 20,
        ..QuizConfig::default()
    };
    let cfg = ProfileConfig::default();
    let a = QuestionBank::from_catalogue(products.clone(), &cfg, &quiz, 7).unwrap();
    let b = QuestionBank::from_catalogue(products, &cfg, &quiz, 7).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.products().len(), 20);
    assert_eq!(a.skipped(), 3);
    assert!(a.products().iter().all(|p| p.id != "m"));
    // The first picks cover every colour and type before repeating any.
    let first: std::collections::BTreeSet<&str> = a.products()[..4]
        .iter()
        .map(|p| p.attributes["colour"].as_str())
        .collect();
    assert_eq!(first.len(), 4);
    // A bank file round-trips; other versions and empty banks are typed errors.
    let file = serde_json::to_string(&a.to_file()).unwrap();
    let again = QuestionBank::from_json(&file, &cfg, &quiz, 0).unwrap();
    assert_eq!(again.products(), a.products());
    let v2 = file.replacen("\"version\":1", "\"version\":2", 1);
    assert_eq!(
        QuestionBank::from_json(&v2, &cfg, &quiz, 0),
        Err(QuizError::UnsupportedBankVersion(2))
    );
    assert_eq!(
        QuestionBank::from_json("[]", &cfg, &quiz, 0),
        Err(QuizError::EmptyBank)
    );
    assert!(matches!(
        QuestionBank::from_json("{", &cfg, &quiz, 0),
        Err(QuizError::MalformedBank(_))
    ));
}

#[test]
fn the_first_question_has_the_highest_expected_gain_and_runs_are_deterministic() {
    let bank = bank(1);
    let quiz = QuizConfig::default();
    let state = QuizState::start(&bank, &quiz, 3, 0.0);
    let q = state.next_question(&bank, &quiz).unwrap();
    let post = state.posterior(&quiz);
    let best = (0..bank.products().len())
        .map(|i| post.expected_gain(bank.features(i)))
        .fold(0.0, f64::max);
    assert_eq!(q.expected_gain, best);
    let a = run(&bank, &quiz, 3);
    let b = run(&bank, &quiz, 3);
    assert_eq!(a, b);
    assert!(a.finished);
    assert!(a.answers.len() <= quiz.max_questions);
    let ids: std::collections::BTreeSet<&str> =
        a.answers.iter().map(|x| x.product_id.as_str()).collect();
    assert_eq!(ids.len(), a.answers.len(), "no product is asked twice");
}

#[test]
fn the_quiz_stops_at_the_maximum_or_when_confident() {
    let bank = bank(1);
    let all = QuizConfig {
        max_questions: 36,
        confidence: 1.0,
        ..QuizConfig::default()
    };
    assert_eq!(run(&bank, &all, 0).answers.len(), 36);
    let early = QuizConfig {
        max_questions: 36,
        min_questions: 4,
        confidence: 0.3,
        ..QuizConfig::default()
    };
    let state = run(&bank, &early, 0);
    assert!(
        state.answers.len() < 36 && state.answers.len() >= 4,
        "{}",
        state.answers.len()
    );
    assert!(state.confidence >= 0.3);
}

#[test]
fn a_dislike_steers_away_from_its_values_and_a_like_towards_them() {
    let bank = bank(1);
    let quiz = QuizConfig::default();
    let profile = ProfileConfig::default();
    let shares = |a: &str, b: &str| {
        let f = |id: &str| bank.features(bank.position(id).unwrap()).to_vec();
        let fb = f(b);
        f(a).iter().filter(|x| fb.contains(x)).count()
    };
    for (answer, similar) in [(Answer::Dislike, false), (Answer::Like, true)] {
        let mut state = QuizState::start(&bank, &quiz, 3, 0.0);
        let first = state.next_question(&bank, &quiz).unwrap().product_id;
        state
            .answer(&bank, &first, answer, &profile, &quiz, 1.0)
            .unwrap();
        let next = state.next_question(&bank, &quiz).unwrap().product_id;
        // A rejected product's values make answers predictable (more dislikes): ask elsewhere.
        // A liked product's values make similar products the uncertain ones: ask about them.
        assert_eq!(
            shares(&first, &next) > 0,
            similar,
            "{answer:?}: {first} then {next}"
        );
    }
}

#[test]
fn results_recover_the_shoppers_taste_and_feed_the_ranker() {
    let bank = bank(1);
    let quiz = QuizConfig::default();
    let profile_cfg = ProfileConfig::default();
    let state = run(&bank, &quiz, 0);
    let result = state.result(&profile_cfg, &quiz);
    let weight = |a: &str, v: &str| {
        result
            .preferences
            .iter()
            .find(|p| p.attribute == a && p.value == v)
            .map_or(0.0, |p| p.weight)
    };
    assert!(weight("colour", "Black") > 0.0);
    assert!(weight("colour", "Red") < 0.0);
    assert!(result
        .preferences
        .iter()
        .all(|p| (-1.0..=1.0).contains(&p.weight)));
    let top = result.top_style.clone().unwrap();
    assert!(!top.headline.is_empty());
    assert!(result.sentences().iter().any(|s| s.contains("Black")));

    let mut profile = Profile::default();
    profile.set_stated_preferences(result.signals(), &profile_cfg);
    let cand = |id: &str, colour: &str| Candidate {
        id: id.into(),
        server_rank: None,
        server_score: None,
        attributes: [("colour".to_owned(), colour.to_owned())].into(),
        price: None,
        embedding: None,
        in_stock: None,
    };
    // The server's order puts black last; the quiz's answers lift it above the reds.
    let mut list: Vec<Candidate> = (0..20)
        .map(|i| {
            if i % 2 == 0 {
                cand(&format!("red{i}"), "Red")
            } else {
                cand(&format!("white{i}"), "White")
            }
        })
        .collect();
    list.push(cand("black", "Black"));
    let (prepared, _) = prepare(list).unwrap();
    let ranked = affinity::rank(&prepared, &profile, &profile_cfg, 0.0);
    let black = ranked.iter().find(|r| &*r.id == "black").unwrap();
    assert!(black.position < black.server_position, "{ranked:?}");
    assert_eq!(black.reason.as_ref().unwrap().value, "Black");
    assert!(ranked
        .iter()
        .filter(|r| r.id.starts_with("red"))
        .all(|r| r.position >= r.server_position));
}

#[test]
fn answers_are_editable_and_errors_are_typed() {
    let bank = bank(1);
    let quiz = QuizConfig {
        max_questions: 2,
        ..QuizConfig::default()
    };
    let cfg = ProfileConfig::default();
    let mut state = QuizState::default();
    assert_eq!(
        state.answer(&bank, "p000", Answer::Like, &cfg, &quiz, 0.0),
        Err(QuizError::NotStarted)
    );
    state = QuizState::start(&bank, &quiz, 0, 0.0);
    assert!(matches!(
        state.answer(&bank, "nope", Answer::Like, &cfg, &quiz, 0.0),
        Err(QuizError::UnknownProduct(_))
    ));
    let black = bank
        .products()
        .iter()
        .find(|p| p.attributes["colour"] == "Black")
        .unwrap()
        .id
        .clone();
    let red = bank
        .products()
        .iter()
        .find(|p| p.attributes["colour"] == "Red")
        .unwrap()
        .id
        .clone();
    state
        .answer(&bank, &black, Answer::Like, &cfg, &quiz, 1.0)
        .unwrap();
    assert_eq!(
        state.answer(&bank, &black, Answer::Like, &cfg, &quiz, 1.0),
        Err(QuizError::AlreadyAnswered(black.clone()))
    );
    let progress = state
        .answer(&bank, &red, Answer::Like, &cfg, &quiz, 2.0)
        .unwrap();
    assert!(progress.finished);
    assert_eq!(
        state.answer(&bank, "p001", Answer::Like, &cfg, &quiz, 3.0),
        Err(QuizError::Finished)
    );
    assert!(state.expires_ms >= cfg.retention.quiz_ms());
    let w = |s: &QuizState, v: &str| {
        s.result(&cfg, &quiz)
            .preferences
            .iter()
            .find(|p| p.value == v)
            .map_or(0.0, |p| p.weight)
    };
    assert!(w(&state, "Red") > 0.0);
    state
        .edit(&red, Some(Answer::Dislike), 4.0, &cfg.retention)
        .unwrap();
    assert!(w(&state, "Red") < 0.0);
    state.edit(&red, None, 5.0, &cfg.retention).unwrap();
    assert_eq!(w(&state, "Red"), 0.0);
    assert_eq!(
        state.edit(&red, None, 5.0, &cfg.retention),
        Err(QuizError::NotAnswered(red))
    );
    assert_eq!(state.forget_value(Some("colour"), "Black"), 1);
    assert_eq!(w(&state, "Black"), 0.0);
}

#[test]
fn quiz_state_resumes_after_reload_and_expires() {
    let bank = bank(1);
    let quiz = QuizConfig::default();
    let cfg = ProfileConfig::default();
    let mut state = QuizState::start(&bank, &quiz, 9, 0.0);
    let q = state.next_question(&bank, &quiz).unwrap();
    state
        .answer(&bank, &q.product_id, Answer::Like, &cfg, &quiz, 10.0)
        .unwrap();
    let mut store = MemoryStore::default();
    let keys = Keys::new("t");
    persist::save(&mut store, &keys, &state).unwrap();
    assert!(store.get("t:v1:quiz").unwrap().is_some());
    let loaded = persist::load::<QuizState>(&mut store, &keys, 1_000.0).unwrap();
    assert_eq!(loaded.value, state);
    assert_eq!(
        loaded.value.next_question(&bank, &quiz),
        state.next_question(&bank, &quiz)
    );
    let late = 10.0 + quiz.resume_days * 86_400_000.0 + 1.0;
    let expired = persist::load::<QuizState>(&mut store, &keys, late).unwrap();
    assert!(!expired.value.is_started());
}

#[test]
fn tampered_answers_are_dropped_one_by_one() {
    let json = r#"{"version":1,"bankId":"b","maxQuestions":12,"expiresMs":1e12,"answers":[
        {"productId":"a","features":[["colour","Red"]],"answer":"like","atMs":1},
        {"productId":"a","features":[],"answer":"like","atMs":2},
        {"productId":"","features":[],"answer":"skip","atMs":3}]}"#;
    let mut state: QuizState = serde_json::from_str(json).unwrap();
    use crate::storage::persist::Versioned;
    assert_eq!(state.repair(5.0), 2);
    assert_eq!(state.answers.len(), 1);
}

#[test]
fn config_is_validated() {
    assert!(QuizConfig::default().validate().is_ok());
    for bad in [
        QuizConfig {
            max_questions: 37,
            ..QuizConfig::default()
        },
        QuizConfig {
            min_questions: 13,
            ..QuizConfig::default()
        },
        QuizConfig {
            confidence: 0.0,
            ..QuizConfig::default()
        },
        QuizConfig {
            prior_likes: f64::NAN,
            ..QuizConfig::default()
        },
        QuizConfig {
            bank_size: 0,
            ..QuizConfig::default()
        },
    ] {
        assert!(matches!(bad.validate(), Err(QuizError::Config(_))));
    }
}

#[test]
fn answer_names_match_their_json() {
    for answer in crate::quiz::state::Answer::ALL {
        let json = serde_json::to_string(&answer).unwrap();
        assert_eq!(json, format!("\"{}\"", answer.name()));
        assert_eq!(
            crate::quiz::state::Answer::from_name(answer.name()),
            Some(answer)
        );
    }
    assert_eq!(crate::quiz::state::Answer::from_name("Like"), None);
}
