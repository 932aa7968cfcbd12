//! `oyako build` and `oyako check`: content → bundle, with the diagnostics in Japanese.

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

/// `oyako build`: builds and writes the bundle.
pub fn build(args: Args) -> ExitCode {
    let start = Instant::now();
    report(compiler::build(&args.options()), "書き出しました", start)
}

/// `oyako check`: builds in memory and writes nothing.
pub fn check(args: Args) -> ExitCode {
    let start = Instant::now();
    report(compiler::check(&args.options()), "問題はありません", start)
}

fn report(result: Result<BuildReport, Diagnostics>, verb: &str, start: Instant) -> ExitCode {
    match result {
        Ok(report) => {
            for w in report.warnings.clone().sorted() {
                eprintln!("{w}");
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
            let errors = diags.error_count();
            for d in diags.sorted() {
                eprintln!("{d}");
            }
            eprintln!("エラーが {errors} 件あります。何も書き出していません。");
            ExitCode::FAILURE
        }
    }
}
