//! The build pipeline: content → checked site → replies → validated bundle on disk.
//!
//! Every stage reports into one [`Diagnostics`]; nothing is written unless the whole build is
//! clean, and then it is written atomically (see [`bundle::write`]).

mod assemble;
mod days;
mod quick;
mod reach;

use std::path::PathBuf;

use crate::content::{self, LoadOptions};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub use assemble::Output;
pub use jiff::civil::Date;
#[cfg(test)]
pub(crate) use reach::postbacks;

/// Where to read and write, and what "today" is (for `expires`).
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The `content/` directory.
    pub content_dir: PathBuf,
    /// The bundle directory to write (`dist/`).
    pub out_dir: PathBuf,
    /// Pages that expired before this day are left out.
    pub today: Date,
}

/// What a successful build produced.
#[derive(Debug)]
pub struct BuildReport {
    /// Pages in the bundle.
    pub pages: usize,
    /// Sections in the bundle (root included).
    pub sections: usize,
    /// Replies keyed by postback.
    pub replies: usize,
    /// Size of `bundle.json` and `replies.lz4` in bytes.
    pub manifest_bytes: usize,
    /// Content hash.
    pub content_hash: String,
    /// The days with day-dependent replies (first, last) and how many distinct replies they
    /// took, when the content has schedules or events.
    pub calendar: Option<(Date, Date, usize)>,
    /// Warnings (the build still succeeded).
    pub warnings: Diagnostics,
}

/// Builds the bundle and writes it to `opts.out_dir`.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    let (out, report) = compile(opts)?;
    write(&out, &opts.out_dir)?;
    Ok(report)
}

/// Writes a compiled bundle to `dir` atomically, with a Japanese diagnostic on failure.
pub fn write(out: &Output, dir: &std::path::Path) -> Result<(), Diagnostics> {
    let _phase = crate::phases::start("write");
    out.write(dir).map_err(|e| {
        let mut d = Diagnostics::default();
        let reason = match &e {
            bundle::BundleError::Io { source, .. } => crate::diagnostics::io_reason(source),
            _ => "書き込みに失敗しました",
        };
        d.push(
            Diagnostic::error(dir, (1, 1), format!("出力を書き込めません（{reason}）"))
                .with_hint("--out のフォルダが書き込めるか、ディスクの空きを確かめてください"),
        );
        d
    })
}

/// Checks the content without writing anything (printables are laid out, so text that does
/// not fit is still reported, but not drawn).
pub fn check(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    compile_as(opts, Files::Skip).map(|(_, report)| report)
}

/// Runs every stage and returns the bundle in memory.
///
/// Every check runs on whatever could be loaded, so one run reports every mistake it can
/// find (see [`content::load`]); the bundle is only assembled when there is no error.
pub fn compile(opts: &BuildOptions) -> Result<(Output, BuildReport), Diagnostics> {
    compile_as(opts, Files::Make)
}

/// Whether build output that only people look at (the printables' PDFs and PNGs) is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Files {
    /// Made (a build).
    Make,
    /// Skipped (a check: the same diagnostics, less work).
    Skip,
}

fn compile_as(opts: &BuildOptions, files: Files) -> Result<(Output, BuildReport), Diagnostics> {
    let dir = &opts.content_dir;
    let phase = crate::phases::start("load");
    let (mut site, mut diags) = content::load(dir, &LoadOptions { today: opts.today });
    drop(phase);
    let phase = crate::phases::start("resolve");
    crate::resolve::resolve_site(&mut site, dir, &mut diags);
    drop(phase);
    let phase = crate::phases::start("check");
    crate::access::check_content(&site, &mut diags);
    drop(phase);
    let Some(out) = assemble::assemble(&site, dir, files, &mut diags) else {
        return Err(diags);
    };
    if diags.has_errors() {
        return Err(diags);
    }
    let warnings = diags;
    let report = BuildReport {
        pages: site.pages.len(),
        sections: site.sections.len(),
        replies: out.bundle.postbacks.len(),
        manifest_bytes: out.manifest.len() + out.bundle.replies.len(),
        content_hash: out.bundle.content_hash.clone(),
        calendar: out.bundle.calendar.as_ref().map(|c| (c.first_day, c.last_day(), c.blobs.len())),
        warnings,
    };
    Ok((out, report))
}
