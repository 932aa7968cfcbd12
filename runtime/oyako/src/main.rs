//! The `oyako` command: the one place that links the compiler and the runtime.
//!
//! Each subcommand lives in `cmd/<name>.rs` with its arguments and an `execute` function
//! returning the exit code; `dev` (the local simulator) is the only larger piece of its own.

mod cmd;
mod dev;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// oyako: Markdown childcare pages → a LINE official account.
#[derive(Debug, Parser)]
#[command(
    name = "oyako",
    version,
    about = "oyako: Markdown childcare pages → a LINE official account"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build content/ into a bundle (dist/).
    Build(cmd::build::Args),
    /// Check content/ without writing anything.
    Check(cmd::build::Args),
    /// Answer LINE webhooks from a bundle (env: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN).
    Serve(cmd::serve::Args),
    /// Build, serve and simulate the account locally: no LINE channel or credentials needed.
    Dev(cmd::dev::Args),
    /// Check that a bundle directory loads (before switching a deployment to it).
    Verify(cmd::verify::Args),
    /// Put the bundle's rich menus on the channel, or show what is live.
    #[command(subcommand)]
    Richmenu(cmd::richmenu::Command),
    /// Sum up the KPI journals: friends, satisfaction, taps, searches with no result
    /// (env: LINE_CHANNEL_ACCESS_TOKEN adds LINE's own friend count).
    Report(cmd::report::Args),
    /// List the notices (pages with `notify:`): upcoming, sent, missed or failed.
    Notices(cmd::notices::ListArgs),
    /// Send one notice now (env: LINE_CHANNEL_ACCESS_TOKEN), or only to staff phones (--to).
    Send(cmd::notices::SendArgs),
    /// Show what a child registered today would receive (timed messages), and when.
    Timeline(cmd::timed::TimelineArgs),
    /// Run one day's delivery of timed messages by hand (env: LINE_CHANNEL_ACCESS_TOKEN).
    Deliver(cmd::timed::DeliverArgs),
    /// Ask the admin listener of `oyako serve` whether it is ready (for systemd and containers).
    Probe(cmd::probe::Args),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Build(args) => cmd::build::build(args),
        Command::Check(args) => cmd::build::check(args),
        Command::Serve(args) => cmd::serve::execute(args),
        Command::Dev(args) => cmd::dev::execute(args),
        Command::Verify(args) => cmd::verify::execute(&args),
        Command::Richmenu(command) => cmd::richmenu::execute(command),
        Command::Report(args) => cmd::report::execute(args),
        Command::Notices(args) => cmd::notices::list(args),
        Command::Send(args) => cmd::notices::send(args),
        Command::Timeline(args) => cmd::timed::timeline(args),
        Command::Deliver(args) => cmd::timed::deliver(args),
        Command::Probe(args) => cmd::probe::execute(&args),
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::Cli::command().debug_assert();
    }
}
