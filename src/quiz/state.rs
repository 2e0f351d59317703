//! The quiz in progress and its answers, stored as a versioned document.

use serde::{Deserialize, Serialize};

use super::bank::{tie_break, QuestionBank};
use super::posterior::Posterior;
use super::{QuizConfig, QuizError, MAX_QUESTIONS};
use crate::product::{
    Attributes, MAX_ATTRIBUTES, MAX_ATTRIBUTE_NAME_LEN, MAX_ATTRIBUTE_VALUE_LEN, MAX_ID_LEN,
};
use crate::profile::{ProfileConfig, Retention};
use crate::storage::persist::Versioned;

/// Schema version of the stored quiz document.
pub const QUIZ_VERSION: u32 = 1;
const MS_PER_DAY: f64 = 86_400_000.0;

/// The shopper's answer to one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Likes it.
    Like,
    /// Does not like it.
    Dislike,
    /// No opinion (no information is drawn from it).
    Skip,
}

crate::json::names!(Answer { Like => "like", Dislike => "dislike", Skip => "skip" });

impl Answer {
    /// Every answer, in declaration order.
    pub const ALL: [Answer; 3] = [Answer::Like, Answer::Dislike, Answer::Skip];

    /// The answer's name, as in JSON (`like`, `dislike`, `skip`).
    pub fn name(self) -> &'static str {
        match self {
            Answer::Like => "like",
            Answer::Dislike => "dislike",
            Answer::Skip => "skip",
        }
    }

    /// The answer named `name` (as in JSON), if any.
    pub fn from_name(name: &str) -> Option<Answer> {
        Answer::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// One answered question, with the features it taught (so edits need no bank).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnsweredQuestion {
    /// The product shown.
    pub product_id: String,
    /// Its name, for the shopper's review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Its image, for the shopper's review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The (attribute, value) pairs the answer is about.
    pub features: Vec<(String, String)>,
    /// The answer.
    pub answer: Answer,
    /// When it was given (or last edited), ms.
    pub at_ms: f64,
}

/// The next product to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Question {
    /// The product's id (send it back with the answer).
    pub product_id: String,
    /// Display name.
    pub name: Option<String>,
    /// Image URL.
    pub image: Option<String>,
    /// Price.
    pub price: Option<f64>,
    /// The product's attributes, for display.
    pub attributes: Attributes,
    /// 1-based number of this question.
    pub number: usize,
    /// The most questions this quiz asks.
    pub max_questions: usize,
    /// Confidence so far, in [0, 1).
    pub confidence: f64,
    /// The question's expected information gain, in bits.
    pub expected_gain: f64,
}

/// Where the quiz stands after an answer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Progress {
    /// Answers given (skips included).
    pub answered: usize,
    /// The most questions this quiz asks.
    pub max_questions: usize,
    /// Confidence, in [0, 1).
    pub confidence: f64,
    /// No more questions will be asked.
    pub finished: bool,
}

/// The stored quiz: which bank, the answers, and when it expires.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct QuizState {
    /// Schema version ([`QUIZ_VERSION`]).
    pub version: u32,
    /// The bank answered from (empty: no quiz).
    pub bank_id: String,
    /// Seed of the tie-breaks.
    pub seed: u32,
    /// Most questions, fixed at start.
    pub max_questions: usize,
    /// When the quiz started, ms.
    pub started_ms: f64,
    /// Last answer or edit, ms.
    pub updated_ms: f64,
    /// After this time the document is dropped on load, ms.
    pub expires_ms: f64,
    /// Confidence as of the last answer.
    pub confidence: f64,
    /// No more questions will be asked (answers stay editable).
    pub finished: bool,
    /// The answers, in the order given.
    pub answers: Vec<AnsweredQuestion>,
}

impl Default for QuizState {
    fn default() -> Self {
        QuizState {
            version: QUIZ_VERSION,
            bank_id: String::new(),
            seed: 0,
            max_questions: 0,
            started_ms: 0.0,
            updated_ms: 0.0,
            expires_ms: 0.0,
            confidence: 0.0,
            finished: false,
            answers: Vec::new(),
        }
    }
}

impl QuizState {
    /// Starts a quiz on `bank` (replacing any previous one).
    pub fn start(bank: &QuestionBank, quiz: &QuizConfig, seed: u32, now_ms: f64) -> QuizState {
        QuizState {
            bank_id: bank.id().to_owned(),
            seed,
            max_questions: quiz.max_questions,
            started_ms: now_ms,
            updated_ms: now_ms,
            expires_ms: now_ms + quiz.resume_days * MS_PER_DAY,
            ..QuizState::default()
        }
    }

    /// Whether a quiz was started (and has not expired).
    pub fn is_started(&self) -> bool {
        !self.bank_id.is_empty()
    }

    /// The posterior given the answers.
    pub fn posterior(&self, quiz: &QuizConfig) -> Posterior {
        let mut post = Posterior::new(quiz.prior());
        for a in &self.answers {
            post.observe(&a.features, a.answer);
        }
        post
    }

    fn is_answered(&self, id: &str) -> bool {
        self.answers.iter().any(|a| a.product_id == id)
    }

    /// Whether no more questions should be asked.
    pub fn is_done(&self, bank: &QuestionBank, quiz: &QuizConfig) -> bool {
        self.finished
            || self.answers.len() >= self.max_questions
            || (self.answers.len() >= quiz.min_questions && self.confidence >= quiz.confidence)
            || bank.products().iter().all(|p| self.is_answered(&p.id))
    }

    /// The next product: the unanswered one with the highest expected information gain
    /// (ties: the seeded hash of the id). `None` when done or not started.
    pub fn next_question(&self, bank: &QuestionBank, quiz: &QuizConfig) -> Option<Question> {
        if !self.is_started() || self.is_done(bank, quiz) {
            return None;
        }
        let post = self.posterior(quiz);
        // The last of equal (gain, tie) keys wins, as `Iterator::max_by` picks.
        let mut best: Option<(f64, u64, usize)> = None;
        for (i, p) in bank.products().iter().enumerate() {
            if self.is_answered(&p.id) {
                continue;
            }
            let gain = post.expected_gain(bank.features(i));
            let tie = tie_break(u64::from(self.seed), &p.id);
            if best.map_or(true, |(g, t, _)| {
                gain.total_cmp(&g).then(tie.cmp(&t)).is_ge()
            }) {
                best = Some((gain, tie, i));
            }
        }
        let (gain, _, index) = best?;
        let p = &bank.products()[index];
        Some(Question {
            product_id: p.id.clone(),
            name: p.name.clone(),
            image: p.image.clone(),
            price: p.price,
            attributes: p.attributes.clone(),
            number: self.answers.len() + 1,
            max_questions: self.max_questions,
            confidence: self.confidence,
            expected_gain: gain,
        })
    }

    /// Records an answer to any unanswered product of the bank (normally the one
    /// [`QuizState::next_question`] proposed).
    pub fn answer(
        &mut self,
        bank: &QuestionBank,
        product_id: &str,
        answer: Answer,
        profile: &ProfileConfig,
        quiz: &QuizConfig,
        now_ms: f64,
    ) -> Result<Progress, QuizError> {
        if !self.is_started() {
            return Err(QuizError::NotStarted);
        }
        if self.finished || self.answers.len() >= self.max_questions {
            return Err(QuizError::Finished);
        }
        if self.is_answered(product_id) {
            return Err(QuizError::AlreadyAnswered(product_id.to_owned()));
        }
        let index = bank.position(product_id).ok_or_else(|| {
            QuizError::UnknownProduct(product_id.chars().take(MAX_ID_LEN).collect())
        })?;
        let p = &bank.products()[index];
        self.answers.push(AnsweredQuestion {
            product_id: p.id.clone(),
            name: p.name.clone(),
            image: p.image.clone(),
            features: bank.features(index).to_vec(),
            answer,
            at_ms: now_ms,
        });
        self.updated_ms = now_ms;
        self.confidence = self
            .posterior(quiz)
            .confidence(bank.values().iter().map(|(k, s)| (k, *s)));
        if self.is_done(bank, quiz) {
            self.finish(now_ms, &profile.retention);
        } else {
            self.expires_ms = now_ms + quiz.resume_days * MS_PER_DAY;
        }
        Ok(self.progress())
    }

    /// Ends the quiz (also when the shopper stops early); the answers are kept as zero-party
    /// data for `retention.quizDays`.
    pub fn finish(&mut self, now_ms: f64, retention: &Retention) {
        self.finished = true;
        self.updated_ms = now_ms;
        self.expires_ms = now_ms + retention.quiz_ms();
    }

    /// Changes (`Some`) or removes (`None`) an answer, during or after the quiz.
    pub fn edit(
        &mut self,
        product_id: &str,
        answer: Option<Answer>,
        now_ms: f64,
        retention: &Retention,
    ) -> Result<(), QuizError> {
        let at = self
            .answers
            .iter()
            .position(|a| a.product_id == product_id)
            .ok_or_else(|| QuizError::NotAnswered(product_id.chars().take(MAX_ID_LEN).collect()))?;
        match answer {
            Some(new) => {
                self.answers[at].answer = new;
                self.answers[at].at_ms = now_ms;
            }
            None => {
                self.answers.remove(at);
            }
        }
        self.updated_ms = now_ms;
        if self.finished {
            self.expires_ms = now_ms + retention.quiz_ms();
        }
        Ok(())
    }

    /// Where the quiz stands.
    pub fn progress(&self) -> Progress {
        Progress {
            answered: self.answers.len(),
            max_questions: self.max_questions,
            confidence: self.confidence,
            finished: self.finished,
        }
    }

    /// Forgets an attribute value in every stored answer (the shopper's "forget" control).
    /// Returns how many mentions were removed.
    pub fn forget_value(&mut self, attribute: Option<&str>, value: &str) -> usize {
        let mut removed = 0;
        for a in &mut self.answers {
            let before = a.features.len();
            a.features
                .retain(|(n, v)| !(attribute.map_or(true, |x| x == n) && v == value));
            removed += before - a.features.len();
        }
        removed
    }
}

// Serde-free readers (the wasm build's; same documents, values and errors as the derives).
crate::json::struct_reader!(AnsweredQuestion, "struct AnsweredQuestion", allow_unknown,
    AnsweredQuestion {
        product_id: String::new(),
        name: None,
        image: None,
        features: Vec::new(),
        answer: Answer::Skip,
        at_ms: 0.0,
    },
    { product_id: "productId" required, name: "name", image: "image",
      features: "features" required, answer: "answer" required, at_ms: "atMs" required });
crate::json::struct_reader!(QuizState, "struct QuizState", allow_unknown, QuizState::default(),
    { version: "version", bank_id: "bankId", seed: "seed", max_questions: "maxQuestions",
      started_ms: "startedMs", updated_ms: "updatedMs", expires_ms: "expiresMs",
      confidence: "confidence", finished: "finished", answers: "answers" });

impl Versioned for QuizState {
    const DOC: &'static str = "quiz";
    const VERSION: u32 = QUIZ_VERSION;
    fn parse(text: &str) -> Result<Self, String> {
        crate::json::read_str(text).map_err(|e| e.to_string())
    }

    /// Drops an expired quiz entirely, and unusable answers one by one.
    fn repair(&mut self, now_ms: f64) -> usize {
        let started = self.is_started();
        let times_ok = [
            self.started_ms,
            self.updated_ms,
            self.expires_ms,
            self.confidence,
        ]
        .iter()
        .all(|t| t.is_finite() && *t >= 0.0);
        // Only a started quiz can be broken; an expired one goes quietly.
        let broken = started
            && (!times_ok || self.bank_id.len() > MAX_ID_LEN || self.max_questions > MAX_QUESTIONS);
        if !started || broken || now_ms > self.expires_ms {
            *self = QuizState::default();
            return usize::from(broken);
        }
        let before = self.answers.len();
        let mut seen = crate::collections::VecSet::new();
        self.answers.retain(|a| {
            a.at_ms.is_finite()
                && !a.product_id.is_empty()
                && a.product_id.len() <= MAX_ID_LEN
                && a.features.len() <= MAX_ATTRIBUTES + 1
                && a.features.iter().all(|(n, v)| {
                    n.len() <= MAX_ATTRIBUTE_NAME_LEN && v.len() <= MAX_ATTRIBUTE_VALUE_LEN
                })
                && seen.insert(a.product_id.clone())
        });
        self.answers.truncate(MAX_QUESTIONS);
        self.confidence = self.confidence.min(1.0);
        self.version = QUIZ_VERSION;
        before - self.answers.len()
    }
}
