//! Which declared reports the engine derives from local state, and the transport hand-off.
//!
//! `engagement` and `lifecycle` are submitted at most once per UTC day, `experiment` once per
//! (experiment, day) and `quiz` once per quiz (docs/PRIVACY-LDP.md, "What the engine
//! reports"); none is derived from a guarded event. The transport (JS) asks for a
//! batch with [`Engine::next_report_batch`], posts it, and hands the HTTP status back with
//! [`Engine::settle_reports`]; the ledger holds every payload before it can leave.

use serde::Serialize;

use super::measure::Funnel;
use super::Engine;
use crate::event::{Event, EventKind};
use crate::privacy::queue::DeliveryOutcome;
use crate::privacy::reporting::Audit;
use crate::privacy::reports::{Report, ReportKind};
use crate::privacy::wire::Day;
use crate::privacy::Purpose;
use crate::privacy::{style, vocab};
use crate::profile::activity::Segment;

/// Engagement events needed in a day before its engagement report is worth its ε.
pub const MIN_ENGAGEMENT_EVENTS: u32 = 3;

/// Today's engagement per coarse category (memory only; measurement consent required).
#[derive(Debug, Clone, Default)]
pub struct DailyEngagement {
    day: Option<Day>,
    counts: Vec<f64>,
    events: u32,
}

/// A batch ready to post: `POST endpoint` with `body` as `text/plain`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutgoingBatch {
    /// Where to post it.
    pub endpoint: String,
    /// The exact request body (also in the ledger, payload by payload).
    pub body: String,
    /// Report ids to settle after the attempt.
    pub ids: Vec<String>,
}

impl Engine {
    pub(super) fn count_engagement(&mut self, event: &Event) {
        if !self.consent.allows(Purpose::Measurement)
            || self.options.profile.is_sensitive(&event.attributes)
        {
            // No report is ever derived from a guarded (sensitive) event.
            return;
        }
        self.observe_funnel(event);
        let weight = match event.kind {
            EventKind::View | EventKind::Dwell => 1.0,
            EventKind::Click => 2.0,
            EventKind::AddToCart => 4.0,
            EventKind::Purchase => 8.0,
            _ => return,
        };
        let Some(product_type) = event.attributes.get("productType") else {
            return;
        };
        let day = Day::from_ms(event.at_ms);
        let today = &mut self.engagement;
        if today.day != Some(day) {
            *today = DailyEngagement {
                day: Some(day),
                counts: vec![0.0; vocab::CATEGORIES.len()],
                events: 0,
            };
        }
        let category = vocab::coarse_category(product_type) as usize;
        if let Some(slot) = today.counts.get_mut(category) {
            *slot += weight;
            today.events += 1;
        }
    }

    /// Submits the reports due today (each type once a day), then returns the next batch to
    /// post, if measurement is granted and a delivery attempt is due.
    pub fn next_report_batch(&mut self, now_ms: f64) -> Option<OutgoingBatch> {
        if !self.consent.allows(Purpose::Measurement) {
            return None;
        }
        self.submit_due_reports(now_ms);
        let batch = self
            .reporting
            .next_batch(&self.consent, now_ms, self.store.as_mut())?;
        Some(OutgoingBatch {
            endpoint: self.reporting.config().endpoint.clone(),
            body: batch.body,
            ids: batch.ids,
        })
    }

    /// Records how a posted batch went: HTTP `status` (0 for a network error) and an optional
    /// `Retry-After` in seconds.
    pub fn settle_reports(
        &mut self,
        ids: &[String],
        status: u16,
        retry_after_s: Option<f64>,
        now_ms: f64,
    ) {
        let outcome = DeliveryOutcome::from_status(status, retry_after_s);
        self.reporting
            .settle(ids, outcome, now_ms, &mut self.rng, self.store.as_mut());
    }

    /// Everything sent or dropped, and ε spent: the audit ledger.
    pub fn audit(&self, now_ms: f64) -> Audit {
        self.reporting.audit(now_ms)
    }

    /// Submits what is due, in priority order (engagement, experiment days, quiz,
    /// lifecycle). A report whose ε no longer fits today's budget is not submitted (so it is
    /// not dropped): the experiment and quiz reports wait for a later day, lifecycle is
    /// simply not sent that day.
    fn submit_due_reports(&mut self, now_ms: f64) {
        let today = Day::from_ms(now_ms);
        let audit = self.reporting.audit(now_ms);
        let (mut engagement_sent, mut lifecycle_sent) = (false, false);
        for e in &audit.entries {
            if Day::from_ms(e.at_ms) == today {
                engagement_sent |= e.report_type == ReportKind::Engagement;
                lifecycle_sent |= e.report_type == ReportKind::Lifecycle;
            }
        }
        let mut remaining = ((audit.daily_epsilon - audit.epsilon_spent_today) * 1000.0).round();
        let mut send = |engine: &mut Engine, report: Report| -> bool {
            let Ok(epsilon) = engine.reporting.config().epsilon_for(report.kind) else {
                return false;
            };
            let cost = f64::from(epsilon.milli());
            if cost > remaining {
                return false;
            }
            // Refusals (queue, ledger) are recorded as drops by `submit`.
            let sent = engine
                .reporting
                .submit(
                    &engine.consent,
                    &report,
                    now_ms,
                    &mut engine.rng,
                    engine.store.as_mut(),
                )
                .is_ok();
            if sent {
                remaining -= cost;
            }
            sent
        };
        if !engagement_sent
            && self.engagement.day == Some(today)
            && self.engagement.events >= MIN_ENGAGEMENT_EVENTS
        {
            let counts = self.engagement.counts.clone();
            if let Some(index) = vocab::sample_category(&counts, &mut self.rng) {
                let label = vocab::CATEGORIES[index as usize];
                if let Ok(report) = Report::new(ReportKind::Engagement, today, label, None) {
                    send(self, report);
                }
            }
        }
        // Days past the report age can no longer be sent: forget them.
        self.measure.prune(now_ms);
        for i in 0..self.measure.days.len() {
            let record = &self.measure.days[i];
            let finished = record.day < today || record.deepest == Funnel::Purchase;
            if record.reported || !finished {
                continue;
            }
            let label = format!("{}:{}", record.arm.as_str(), record.deepest.as_str());
            let report = Report::new(
                ReportKind::Experiment,
                record.day,
                &label,
                Some(&record.name),
            );
            if report.is_ok_and(|r| send(self, r)) {
                self.measure.days[i].reported = true;
                self.save_measurement();
            }
        }
        if let Some(label) = self.quiz_outcome(today) {
            let report = Report::new(ReportKind::Quiz, today, label, None);
            if report.is_ok_and(|r| send(self, r)) {
                self.measure.quiz_reported = Some(self.quiz.started_ms);
                self.save_measurement();
            }
        }
        if !lifecycle_sent && self.consent.allows(Purpose::Personalization) {
            if let Some(label) = self.lifecycle_label(now_ms) {
                if let Ok(report) = Report::new(ReportKind::Lifecycle, today, label, None) {
                    send(self, report);
                }
            }
        }
    }

    /// The quiz report due on `today`, if any: the style of a completed quiz
    /// ([`style::quiz_style`] over the liked, unguarded values), or `abandoned` for a quiz
    /// last answered on an earlier day and still not complete. Each quiz (identified by its
    /// start time) is reported at most once.
    fn quiz_outcome(&self, today: Day) -> Option<&'static str> {
        let quiz = &self.quiz;
        if !quiz.is_started() || self.measure.quiz_reported == Some(quiz.started_ms) {
            return None;
        }
        if !quiz.finished {
            let last = quiz.updated_ms.max(quiz.started_ms);
            return (Day::from_ms(last) < today).then_some("abandoned");
        }
        // The result already leaves out every guarded (sensitive) value and answer.
        let result = quiz.result(&self.options.profile, &self.options.quiz);
        let liked = result
            .preferences
            .iter()
            .filter(|p| p.likes > 0)
            .map(|p| (p.value.as_str(), p.weight));
        Some(style::quiz_style(liked))
    }

    /// Whether the shopper left a cart: the latest unguarded add-to-cart among the recent
    /// items is from a session that has ended (older than the session gap) and no purchase
    /// came after it.
    fn left_a_cart(&self, now_ms: f64) -> bool {
        let config = &self.options.profile;
        let Some(added) = self
            .profile
            .recent
            .iter()
            .rev()
            .find(|r| r.kind == EventKind::AddToCart && !r.sensitive)
        else {
            return false;
        };
        let bought_after = self
            .profile
            .activity
            .last_purchase_ms
            .is_some_and(|p| p >= added.at_ms);
        !bought_after && added.at_ms + config.session_gap_ms() < now_ms
    }

    /// The report vocabulary's lifecycle label for the current profile: the profile's
    /// recency segment, refined by purchase frequency (RFM), never anything finer.
    fn lifecycle_label(&self, now_ms: f64) -> Option<&'static str> {
        if self.profile.event_count == 0 {
            return None;
        }
        let activity = &self.profile.activity;
        Some(match self.profile.segment(now_ms, &self.options.profile) {
            Segment::Lapsed | Segment::Lapsing => "lapsed",
            _ if self.left_a_cart(now_ms) => "cart_abandoner",
            _ if activity.purchases >= 2 => "repeat_customer",
            _ if activity.purchases == 1 => "customer",
            Segment::New => "new",
            Segment::Active if activity.sessions >= 3 => "engaged",
            Segment::Active => "browsing",
        })
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "report_tests.rs"]
mod tests;
