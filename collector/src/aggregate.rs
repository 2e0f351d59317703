//! De-biased aggregates, published only for cells with at least k reports.

use serde::Serialize;
use vitrine::privacy::ldp;

use crate::store::CellCounts;

/// One label's estimate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelEstimate {
    /// The label.
    pub label: &'static str,
    /// Unbiased estimate of how many reports had this true label (may be negative).
    pub estimate: f64,
    /// Its standard error.
    pub std_error: f64,
    /// Share for display: negative estimates clamped to zero, normalised.
    pub share: f64,
}

/// One published cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Aggregate {
    /// Report type.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Day, `YYYY-MM-DD`.
    pub day: String,
    /// ε of the reports.
    pub epsilon: f64,
    /// Experiment name, when the type has one.
    pub experiment: Option<String>,
    /// LDP encoding.
    pub encoding: &'static str,
    /// Reports in the cell.
    pub reports: u64,
    /// Per-label estimates.
    pub labels: Vec<LabelEstimate>,
}

/// What `/aggregates` serves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Aggregates {
    /// The k threshold in force.
    pub k: u64,
    /// Cells with at least k reports.
    pub cells: Vec<Aggregate>,
    /// How many cells were withheld for having fewer than k reports.
    pub suppressed: usize,
}

/// De-biases one cell.
pub fn estimate(cell: &CellCounts) -> Aggregate {
    let schema = cell.kind.schema();
    let epsilon = f64::from(cell.epsilon_milli) / 1000.0;
    let d = schema.labels.len();
    let estimates = ldp::estimate_counts(schema.encoding, &cell.supports, cell.n, epsilon);
    let shares = ldp::clamped_shares(&estimates);
    let se = ldp::count_std_error(schema.encoding, d, cell.n, epsilon);
    Aggregate {
        kind: schema.name,
        day: cell.day.to_string(),
        epsilon,
        experiment: schema.has_experiment.then(|| cell.experiment.clone()),
        encoding: schema.encoding.as_str(),
        reports: cell.n,
        labels: schema
            .labels
            .iter()
            .zip(estimates.iter().zip(&shares))
            .map(|(label, (estimate, share))| LabelEstimate {
                label,
                estimate: *estimate,
                std_error: se,
                share: *share,
            })
            .collect(),
    }
}

/// Publishes the cells with at least `k` reports.
pub fn publish(cells: &[CellCounts], k: u64) -> Aggregates {
    let (published, withheld): (Vec<&CellCounts>, Vec<&CellCounts>) =
        cells.iter().partition(|c| c.n >= k);
    Aggregates {
        k,
        cells: published.into_iter().map(estimate).collect(),
        suppressed: withheld.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vitrine::privacy::reports::ReportKind;
    use vitrine::privacy::wire::Day;

    fn cell(n: u64) -> CellCounts {
        CellCounts {
            kind: ReportKind::Lifecycle,
            day: Day(20_000),
            epsilon_milli: 500,
            experiment: String::new(),
            n,
            supports: vec![n / 7; 7],
        }
    }

    #[test]
    fn small_cells_are_withheld() {
        let out = publish(&[cell(49), cell(50)], 50);
        assert_eq!(out.suppressed, 1);
        assert_eq!(out.cells.len(), 1);
        assert_eq!(out.cells[0].reports, 50);
        assert_eq!(out.cells[0].experiment, None);
        assert_eq!(out.cells[0].labels.len(), 7);
    }
}
