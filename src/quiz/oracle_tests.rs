//! The bank building, question choice and result as they were before the size pass of
//! 2026-12-01 (iterator chains), kept as the oracle for the loops that replaced them: same
//! banks, same questions in the same order, same results, on generated catalogues, bank files,
//! answers and seeds; and the stored state's repair.

use std::collections::BinaryHeap;

use proptest::prelude::*;

use super::bank::tie_break;
use super::*;
use crate::collections::{self, VecMap, VecSet};
use crate::profile::{ProfileConfig, PRICE_BAND};

type Features = Vec<(String, String)>;

/// What the old `QuestionBank` held.
#[derive(Debug, PartialEq)]
struct OldBank {
    id: String,
    products: Vec<BankProduct>,
    features: Vec<Features>,
    prevalence: VecMap<(String, String), f64>,
    skipped: usize,
}

fn old_features(p: &BankProduct, config: &ProfileConfig) -> Features {
    config
        .tracked()
        .filter_map(|a| p.attributes.get(a).map(|v| (a.to_owned(), v.clone())))
        .chain(
            p.price
                .map(|x| (PRICE_BAND.to_owned(), config.price_band(x).to_owned())),
        )
        .collect()
}

fn old_validate(p: &BankProduct) -> Result<(), crate::product::ProductError> {
    use crate::product;
    product::validate_id(&p.id)?;
    product::validate_attributes(&p.attributes)?;
    product::validate_price(p.price)?;
    for (field, text, max) in [
        ("name", &p.name, bank::MAX_NAME_LEN),
        ("image", &p.image, bank::MAX_IMAGE_LEN),
    ] {
        if let Some(t) = text.as_ref().filter(|t| t.len() > max) {
            return Err(product::ProductError::TooLong {
                field,
                len: t.len(),
                max,
            });
        }
    }
    Ok(())
}

fn old_clean(
    products: Vec<BankProduct>,
    config: &ProfileConfig,
) -> Result<(Vec<BankProduct>, usize), QuizError> {
    if products.len() > bank::MAX_INPUT_PRODUCTS {
        return Err(QuizError::MalformedBank(format!(
            "{} products given; the limit is {}",
            products.len(),
            bank::MAX_INPUT_PRODUCTS
        )));
    }
    let total = products.len();
    let usable: Vec<BankProduct> = products
        .into_iter()
        .filter(|p| {
            old_validate(p).is_ok()
                && !p.is_sensitive(config)
                && !old_features(p, config).is_empty()
        })
        .collect();
    let first = collections::first_occurrences(&usable, |p| p.id.as_str());
    let kept: Vec<BankProduct> = usable
        .into_iter()
        .zip(first)
        .filter_map(|(p, first)| first.then_some(p))
        .collect();
    if kept.is_empty() {
        return Err(QuizError::EmptyBank);
    }
    let skipped = total - kept.len();
    Ok((kept, skipped))
}

fn old_prevalence_of(features: &[Features]) -> VecMap<(String, String), f64> {
    let n = features.len().max(1) as f64;
    let mut all: Vec<&(String, String)> = features.iter().flatten().collect();
    collections::sort_by(&mut all, |a, b| a.cmp(b));
    let mut out: Vec<((String, String), f64)> = Vec::new();
    for f in all {
        match out.last_mut() {
            Some((last, share)) if last == f => *share += 1.0 / n,
            _ => out.push((f.clone(), 1.0 / n)),
        }
    }
    out.into_iter().collect()
}

fn old_build(
    id: String,
    products: Vec<BankProduct>,
    skipped: usize,
    config: &ProfileConfig,
) -> OldBank {
    let features: Vec<Features> = products.iter().map(|p| old_features(p, config)).collect();
    let prevalence = old_prevalence_of(&features);
    OldBank {
        id,
        products,
        features,
        prevalence,
        skipped,
    }
}

fn old_fnv(mut hash: u64, text: &str) -> u64 {
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

fn old_from_catalogue(
    products: Vec<BankProduct>,
    config: &ProfileConfig,
    quiz: &QuizConfig,
    seed: u64,
) -> Result<OldBank, QuizError> {
    let (pool, skipped) = old_clean(products, config)?;
    let features: Vec<Features> = pool.iter().map(|p| old_features(p, config)).collect();
    let prevalence = old_prevalence_of(&features);
    let target = quiz.bank_size.min(pool.len());
    let mut chosen = Vec::with_capacity(target);
    let mut taken = vec![false; pool.len()];
    let mut covered: VecSet<&(String, String)> = VecSet::new();
    let gain = |covered: &VecSet<&(String, String)>, i: usize| -> u64 {
        let g: f64 = features[i]
            .iter()
            .filter(|f| !covered.contains(f))
            .map(|f| prevalence.get(f).copied().unwrap_or(0.0).sqrt())
            .sum();
        (g * 1.0e12) as u64
    };
    let mut heap = BinaryHeap::new();
    while chosen.len() < target {
        if heap.is_empty() {
            covered.clear();
            heap.extend(
                (0..pool.len())
                    .filter(|i| !taken[*i])
                    .map(|i| (gain(&covered, i), tie_break(seed, &pool[i].id), i)),
            );
            if heap.is_empty() {
                break;
            }
        }
        let Some((stale, tie, i)) = heap.pop() else {
            break;
        };
        let fresh = gain(&covered, i);
        if fresh < stale {
            heap.push((fresh, tie, i));
            continue;
        }
        if fresh == 0 {
            heap.clear();
            continue;
        }
        taken[i] = true;
        covered.extend(features[i].iter());
        chosen.push(i);
    }
    let products: Vec<BankProduct> = chosen.into_iter().map(|i| pool[i].clone()).collect();
    let id = format!(
        "gen-{:016x}",
        products
            .iter()
            .fold(seed ^ 0xcbf2_9ce4_8422_2325, |h, p| old_fnv(h, &p.id))
    );
    Ok(old_build(id, products, skipped, config))
}

fn old_from_file(file: BankFile, config: &ProfileConfig) -> Result<OldBank, QuizError> {
    if file.id.is_empty() || file.id.len() > crate::product::MAX_ID_LEN {
        return Err(QuizError::MalformedBank(
            "the bank id must be 1 to 128 bytes".into(),
        ));
    }
    let (products, skipped) = old_clean(file.products, config)?;
    Ok(old_build(file.id, products, skipped, config))
}

fn same_bank(new: &Result<QuestionBank, QuizError>, old: &Result<OldBank, QuizError>) {
    match (new, old) {
        (Ok(new), Ok(old)) => {
            assert_eq!(new.id(), old.id);
            assert_eq!(new.products(), &old.products[..]);
            for (i, f) in old.features.iter().enumerate() {
                assert_eq!(new.features(i), &f[..]);
            }
            assert_eq!(new.values(), &old.prevalence);
            assert_eq!(new.skipped(), old.skipped);
        }
        (Err(new), Err(old)) => assert_eq!(new, old),
        (new, old) => panic!("new {new:?}, old {old:?}"),
    }
}

fn old_next_question(
    state: &QuizState,
    bank: &QuestionBank,
    quiz: &QuizConfig,
) -> Option<Question> {
    if !state.is_started() || state.is_done(bank, quiz) {
        return None;
    }
    let post = state.posterior(quiz);
    let answered = |id: &str| state.answers.iter().any(|a| a.product_id == id);
    let (gain, _, index) = bank
        .products()
        .iter()
        .enumerate()
        .filter(|(_, p)| !answered(&p.id))
        .map(|(i, p)| {
            let gain = post.expected_gain(bank.features(i));
            (gain, tie_break(u64::from(state.seed), &p.id), i)
        })
        .max_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)))?;
    let p = &bank.products()[index];
    Some(Question {
        product_id: p.id.clone(),
        name: p.name.clone(),
        image: p.image.clone(),
        price: p.price,
        attributes: p.attributes.clone(),
        number: state.answers.len() + 1,
        max_questions: state.max_questions,
        confidence: state.confidence,
        expected_gain: gain,
    })
}

fn old_result(state: &QuizState, profile: &ProfileConfig, quiz: &QuizConfig) -> QuizResult {
    let post = state.posterior(quiz);
    let mut preferences: Vec<Preference> = post
        .observed()
        .filter(|((_, v), _)| !profile.is_sensitive_value(v))
        .map(|((a, v), counts)| Preference {
            attribute: a.clone(),
            value: v.clone(),
            weight: 2.0 * post.get(a, v).mean() - 1.0,
            likes: counts.likes,
            dislikes: counts.dislikes,
            skips: counts.skips,
        })
        .filter(|p| p.weight != 0.0)
        .collect();
    collections::sort_by(&mut preferences, |a, b| {
        b.weight
            .total_cmp(&a.weight)
            .then_with(|| a.attribute.cmp(&b.attribute))
            .then_with(|| a.value.cmp(&b.value))
    });
    let answers: Vec<AnsweredQuestion> = state
        .answers
        .iter()
        .filter(|a| {
            !a.features
                .iter()
                .any(|(_, v)| profile.is_sensitive_value(v))
        })
        .cloned()
        .collect();
    let top_style = old_top_style(&answers, &preferences);
    QuizResult {
        bank_id: state.bank_id.clone(),
        finished: state.finished,
        confidence: state.confidence,
        answers,
        preferences,
        top_style,
    }
}

fn old_top_style(answers: &[AnsweredQuestion], preferences: &[Preference]) -> Option<TopStyle> {
    let weight = |a: &str, v: &str| {
        preferences
            .iter()
            .find(|p| p.attribute == a && p.value == v)
            .map_or(0.0, |p| p.weight)
    };
    let best = answers
        .iter()
        .filter(|a| a.answer == Answer::Like)
        .map(|a| (a.features.iter().map(|(n, v)| weight(n, v)).sum::<f64>(), a))
        .fold(None::<(f64, &AnsweredQuestion)>, |acc, x| match acc {
            Some(b) if b.0 >= x.0 => Some(b),
            _ => Some(x),
        })?
        .1;
    let mut liked: Vec<&Preference> = preferences
        .iter()
        .filter(|p| p.weight > 0.0 && p.attribute != PRICE_BAND)
        .filter(|p| {
            best.features
                .iter()
                .any(|(a, v)| *a == p.attribute && *v == p.value)
        })
        .collect();
    collections::sort_by(&mut liked, |a, b| b.weight.total_cmp(&a.weight));
    let mut used = Vec::new();
    let headline: Vec<&str> = liked
        .into_iter()
        .filter(|p| {
            let fresh = !used.contains(&p.value);
            used.push(p.value.clone());
            fresh
        })
        .take(3)
        .map(|p| p.value.as_str())
        .collect();
    Some(TopStyle {
        product_id: best.product_id.clone(),
        name: best.name.clone(),
        image: best.image.clone(),
        headline: headline.join(" · "),
    })
}

const ATTRIBUTES: [&str; 5] = ["colour", "productType", "department", "pattern", "fit"];
const VALUES: [&str; 7] = [
    "Black",
    "Red",
    "Dress",
    "Basics",
    "Maternity",
    "Solid",
    "Blue",
];

fn arb_product() -> impl Strategy<Value = BankProduct> {
    (
        0..40u8,
        proptest::option::of(prop::sample::select(vec![
            "Black dress",
            "Nursing top",
            "Solid tee",
        ])),
        prop::collection::vec((0..ATTRIBUTES.len(), 0..VALUES.len()), 0..5),
        proptest::option::of(prop_oneof![Just(-1.0), 0.0..200.0f64, Just(f64::NAN)]),
    )
        .prop_map(|(id, name, attributes, price)| BankProduct {
            // Id 0 is empty (invalid); small ids repeat.
            id: if id == 0 {
                String::new()
            } else {
                format!("p{}", id % 25)
            },
            name: name.map(str::to_owned),
            attributes: attributes
                .into_iter()
                .map(|(a, v)| (ATTRIBUTES[a].to_owned(), VALUES[v].to_owned()))
                .collect(),
            price,
            image: None,
        })
}

fn arb_answer() -> impl Strategy<Value = Answer> {
    prop::sample::select(Answer::ALL.to_vec())
}

fn arb_quiz() -> impl Strategy<Value = QuizConfig> {
    (
        1..=20usize,
        0..=8usize,
        0.05..=1.0f64,
        1..=60usize,
        0.5..3.0f64,
    )
        .prop_map(|(max, min, confidence, bank_size, prior)| QuizConfig {
            max_questions: max,
            min_questions: min.min(max),
            confidence,
            prior_likes: prior,
            bank_size,
            ..QuizConfig::default()
        })
}

/// Runs the quiz with both choosers and both results, answering from `answers` in turn,
/// then edits some answers.
fn same_quiz(bank: &QuestionBank, quiz: &QuizConfig, seed: u32, answers: &[Answer]) {
    let profile = ProfileConfig::default();
    let mut state = QuizState::start(bank, quiz, seed, 0.0);
    let mut step = 0;
    loop {
        let question = state.next_question(bank, quiz);
        assert_eq!(question, old_next_question(&state, bank, quiz));
        assert_eq!(
            state.result(&profile, quiz),
            old_result(&state, &profile, quiz)
        );
        let Some(question) = question else {
            break;
        };
        let answer = answers[step % answers.len()];
        step += 1;
        state
            .answer(
                bank,
                &question.product_id,
                answer,
                &profile,
                quiz,
                step as f64,
            )
            .unwrap();
    }
    let ids: Vec<String> = state.answers.iter().map(|a| a.product_id.clone()).collect();
    for (k, id) in ids.iter().enumerate() {
        let new = (k % 2 == 0).then(|| answers[k % answers.len()]);
        state.edit(id, new, 100.0, &profile.retention).unwrap();
        assert_eq!(
            state.result(&profile, quiz),
            old_result(&state, &profile, quiz)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(192))]

    #[test]
    fn catalogue_banks_and_their_quizzes_match_the_old_code(
        products in prop::collection::vec(arb_product(), 0..60),
        quiz in arb_quiz(),
        seed in any::<u64>(),
        answers in prop::collection::vec(arb_answer(), 1..8),
    ) {
        let profile = ProfileConfig::default();
        let new = QuestionBank::from_catalogue(products.clone(), &profile, &quiz, seed);
        let old = old_from_catalogue(products, &profile, &quiz, seed);
        same_bank(&new, &old);
        if let Ok(bank) = new {
            same_quiz(&bank, &quiz, seed as u32, &answers);
        }
    }

    #[test]
    fn bank_files_and_their_quizzes_match_the_old_code(
        products in prop::collection::vec(arb_product(), 0..40),
        quiz in arb_quiz(),
        seed in any::<u32>(),
        answers in prop::collection::vec(arb_answer(), 1..8),
    ) {
        let profile = ProfileConfig::default();
        let file = BankFile { version: 1, id: "bank".into(), products };
        let new = QuestionBank::from_file(file.clone(), &profile);
        let old = old_from_file(file, &profile);
        same_bank(&new, &old);
        if let Ok(bank) = new {
            same_quiz(&bank, &quiz, seed, &answers);
        }
    }
}

/// `QuizState::repair` as it was.
fn old_repair(state: &mut QuizState, now_ms: f64) -> usize {
    use crate::product::{
        MAX_ATTRIBUTES, MAX_ATTRIBUTE_NAME_LEN, MAX_ATTRIBUTE_VALUE_LEN, MAX_ID_LEN,
    };
    if !state.is_started() {
        *state = QuizState::default();
        return 0;
    }
    let times_ok = [
        state.started_ms,
        state.updated_ms,
        state.expires_ms,
        state.confidence,
    ]
    .iter()
    .all(|t| t.is_finite() && *t >= 0.0);
    if !times_ok || state.bank_id.len() > MAX_ID_LEN || state.max_questions > MAX_QUESTIONS {
        *state = QuizState::default();
        return 1;
    }
    if now_ms > state.expires_ms {
        *state = QuizState::default();
        return 0;
    }
    let before = state.answers.len();
    let mut seen = VecSet::new();
    state.answers.retain(|a| {
        a.at_ms.is_finite()
            && !a.product_id.is_empty()
            && a.product_id.len() <= MAX_ID_LEN
            && a.features.len() <= MAX_ATTRIBUTES + 1
            && a.features.iter().all(|(n, v)| {
                n.len() <= MAX_ATTRIBUTE_NAME_LEN && v.len() <= MAX_ATTRIBUTE_VALUE_LEN
            })
            && seen.insert(a.product_id.clone())
    });
    state.answers.truncate(MAX_QUESTIONS);
    state.confidence = state.confidence.min(1.0);
    state.version = state::QUIZ_VERSION;
    before - state.answers.len()
}

fn arb_time() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => 0.0..20.0f64,
        1 => Just(-1.0),
        1 => Just(f64::NAN),
        1 => Just(f64::INFINITY),
    ]
}

fn arb_state() -> impl Strategy<Value = QuizState> {
    (
        prop::sample::select(vec![0usize, 4, 129]),
        prop::sample::select(vec![0usize, 12, 36, 37]),
        (arb_time(), arb_time(), arb_time(), arb_time()),
        prop::collection::vec(
            (
                0..8u8,
                prop_oneof![Just(1.0), Just(f64::NAN)],
                0..3usize,
                arb_answer(),
            ),
            0..50,
        ),
    )
        .prop_map(
            |(bank, max, (started, updated, expires, confidence), answers)| QuizState {
                bank_id: "b".repeat(bank),
                max_questions: max,
                started_ms: started,
                updated_ms: updated,
                expires_ms: expires,
                confidence: confidence * 0.1,
                version: 0,
                answers: answers
                    .into_iter()
                    .map(|(id, at_ms, count, answer)| AnsweredQuestion {
                        product_id: if id == 0 {
                            String::new()
                        } else {
                            format!("p{id}")
                        },
                        name: None,
                        image: None,
                        features: (0..count)
                            .map(|k| (format!("a{k}"), "v".repeat(if k == 2 { 129 } else { 3 })))
                            .collect(),
                        answer,
                        at_ms,
                    })
                    .collect(),
                ..QuizState::default()
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn repaired_states_match_the_old_code(state in arb_state(), now in arb_time()) {
        use crate::storage::persist::Versioned;
        let mut new = state.clone();
        let mut old = state;
        prop_assert_eq!(new.repair(now), old_repair(&mut old, now));
        // Through their JSON: NaN fields compare equal there.
        prop_assert_eq!(crate::json::to_json(&new), crate::json::to_json(&old));
    }
}
