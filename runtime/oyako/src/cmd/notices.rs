//! `oyako notices` and `oyako send`: the notices of a bundle and what became of them.

use std::path::PathBuf;
use std::process::ExitCode;

use runtime::notices::{ListOptions, SendOptions};

/// Which bundle and journal, and as at when.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The bundle directory.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// The state directory of `oyako serve` (holds notices.jsonl).
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    /// List as at this time (RFC 3339, e.g. 2026-12-05T09:00:00+09:00; default: now).
    #[arg(long)]
    now: Option<jiff::Timestamp>,
}

/// Which notice to send, and to whom.
#[derive(Debug, clap::Args)]
pub struct SendArgs {
    /// The notice id: the page path, e.g. events/ninpu-kyoushitsu-202612.
    notice: String,
    /// The bundle directory.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// The state directory of `oyako serve` (holds notices.jsonl).
    #[arg(long, default_value = "state")]
    state_dir: PathBuf,
    /// Print the request (token masked) instead of sending anything.
    #[arg(long)]
    dry_run: bool,
    /// Send only to these LINE user IDs, to test on staff phones (not recorded as sent).
    #[arg(long, num_args = 1.., value_name = "USER_ID")]
    to: Vec<String>,
    /// Send again a narrowcast that LINE accepted but then failed to deliver (see
    /// `oyako notices`); people it did reach may get it twice.
    #[arg(long, conflicts_with = "to")]
    resend: bool,
}

/// Every notice of the bundle with its status (upcoming, sent, missed, …).
pub fn list(args: ListArgs) -> ExitCode {
    runtime::notices::list(&ListOptions {
        bundle: args.bundle,
        state_dir: args.state_dir,
        now: args.now,
    })
}

/// One notice now, a test on staff phones (`--to`), or the request (`--dry-run`).
pub fn send(args: SendArgs) -> ExitCode {
    runtime::notices::send(&SendOptions {
        notice: args.notice,
        bundle: args.bundle,
        state_dir: args.state_dir,
        dry_run: args.dry_run,
        to: args.to,
        resend: args.resend,
    })
}
