//! `oyako report`: the KPI journals summed up (friends, satisfaction, taps, failed searches).

use std::path::PathBuf;
use std::process::ExitCode;

use jiff::civil::Date;
use runtime::report::{Period, ReportOptions};

/// Which journals, which period, and what to write besides the text summary.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A state directory to read; repeat it for replicas with their own volumes.
    #[arg(long = "state-dir", required = true)]
    state_dirs: Vec<PathBuf>,
    /// First day of the period (YYYY-MM-DD, Japan).
    #[arg(long)]
    from: Option<Date>,
    /// Last day of the period (YYYY-MM-DD, Japan).
    #[arg(long)]
    to: Option<Date>,
    /// Also write a self-contained HTML page with charts here.
    #[arg(long)]
    html: Option<PathBuf>,
    /// Also write one CSV file per table into this directory.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// Name pages and surveys from this bundle.
    #[arg(long)]
    bundle: Option<PathBuf>,
}

/// Prints the summary; writes the HTML page and CSV files asked for.
pub fn execute(args: Args) -> ExitCode {
    let opts = ReportOptions {
        state_dirs: args.state_dirs,
        period: Period { from: args.from, to: args.to },
        html: args.html,
        csv: args.csv,
        bundle: args.bundle,
    };
    match runtime::report::run(&opts, |name| std::env::var(name).ok()) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("oyako report: {e:#}");
            ExitCode::FAILURE
        }
    }
}
