//! Live reload for `oyako dev`: polls `content/` for changes (a fingerprint of every file's
//! path, size and modification time), rebuilds, and hands a good bundle to the runtime through
//! the same reload path as SIGHUP. A failed build keeps the last good bundle serving and puts
//! the Japanese diagnostics in front of the staff member instead.
//!
//! Polling every 250 ms is simpler and more portable than OS file events and keeps the
//! "saved → reloaded" delay well under a second for a content tree of this size.

use std::path::Path;
use std::time::{Duration, SystemTime};

use compiler::{BuildOptions, Diagnostic, Severity};
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
    /// The same diagnostics one by one, sorted by file and line, for the simulator's list.
    pub diagnostics: Vec<DiagnosticView>,
    /// Content hash of the bundle being served.
    pub hash: String,
    /// Builds so far.
    pub builds: u64,
}

/// One diagnostic as the simulator lists it.
#[derive(Debug, Clone, Serialize)]
pub struct DiagnosticView {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// `エラー` or `警告`, as printed by `oyako check`.
    pub label: &'static str,
    /// `file:line:column`.
    pub place: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl DiagnosticView {
    fn new(d: &Diagnostic) -> Self {
        let (severity, label) = match d.severity {
            Severity::Error => ("error", "エラー"),
            Severity::Warning => ("warning", "警告"),
        };
        DiagnosticView {
            severity,
            label,
            place: format!("{}:{}:{}", d.file.display(), d.line, d.column),
            message: d.message.clone(),
            hint: d.hint.clone(),
        }
    }
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
            let warnings = report.warnings.sorted();
            let message: Vec<String> = warnings.iter().map(|d| d.to_string()).collect();
            BuildStatus {
                ok: true,
                message: message.join("\n"),
                diagnostics: warnings.iter().map(DiagnosticView::new).collect(),
                hash: report.content_hash,
                builds,
            }
        }
        Err(diags) => {
            let all = diags.sorted();
            let n = all.iter().filter(|d| d.severity == Severity::Error).count();
            let mut text: Vec<String> = all.iter().map(|d| d.to_string()).collect();
            text.push(format!("エラーが {n} 件あります。直すまで前の版を表示しています。"));
            BuildStatus {
                ok: false,
                message: text.join("\n"),
                diagnostics: all.iter().map(DiagnosticView::new).collect(),
                hash: prev.hash.clone(),
                builds,
            }
        }
    }
}
