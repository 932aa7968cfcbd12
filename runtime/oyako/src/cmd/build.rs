//! `oyako build` and `oyako check`: content → bundle, with the diagnostics in Japanese.
//!
//! Errors fail the build and nothing is written. Warnings (`警告`) are printed and the build
//! goes on, except with `--strict`, which the content workflow uses on pull requests so that
//! a warning is fixed before it is merged.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use compiler::{BuildOptions, BuildReport, Diagnostics};

/// Where to read content and write the bundle.
#[derive(Debug, clap::Args)]
#[group(id = "build_args")]
pub struct Args {
    /// The content directory.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The bundle directory to write.
    #[arg(long = "out", default_value = "dist")]
    out: PathBuf,
    /// Treat this day (YYYY-MM-DD, Japan) as today for `expires` (default: today in Japan).
    #[arg(long)]
    today: Option<jiff::civil::Date>,
    /// Fail on warnings too (nothing is written): for pull requests.
    #[arg(long)]
    strict: bool,
}

impl Args {
    /// The compiler's options for these arguments.
    pub fn options(self) -> BuildOptions {
        BuildOptions {
            content_dir: self.content,
            out_dir: self.out,
            today: self.today.unwrap_or_else(bundle::japan::today),
        }
    }
}

/// `oyako build`: builds and writes the bundle (not with `--strict` and warnings).
pub fn build(args: Args) -> ExitCode {
    let start = Instant::now();
    let strict = args.strict;
    let opts = args.options();
    let result = compiler::compile(&opts).and_then(|(out, report)| {
        if strict && !report.warnings.is_empty() {
            return Err(report.warnings);
        }
        compiler::write(&out, &opts.out_dir).map(|()| report)
    });
    report(result, "書き出しました", strict, start)
}

/// `oyako check`: builds in memory and writes nothing.
pub fn check(args: Args) -> ExitCode {
    let start = Instant::now();
    let strict = args.strict;
    let result = compiler::check(&args.options()).and_then(|report| {
        if strict && !report.warnings.is_empty() {
            return Err(report.warnings);
        }
        Ok(report)
    });
    report(result, "問題はありません", strict, start)
}

fn report(
    result: Result<BuildReport, Diagnostics>,
    verb: &str,
    strict: bool,
    start: Instant,
) -> ExitCode {
    match result {
        Ok(report) => {
            let warnings = report.warnings.sorted();
            for w in &warnings {
                eprintln!("{w}");
            }
            let warnings = warnings.len();
            if warnings > 0 {
                eprintln!(
                    "警告が {warnings} 件あります。ビルドはできますが、直してください（--strict ではエラーになります）。"
                );
            }
            eprintln!(
                "{verb}: ページ {} / セクション {} / 返信 {}（{} バイト、{:.0} ms）ハッシュ {}",
                report.pages,
                report.sections,
                report.replies,
                report.manifest_bytes,
                start.elapsed().as_secs_f64() * 1000.0,
                &report.content_hash[..12.min(report.content_hash.len())],
            );
            if let Some((first, last, distinct)) = report.calendar {
                eprintln!("日付で変わる返信: {first}〜{last} の分（{distinct} 種類）");
            }
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let all = diags.sorted();
            let errors = all.iter().filter(|d| d.severity == compiler::Severity::Error).count();
            let warnings = all.len() - errors;
            for d in &all {
                eprintln!("{d}");
            }
            let summary = match (errors, warnings) {
                (0, w) if strict => format!(
                    "警告が {w} 件あります。--strict のため、警告もエラーとして扱いました。"
                ),
                (e, 0) => format!("エラーが {e} 件あります。"),
                (e, w) => format!("エラーが {e} 件、警告が {w} 件あります。"),
            };
            eprintln!("{summary}何も書き出していません。");
            ExitCode::FAILURE
        }
    }
}
