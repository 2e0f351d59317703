//! The dashboard: server-rendered HTML with inline SVG bar charts. No script at all and no
//! inline style, so it works under `default-src 'self'; script-src 'self'`; the stylesheet
//! is a separate file (`dashboard.css`, relative, so it also works under `/collect/`).

use std::fmt::Write;

use crate::aggregate::{Aggregate, Aggregates};

/// The stylesheet served at `dashboard.css`.
pub const CSS: &str =
    "body{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#222;max-width:60rem}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.5rem 0 .3rem}
.meta{color:#666;font-size:.85rem}svg{display:block}
svg text{font-size:12px;fill:#222}svg .bar{fill:#3b6ea8}svg .err{stroke:#222;stroke-width:1}
.empty{color:#666;font-style:italic}
";

const BAR_WIDTH: f64 = 420.0;
const ROW: f64 = 20.0;
const LABEL_WIDTH: f64 = 160.0;

fn escape(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '&' => "&amp;".into(),
            '"' => "&quot;".into(),
            '\'' => "&#39;".into(),
            c => c.to_string(),
        })
        .collect()
}

/// One cell as an SVG chart: the display share per label, with a ±2 standard-error bar.
fn chart(cell: &Aggregate) -> String {
    let height = ROW * cell.labels.len() as f64 + 4.0;
    let width = LABEL_WIDTH + BAR_WIDTH + 70.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-label=\"{} by label\">",
        escape(cell.kind)
    );
    let n = cell.reports.max(1) as f64;
    for (i, l) in cell.labels.iter().enumerate() {
        let y = i as f64 * ROW + 2.0;
        let w = (l.share * BAR_WIDTH).max(0.0);
        let err = 2.0 * l.std_error / n * BAR_WIDTH;
        let centre = LABEL_WIDTH + (l.estimate / n).clamp(0.0, 1.0) * BAR_WIDTH;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{ty}\">{label}</text><rect class=\"bar\" x=\"{LABEL_WIDTH}\" y=\"{y}\" width=\"{w:.1}\" height=\"{bh}\"/>\
<line class=\"err\" x1=\"{x1:.1}\" x2=\"{x2:.1}\" y1=\"{ly}\" y2=\"{ly}\"/><text x=\"{tx}\" y=\"{ty}\">{pct:.1}%</text>",
            ty = y + 13.0,
            label = escape(l.label),
            bh = ROW - 6.0,
            x1 = (centre - err).max(LABEL_WIDTH),
            x2 = (centre + err).min(LABEL_WIDTH + BAR_WIDTH),
            ly = y + (ROW - 6.0) / 2.0,
            tx = LABEL_WIDTH + BAR_WIDTH + 8.0,
            pct = l.share * 100.0,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The whole page.
pub fn render(aggregates: &Aggregates) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vitrine collector</title>\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><link rel=\"stylesheet\" href=\"dashboard.css\"></head><body>\
<h1>Vitrine: aggregated, locally noised reports</h1>",
    );
    let _ = write!(
        html,
        "<p class=\"meta\">Estimates are de-biased from ε-local-differentially-private reports. Cells with fewer than {} reports are withheld ({} withheld). Bars show the estimated share; lines span ±2 standard errors. <a href=\"aggregates\">JSON</a></p>",
        aggregates.k, aggregates.suppressed
    );
    if aggregates.cells.is_empty() {
        html.push_str("<p class=\"empty\">No cell has enough reports yet.</p>");
    }
    for cell in &aggregates.cells {
        let experiment = cell
            .experiment
            .as_deref()
            .map(|e| format!(" · experiment {}", escape(e)))
            .unwrap_or_default();
        let _ = write!(
            html,
            "<section><h2>{} · {}{}</h2><p class=\"meta\">{} reports · ε = {} · {}</p>{}</section>",
            escape(cell.kind),
            escape(&cell.day),
            experiment,
            cell.reports,
            cell.epsilon,
            cell.encoding.to_uppercase(),
            chart(cell)
        );
    }
    html.push_str("</body></html>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::LabelEstimate;

    #[test]
    fn renders_charts_without_script_or_inline_style() {
        let a = Aggregates {
            k: 50,
            suppressed: 2,
            cells: vec![Aggregate {
                kind: "experiment",
                day: "2025-03-14".into(),
                epsilon: 0.25,
                experiment: Some("<x>".into()),
                encoding: "oue",
                reports: 100,
                labels: vec![LabelEstimate {
                    label: "a:click",
                    estimate: 40.0,
                    std_error: 5.0,
                    share: 0.4,
                }],
            }],
        };
        let html = render(&a);
        assert!(html.contains("<svg") && html.contains("width=\"168.0\""));
        assert!(html.contains("&lt;x&gt;"));
        assert!(!html.contains("<script") && !html.contains("style="));
        assert!(render(&Aggregates {
            k: 50,
            suppressed: 0,
            cells: vec![]
        })
        .contains("No cell"));
    }
}
