//! `oyako timeline`: what a child registered today would receive, and when.

use std::path::PathBuf;
use std::process::ExitCode;

use bundle::Anchor;
use jiff::civil::Date;
use runtime::delivery::TimelineOptions;

/// Which child, in which bundle.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("child").required(true).args(["birth", "due"])))]
pub struct TimelineArgs {
    /// The child's birthday (YYYY-MM-DD).
    #[arg(long)]
    birth: Option<Date>,
    /// The due date (YYYY-MM-DD).
    #[arg(long)]
    due: Option<Date>,
    /// The bundle directory.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// Registered on this day (default: today in Japan).
    #[arg(long)]
    today: Option<Date>,
}

/// Prints the timeline.
pub fn timeline(args: TimelineArgs) -> ExitCode {
    let (anchor, date) = match (args.birth, args.due) {
        (Some(d), _) => (Anchor::Birth, d),
        (None, Some(d)) => (Anchor::Due, d),
        (None, None) => unreachable!("clap requires --birth or --due"),
    };
    runtime::delivery::timeline(&TimelineOptions {
        bundle: args.bundle,
        anchor,
        date,
        today: args.today,
    })
}

/// Which day, which bundle and state.
#[derive(Debug, clap::Args)]
pub struct DeliverArgs {
    /// The day to deliver (YYYY-MM-DD; default: today in Japan).
    #[arg(long)]
    date: Option<Date>,
    /// Print the sends (steps, recipient counts, retry keys) instead of making them.
    #[arg(long)]
    dry_run: bool,
    /// The bundle directory.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// The state directory shared with `oyako serve` (the registrations are in
    /// OYAKO_TIMED_DIR when that is set, as for `oyako serve`).
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
}

/// Runs one day's delivery.
pub fn deliver(args: DeliverArgs) -> ExitCode {
    runtime::delivery::deliver(&runtime::delivery::DeliverOptions {
        bundle: args.bundle,
        state_dir: args.state_dir,
        date: args.date,
        dry_run: args.dry_run,
    })
}
