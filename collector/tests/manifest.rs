//! The committed data manifest and PRIVACY.md must be exactly what the code generates.

#[test]
fn committed_docs_match_the_code() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs");
    for (name, generated) in vitrine_collector::manifest_files() {
        let path = docs.join(name);
        let committed = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e}; run `npm run manifest`", path.display()));
        assert!(
            committed == generated,
            "{} differs from what the code declares; run `cargo run -p vitrine-collector --bin vitrine-manifest`",
            path.display()
        );
    }
}
