//! `vitrine-manifest`: writes `docs/data-manifest.json` and `docs/PRIVACY.md` from the code's
//! declarations; `--check` only compares and fails when they differ.

use std::path::PathBuf;

use clap::Parser;

/// Command-line options.
#[derive(Debug, Parser)]
#[command(
    name = "vitrine-manifest",
    about = "Generate the Vitrine data manifest and PRIVACY.md"
)]
struct Args {
    /// Output directory.
    #[arg(long, default_value = "docs")]
    out_dir: PathBuf,
    /// Compare instead of writing; exit 1 when a file differs.
    #[arg(long)]
    check: bool,
}

fn main() {
    let args = Args::parse();
    let mut stale = Vec::new();
    for (name, content) in vitrine_collector::manifest_files() {
        let path = args.out_dir.join(name);
        if args.check {
            if std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str()) {
                stale.push(path.display().to_string());
            }
            continue;
        }
        if let Err(e) =
            std::fs::create_dir_all(&args.out_dir).and_then(|()| std::fs::write(&path, content))
        {
            eprintln!("vitrine-manifest: cannot write {}: {e}", path.display());
            std::process::exit(1);
        }
        println!("wrote {}", path.display());
    }
    if !stale.is_empty() {
        eprintln!(
            "vitrine-manifest: out of date: {} (run `npm run manifest`)",
            stale.join(", ")
        );
        std::process::exit(1);
    }
}
