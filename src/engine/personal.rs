//! The shopper's own controls over what Vitrine keeps (view, forget, pause, reset, export)
//! and the style quiz, whose answers are zero-party data stored under their own key.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Engine;
use crate::error::Error;
use crate::privacy::rng::RandomSource;
use crate::profile::view::ProfileSummary;
use crate::profile::Profile;
use crate::quiz::bank::QuestionBank;
use crate::quiz::result::QuizResult;
use crate::quiz::state::{Answer, Progress, Question, QuizState};
use crate::quiz::QuizError;
use crate::storage::persist;

/// What `profile()` shows the shopper: the learned profile and the quiz answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileView {
    /// The learned profile, in plain terms.
    pub profile: ProfileSummary,
    /// The quiz result, once a quiz was started.
    pub quiz: Option<QuizResult>,
}

/// What to forget.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ForgetTarget {
    /// An attribute value (e.g. `"Red"`), in `attribute` only or in every attribute.
    pub value: Option<String>,
    /// Restricts `value` to one attribute.
    pub attribute: Option<String>,
    /// An item id: removed from the recent items.
    pub item: Option<String>,
}

impl Engine {
    /// A shopper-facing view of everything learned and stated, at `now_ms`.
    pub fn profile_view(&self, now_ms: f64) -> ProfileView {
        let config = &self.options.profile;
        ProfileView {
            profile: self.profile.summary(now_ms, config, Some(&self.vocabulary)),
            quiz: self
                .quiz
                .is_started()
                .then(|| self.quiz.result(config, &self.options.quiz)),
        }
    }

    /// Forgets an attribute value (in the profile and the quiz answers) and/or an item.
    /// Returns how many entries were removed.
    pub fn forget(&mut self, target: &ForgetTarget) -> usize {
        let mut removed = 0;
        if let Some(value) = &target.value {
            removed += self
                .profile
                .forget_value(target.attribute.as_deref(), value);
            removed += self.quiz.forget_value(target.attribute.as_deref(), value);
            removed += self.memory.forget_value(target.attribute.as_deref(), value);
            self.install_quiz_preferences();
            self.save_quiz();
        }
        if let Some(item) = &target.item {
            removed += self.profile.forget_item(item);
            let group = self.group_attribute().map(str::to_owned);
            removed += self.memory.forget_item(item, group.as_deref());
        }
        self.save_profile();
        self.save_memory();
        removed
    }

    /// Stops learning from events until [`Engine::resume`]; ranking keeps using the profile.
    pub fn pause(&mut self) {
        self.profile.pause();
        self.save_profile();
    }

    /// Learns from events again.
    pub fn resume(&mut self) {
        self.profile.resume();
        self.save_profile();
    }

    /// Forgets everything learned and the quiz answers (the pause choice is kept).
    pub fn reset(&mut self) {
        self.profile.reset();
        self.buffer.clear();
        self.quiz = QuizState::default();
        self.save_profile();
        self.clear_memory();
        if self.profile_loaded {
            let key = self
                .keys
                .doc("quiz", <QuizState as persist::Versioned>::VERSION);
            if let Err(e) = self.store.remove(&key) {
                self.on_write_error(e, &key);
            }
        }
    }

    /// Everything stored under the namespace as one JSON object, key by key, in key order
    /// (data portability): each stored value as it is when it is JSON, else as a string
    /// (quarantined data). What the wasm glue returns.
    pub fn export_json(&self) -> String {
        let prefix = self.keys.prefix();
        let mut keys: Vec<String> = self.store.keys().unwrap_or_default();
        keys.retain(|k| k.starts_with(&prefix));
        crate::collections::sort_by(&mut keys, |a, b| a.cmp(b));
        keys.dedup();
        let quoted = |s: &str| crate::json::quoted(&s);
        let mut out = String::from("{");
        for key in keys {
            let Some(raw) = self.store.get(&key).ok().flatten() else {
                continue;
            };
            if out.len() > 1 {
                out.push(',');
            }
            out.push_str(&quoted(&key));
            out.push(':');
            match crate::json::validate(&raw) {
                Ok(()) => out.push_str(raw.trim()),
                Err(_) => out.push_str(&quoted(&raw)),
            }
        }
        out.push('}');
        out
    }

    /// [`Engine::export_json`] as a map (native callers and tests).
    pub fn export_data(&self) -> BTreeMap<String, serde_json::Value> {
        serde_json::from_str(&self.export_json()).unwrap_or_default()
    }

    /// Starts the quiz from a bank (a catalogue sample array, or a bank file object). A quiz
    /// already in progress on the same bank resumes instead of restarting.
    pub fn quiz_start(&mut self, bank_json: &str, now_ms: f64) -> Result<Progress, Error> {
        let seed = self.rng.next_u64();
        let bank =
            QuestionBank::from_json(bank_json, &self.options.profile, &self.options.quiz, seed)?;
        for product in bank.products() {
            self.vocabulary
                .observe(&product.attributes, &self.options.profile);
        }
        let resumable =
            self.quiz.is_started() && !self.quiz.finished && self.quiz.bank_id == bank.id();
        if !resumable {
            self.quiz = QuizState::start(&bank, &self.options.quiz, seed as u32, now_ms);
        }
        self.bank = Some(bank);
        self.save_quiz();
        Ok(self.quiz.progress())
    }

    /// The next question (highest expected information gain), or `None` when done.
    pub fn quiz_next(&self) -> Result<Option<Question>, Error> {
        let bank = self.bank.as_ref().ok_or(QuizError::NotStarted)?;
        Ok(self.quiz.next_question(bank, &self.options.quiz))
    }

    /// Records an answer; ranking uses it at once.
    pub fn quiz_answer(
        &mut self,
        product_id: &str,
        answer: Answer,
        now_ms: f64,
    ) -> Result<Progress, Error> {
        let bank = self.bank.as_ref().ok_or(QuizError::NotStarted)?;
        let config = &self.options.profile;
        let progress =
            self.quiz
                .answer(bank, product_id, answer, config, &self.options.quiz, now_ms)?;
        self.install_quiz_preferences();
        self.save_quiz();
        Ok(progress)
    }

    /// Changes (`Some`) or removes (`None`) an answer, during or after the quiz.
    pub fn quiz_edit(
        &mut self,
        product_id: &str,
        answer: Option<Answer>,
        now_ms: f64,
    ) -> Result<Progress, Error> {
        let retention = self.options.profile.retention;
        self.quiz.edit(product_id, answer, now_ms, &retention)?;
        self.install_quiz_preferences();
        self.save_quiz();
        Ok(self.quiz.progress())
    }

    /// Ends the quiz early; the answers so far are kept.
    pub fn quiz_finish(&mut self, now_ms: f64) -> Progress {
        let retention = self.options.profile.retention;
        self.quiz.finish(now_ms, &retention);
        self.save_quiz();
        self.quiz.progress()
    }

    /// The quiz result (answers, preferences, top style).
    pub fn quiz_result(&self) -> QuizResult {
        self.quiz.result(&self.options.profile, &self.options.quiz)
    }

    /// Turns the quiz answers into stated preferences the rankers read.
    pub(super) fn install_quiz_preferences(&mut self) {
        let signals = self
            .quiz
            .result(&self.options.profile, &self.options.quiz)
            .signals();
        self.profile
            .set_stated_preferences(signals, &self.options.profile);
        self.save_profile();
    }

    /// Reads the stored profile (migrating older versions, applying retention) and quiz.
    pub(super) fn load_personal_data(&mut self, now_ms: f64) {
        let config = self.options.profile.clone();
        let upgraded = crate::profile::migrate::upgrade_stored(
            self.store.as_mut(),
            &self.keys,
            &config,
            now_ms,
        );
        self.warnings.extend(upgraded);
        match persist::load::<Profile>(self.store.as_mut(), &self.keys, now_ms) {
            Ok(loaded) => {
                self.profile = loaded.value;
                self.profile_writable = loaded.writable;
                self.warnings.extend(loaded.warnings);
            }
            Err(e) => self.fall_back_to_memory(&e),
        }
        self.profile.expire(now_ms, &config);
        let key = Some(self.keys.doc("profile", crate::profile::PROFILE_VERSION));
        for issue in self.profile.take_repairs() {
            self.warnings.push(issue.to_warning(key.clone()));
        }
        // A quiz taken before consent (in memory) wins over an older stored one.
        if !self.quiz.is_started() {
            if let Ok(loaded) = persist::load::<QuizState>(self.store.as_mut(), &self.keys, now_ms)
            {
                self.quiz = loaded.value;
                self.warnings.extend(loaded.warnings);
            }
        }
        if self.quiz.is_started() {
            let signals = self.quiz.result(&config, &self.options.quiz).signals();
            self.profile.set_stated_preferences(signals, &config);
        }
    }

    pub(super) fn save_quiz(&mut self) {
        if !self.profile_loaded || !self.quiz.is_started() {
            return;
        }
        if let Err(e) = persist::save(self.store.as_mut(), &self.keys, &self.quiz) {
            let key = self
                .keys
                .doc("quiz", <QuizState as persist::Versioned>::VERSION);
            self.on_write_error(e, &key);
        }
    }
}
