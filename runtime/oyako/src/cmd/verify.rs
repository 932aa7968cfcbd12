//! `oyako verify`: loads a bundle exactly as `oyako serve` would, without serving it.

use std::path::PathBuf;
use std::process::ExitCode;

/// The bundle to check.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The bundle directory to check.
    #[arg(long, default_value = "dist")]
    pub bundle: PathBuf,
}

/// Loads the bundle and prints what it holds, or why it cannot be served.
pub fn execute(args: &Args) -> ExitCode {
    let dir = &args.bundle;
    match runtime::load(dir, None) {
        Ok(loaded) => {
            let b = &loaded.bundle;
            eprintln!(
                "{}: ok (format {}, {} pages, {} replies, hash {})",
                dir.display(),
                b.format_version,
                b.pages.len(),
                b.postbacks.len(),
                &b.content_hash[..12.min(b.content_hash.len())]
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: not a usable bundle: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}
