//! Live reload for `oyako dev`: polls `content/` for changes (a fingerprint of every file's
//! path, size and modification time), rebuilds, and hands a good bundle to the runtime through
//! the same reload path as SIGHUP. A failed build keeps the last good bundle serving and puts
//! the Japanese diagnostics in front of the staff member instead.
//!
//! Polling every 250 ms is simpler and more portable than OS file events and keeps the
//! "saved → reloaded" delay well under a second for a content tree of this size.

use std::path::Path;
use std::time::{Duration, SystemTime};

use compiler::BuildOptions;
use serde::Serialize;
use walkdir::WalkDir;

/// How often `content/` is looked at.
pub const POLL: Duration = Duration::from_millis(250);

/// What the simulator shows about the last build.
#[derive(Debug, Clone, Default, Serialize)]
pub struct BuildStatus {
    /// The last build succeeded.
    pub ok: bool,
    /// Diagnostics of the last build (errors and warnings), as printed by `oyako build`.
    pub message: String,
    /// Content hash of the bundle being served.
    pub hash: String,
    /// Builds so far.
    pub builds: u64,
}

/// A cheap summary of the content tree; two equal fingerprints mean nothing changed.
pub fn fingerprint(dir: &Path) -> Vec<(String, u64, Option<SystemTime>)> {
    WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((e.path().to_string_lossy().into_owned(), meta.len(), meta.modified().ok()))
        })
        .collect()
}

/// Builds the bundle and describes the outcome; `prev` carries the counters forward.
pub fn rebuild(opts: &BuildOptions, prev: &BuildStatus) -> BuildStatus {
    let builds = prev.builds + 1;
    match compiler::build(opts) {
        Ok(report) => {
            let warnings: Vec<String> =
                report.warnings.sorted().iter().map(|d| d.to_string()).collect();
            BuildStatus {
                ok: true,
                message: warnings.join("\n"),
                hash: report.content_hash,
                builds,
            }
        }
        Err(diags) => {
            let n = diags.error_count();
            let mut text: Vec<String> = diags.sorted().iter().map(|d| d.to_string()).collect();
            text.push(format!("エラーが {n} 件あります。直すまで前の版を表示しています。"));
            BuildStatus { ok: false, message: text.join("\n"), hash: prev.hash.clone(), builds }
        }
    }
}
