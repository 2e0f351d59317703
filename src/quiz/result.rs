//! The quiz result: stated preferences for the ranker and the shopper's own review.

use serde::Serialize;

use super::state::{Answer, AnsweredQuestion, QuizState};
use super::QuizConfig;
use crate::collections;
use crate::profile::{ProfileConfig, PRICE_BAND};

/// One stated preference.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Preference {
    /// The attribute (e.g. `colour`, or `priceBand`).
    pub attribute: String,
    /// The value (e.g. `Black`).
    pub value: String,
    /// In [−1, 1]: the posterior mean mapped to `2μ − 1` (0 = no opinion).
    pub weight: f64,
    /// Likes of products with this value.
    pub likes: u32,
    /// Dislikes of products with this value.
    pub dislikes: u32,
    /// Skips of products with this value.
    pub skips: u32,
}

/// The liked product that best sums up the answers.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TopStyle {
    /// The product.
    pub product_id: String,
    /// Its name.
    pub name: Option<String>,
    /// Its image.
    pub image: Option<String>,
    /// The strongest liked values, e.g. `"Black · Dress · Basics"`.
    pub headline: String,
}

/// What the quiz learned; zero-party data the shopper can review and edit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct QuizResult {
    /// The bank answered from.
    pub bank_id: String,
    /// No more questions will be asked.
    pub finished: bool,
    /// Confidence as of the last answer.
    pub confidence: f64,
    /// The answers (sensitive values never appear).
    pub answers: Vec<AnsweredQuestion>,
    /// Preferences, strongest like first, strongest dislike last.
    pub preferences: Vec<Preference>,
    /// The top style answer, once something was liked.
    pub top_style: Option<TopStyle>,
}

impl QuizState {
    /// The result of the answers so far.
    pub fn result(&self, profile: &ProfileConfig, quiz: &QuizConfig) -> QuizResult {
        let post = self.posterior(quiz);
        let mut preferences = Vec::new();
        for (feature, counts) in post.observed() {
            let (attribute, value) = feature;
            if profile.is_sensitive_value(value) {
                continue;
            }
            let weight = 2.0 * post.of(feature).mean() - 1.0;
            if weight != 0.0 {
                preferences.push(Preference {
                    attribute: attribute.clone(),
                    value: value.clone(),
                    weight,
                    likes: counts.likes,
                    dislikes: counts.dislikes,
                    skips: counts.skips,
                });
            }
        }
        collections::sort_by(&mut preferences, |a, b| {
            b.weight
                .total_cmp(&a.weight)
                .then_with(|| a.attribute.cmp(&b.attribute))
                .then_with(|| a.value.cmp(&b.value))
        });
        let mut answers = Vec::new();
        for a in &self.answers {
            if !a
                .features
                .iter()
                .any(|(_, v)| profile.is_sensitive_value(v))
            {
                answers.push(a.clone());
            }
        }
        let top_style = top_style(&answers, &preferences);
        QuizResult {
            bank_id: self.bank_id.clone(),
            finished: self.finished,
            confidence: self.confidence,
            answers,
            preferences,
            top_style,
        }
    }
}

fn top_style(answers: &[AnsweredQuestion], preferences: &[Preference]) -> Option<TopStyle> {
    let weight = |a: &str, v: &str| {
        preferences
            .iter()
            .find(|p| p.attribute == a && p.value == v)
            .map_or(0.0, |p| p.weight)
    };
    // First liked product with the highest summed preference weight (earlier wins ties).
    let mut best: Option<(f64, &AnsweredQuestion)> = None;
    for a in answers {
        if a.answer != Answer::Like {
            continue;
        }
        let mut sum = -0.0;
        for (n, v) in &a.features {
            sum += weight(n, v);
        }
        if !best.is_some_and(|b| b.0 >= sum) {
            best = Some((sum, a));
        }
    }
    let best = best?.1;
    let mut liked: Vec<&Preference> = Vec::new();
    for p in preferences {
        if p.weight > 0.0
            && p.attribute != PRICE_BAND
            && best
                .features
                .iter()
                .any(|(a, v)| *a == p.attribute && *v == p.value)
        {
            liked.push(p);
        }
    }
    collections::sort_by(&mut liked, |a, b| b.weight.total_cmp(&a.weight));
    // The three strongest distinct values.
    let mut used: Vec<&str> = Vec::new();
    let mut headline = String::new();
    for p in liked {
        if used.len() == 3 {
            break;
        }
        if used.contains(&p.value.as_str()) {
            continue;
        }
        if !used.is_empty() {
            headline.push_str(" · ");
        }
        headline.push_str(&p.value);
        used.push(&p.value);
    }
    Some(TopStyle {
        product_id: best.product_id.clone(),
        name: best.name.clone(),
        image: best.image.clone(),
        headline,
    })
}

impl QuizResult {
    /// The preferences as `(attribute, value, weight in [−1, 1])` signals, ready for
    /// [`crate::profile::Profile::set_stated_preferences`].
    pub fn signals(&self) -> Vec<(String, String, f64)> {
        let mut out = Vec::with_capacity(self.preferences.len());
        for p in &self.preferences {
            out.push((p.attribute.clone(), p.value.clone(), p.weight));
        }
        out
    }

    /// Plain-language sentences for the profile view.
    pub fn sentences(&self) -> Vec<String> {
        let named = |p: &&Preference| p.attribute != PRICE_BAND;
        let likes: Vec<&str> = self
            .preferences
            .iter()
            .filter(|p| p.weight > 0.0)
            .filter(named)
            .take(5)
            .map(|p| p.value.as_str())
            .collect();
        let dislikes: Vec<&str> = self
            .preferences
            .iter()
            .rev()
            .filter(|p| p.weight < 0.0)
            .filter(named)
            .take(5)
            .map(|p| p.value.as_str())
            .collect();
        let mut out = Vec::new();
        if let Some(style) = self.top_style.as_ref().filter(|s| !s.headline.is_empty()) {
            out.push(format!("Your style quiz says: {}.", style.headline));
        }
        if !likes.is_empty() {
            out.push(format!("You told us you like {}.", likes.join(", ")));
        }
        if !dislikes.is_empty() {
            out.push(format!(
                "You told us {} is not for you.",
                dislikes.join(", ")
            ));
        }
        out
    }
}
