//! The evaluation report: JSON, a Markdown table and an SVG bar chart with 95 % intervals.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::evaluate::{BlockSummary, RANKERS};
use crate::metrics::Estimate;
use crate::protocol::{ProtocolConfig, Window};

/// Everything `eval` writes to `report.json`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// The model file evaluated and its SHA-256.
    pub model: String,
    /// SHA-256 of the model file.
    pub model_sha256: String,
    /// The model's training provenance.
    pub training: serde_json::Value,
    /// The protocol settings.
    pub protocol: ProtocolConfig,
    /// The evaluation windows.
    pub windows: Vec<Window>,
    /// Bootstrap rounds and seed.
    pub bootstrap: BootstrapInfo,
    /// `all`, `rolling`, `final_split` → summary.
    pub blocks: BTreeMap<String, BlockSummary>,
}

/// How intervals were computed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BootstrapInfo {
    /// Resamples (of shopper-windows, paired across rankers).
    pub rounds: usize,
    /// Seed.
    pub seed: u64,
}

fn fmt(e: &Estimate) -> String {
    format!("{:.4} [{:.4}, {:.4}]", e.mean, e.low, e.high)
}

/// The Markdown table.
pub fn markdown(report: &Report) -> String {
    let mut md = String::from("# Offline evaluation\n\n");
    let _ = writeln!(
        md,
        "Model `{}` (sha256 `{}`).\n",
        report.model, report.model_sha256
    );
    let _ = writeln!(
        md,
        "Mean over shopper-windows with 95 % paired-bootstrap intervals ({} resamples). Targets include items the server did not propose.\n",
        report.bootstrap.rounds
    );
    for (name, block) in &report.blocks {
        let _ = writeln!(md, "## {name} ({} shopper-windows)\n", block.cases);
        let _ = writeln!(md, "Candidate recall: {}\n", fmt(&block.candidate_recall));
        md.push_str("| ranker | MAP@12 | NDCG@12 | Recall@12 |\n|---|---|---|---|\n");
        for r in RANKERS {
            if let Some(s) = block.rankers.get(r) {
                let _ = writeln!(
                    md,
                    "| {r} | {} | {} | {} |",
                    fmt(&s.map12),
                    fmt(&s.ndcg12),
                    fmt(&s.recall12)
                );
            }
        }
        let _ = writeln!(
            md,
            "\nModel / best baseline ({}) MAP@12: {}; intervals separate: {}.\n",
            block.best_baseline,
            fmt(&block.ratio_to_best),
            if block.intervals_separate {
                "yes"
            } else {
                "no"
            }
        );
    }
    md
}

/// Reads one metric out of a ranker's summary.
type Pick = fn(&crate::evaluate::RankerSummary) -> &Estimate;

/// A grouped bar chart of MAP@12, NDCG@12 and Recall@12 per ranker and block, with whiskers
/// for the 95 % intervals.
pub fn svg(report: &Report) -> String {
    let colors = ["#8c8c8c", "#e69f00", "#56b4e9", "#009e73", "#d55e00"];
    let metrics: [(&str, Pick); 3] = [
        ("MAP@12", |s| &s.map12),
        ("NDCG@12", |s| &s.ndcg12),
        ("Recall@12", |s| &s.recall12),
    ];
    let blocks: Vec<(&String, &BlockSummary)> = report.blocks.iter().collect();
    let (panel_w, panel_h, top, left) = (300.0, 220.0, 40.0, 50.0);
    let width = left + panel_w * metrics.len() as f64 + 20.0;
    let height = top + (panel_h + 50.0) * blocks.len() as f64 + 40.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    );
    for (i, name) in RANKERS.iter().enumerate() {
        let x = left + i as f64 * 110.0;
        let _ = writeln!(s, "<rect x=\"{x}\" y=\"10\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"20\">{name}</text>", colors[i], x + 16.0);
    }
    for (b, (block_name, block)) in blocks.iter().enumerate() {
        let y0 = top + b as f64 * (panel_h + 50.0);
        for (m, (label, get)) in metrics.iter().enumerate() {
            let x0 = left + m as f64 * panel_w;
            let max = RANKERS
                .iter()
                .filter_map(|r| block.rankers.get(*r))
                .map(|r| get(r).high)
                .fold(1e-9, f64::max);
            let scale = (panel_h - 30.0) / max;
            let base = y0 + panel_h;
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\">{block_name} {label} (n={})</text>",
                x0 + 10.0,
                y0 + 12.0,
                block.cases
            );
            let _ = writeln!(
                s,
                "<line x1=\"{x0}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\" stroke=\"black\"/>",
                x0 + panel_w - 20.0
            );
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{max:.3}</text>",
                x0 - 2.0,
                base - max * scale + 4.0
            );
            for (r, name) in RANKERS.iter().enumerate() {
                let Some(summary) = block.rankers.get(*name) else {
                    continue;
                };
                let e = get(summary);
                let bx = x0 + 15.0 + r as f64 * 52.0;
                let h = e.mean * scale;
                let _ = writeln!(
                    s,
                    "<rect x=\"{bx}\" y=\"{}\" width=\"40\" height=\"{h}\" fill=\"{}\"/>",
                    base - h,
                    colors[r]
                );
                let cx = bx + 20.0;
                let _ = writeln!(
                    s,
                    "<line x1=\"{cx}\" y1=\"{}\" x2=\"{cx}\" y2=\"{}\" stroke=\"black\"/>",
                    base - e.low * scale,
                    base - e.high * scale
                );
                let _ = writeln!(
                    s,
                    "<text x=\"{cx}\" y=\"{}\" text-anchor=\"middle\" font-size=\"9\">{:.3}</text>",
                    base + 12.0,
                    e.mean
                );
            }
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Writes `report.json`, `report.md` and `metrics.svg` into `dir`.
pub fn write(report: &Report, dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_string_pretty(report).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("report.json"), json)?;
    std::fs::write(dir.join("report.md"), markdown(report))?;
    std::fs::write(dir.join("metrics.svg"), svg(report))?;
    Ok(())
}
