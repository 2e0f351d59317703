//! `docs/PRIVACY.md`, rendered from the data manifest (never edited by hand).

use std::fmt::Write;

use vitrine::privacy::manifest::Manifest;
use vitrine::privacy::reports::FieldType;

fn field_type(t: &FieldType) -> String {
    match t {
        FieldType::ReportId => "32 hex chars, random".into(),
        FieldType::ReportType => "string, the type".into(),
        FieldType::Day => "`YYYY-MM-DD` (UTC day)".into(),
        FieldType::Epsilon => "number".into(),
        FieldType::Slug => "`[a-z0-9_-]{1,32}`".into(),
        FieldType::LabelIndex { size } => format!("integer 0..{size} (GRR)"),
        FieldType::LabelBits { size } => format!("{size} chars of `0`/`1` (OUE)"),
    }
}

/// Renders the manifest as Markdown.
pub fn render(m: &Manifest) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# What Vitrine stores and what it sends\n");
    let _ = writeln!(s, "Generated from the code by `cargo run -p vitrine-collector --bin vitrine-manifest` (also `npm run manifest`); the machine-readable form is [data-manifest.json](data-manifest.json). A test fails when this file and the code disagree. How the noise works: [PRIVACY-LDP.md](PRIVACY-LDP.md).\n");
    let _ = writeln!(s, "## Consent\n");
    let purposes: Vec<&str> = m.consent.purposes.iter().map(|p| p.as_str()).collect();
    let _ = writeln!(
        s,
        "Purposes: `{}`. Each is **{}** until the site or shopper grants it. Before a decision nothing is written to storage and nothing is sent; up to {} events are kept in memory only, replayed on grant and discarded on deny. Withdrawing `measurement` stops reporting at once and purges queued reports; withdrawing `personalization` erases the profile.\n",
        purposes.join("`, `"), m.consent.default, m.consent.pre_consent_buffer
    );
    let _ = writeln!(s, "Google Consent Mode v2 keys accepted by `setConsent()` (any other key is an error):\n\n| key | Vitrine purpose | why |\n| --- | --- | --- |");
    for e in &m.consent.consent_mode_v2 {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} |",
            e.key,
            e.purpose
                .map_or("none (ignored)".to_owned(), |p| format!("`{}`", p.as_str())),
            e.note
        );
    }
    let list = |v: &[u8]| {
        v.iter()
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let _ = writeln!(
        s,
        "\nIAB TCF v2.2 TC strings: `personalization` needs consent to purposes {}; `measurement` to purposes {} (configurable).\n",
        list(&m.consent.tcf_v2_2.personalization),
        list(&m.consent.tcf_v2_2.measurement)
    );
    let _ = writeln!(s, "## Stored in the browser (`localStorage`)\n\n| key | content | purpose | retention |\n| --- | --- | --- | --- |");
    for e in &m.storage {
        let _ = writeln!(
            s,
            "| `{}` | {} | `{}` | {} |",
            e.key,
            e.content,
            e.purpose.as_str(),
            e.retention
        );
    }
    let _ = writeln!(
        s,
        "\nKeys are shown in the default namespace `vitrine`; sites may configure another.\n"
    );
    let l = &m.limits;
    let _ = writeln!(s, "## Sent\n");
    let _ = writeln!(
        s,
        "Only the report types below, batched as `{{\"reports\":[...]}}`, each report the exact bytes recorded first in the local audit ledger. Every value is noised in the browser with local differential privacy; a browser spends at most ε = {} per UTC day (each report at most {}). Reports are at most {} bytes, at most {} per batch by default, dropped after {} days undelivered. The collector publishes a cell only when it holds at least k = {} reports, and stores no IP address.\n",
        l.daily_epsilon, l.max_epsilon_per_report, l.max_report_bytes, l.max_batch, l.max_report_age_days, l.k_anonymity
    );
    for r in &m.reports {
        let _ = writeln!(
            s,
            "### `{}`\n\n{} Purpose `{}`, `POST {}`, encoding {}, default ε = {}.\n\n| field | type | meaning |\n| --- | --- | --- |",
            r.name, r.description, r.purpose.as_str(), r.endpoint, r.encoding.to_uppercase(), r.default_epsilon
        );
        for f in &r.fields {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} |",
                f.name,
                field_type(&f.ty),
                f.description
            );
        }
        let _ = writeln!(s, "\nLabels: `{}`.\n", r.labels.join("`, `"));
    }
    let _ = writeln!(s, "## Fetched (no data)\n\nRequests that are not reports carry no shopper data: static files only.\n\n| what | method | when | carries |\n| --- | --- | --- | --- |");
    for f in &m.fetches {
        let _ = writeln!(
            s,
            "| {} | `{}` | {} | {} |",
            f.what, f.method, f.when, f.carries
        );
    }
    let _ = writeln!(s);
    let _ = writeln!(
        s,
        "## Audit\n\n`audit()` returns the ledger: time, purpose, report type, exact payload bytes and ε of every report, kept {} days (at most {} entries), and counters of every report not sent (budget exhausted, queue or ledger full, rejected, expired, withdrawn).",
        l.ledger_retention_days, l.ledger_max_entries
    );
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn mentions_every_key_and_report() {
        let m = vitrine::privacy::manifest::build();
        let md = super::render(&m);
        for e in &m.storage {
            assert!(md.contains(&e.key));
        }
        for r in &m.reports {
            assert!(md.contains(&format!("### `{}`", r.name)));
        }
    }
}
