//! The `oyako` command: a thin layer over the `compiler` and `runtime` libraries.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

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
    Build(BuildArgs),
    /// Check content/ without writing anything.
    Check(BuildArgs),
    /// Answer LINE webhooks from a bundle (env: LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN).
    Serve(ServeArgs),
    /// Build, serve and simulate the account locally: no LINE channel or credentials needed.
    Dev(DevArgs),
    /// Check that a bundle directory loads (before switching a deployment to it).
    Verify(VerifyArgs),
    /// Put the bundle's rich menus on the channel, or show what is live.
    #[command(subcommand)]
    Richmenu(RichmenuCommand),
    /// Sum up the KPI journals: friends, satisfaction, taps, searches with no result
    /// (env: LINE_CHANNEL_ACCESS_TOKEN adds LINE's own friend count).
    Report(ReportArgs),
    /// List the notices (pages with `notify:`): upcoming, sent, missed or failed.
    Notices(NoticesArgs),
    /// Send one notice now (env: LINE_CHANNEL_ACCESS_TOKEN), or only to staff phones (--to).
    Send(SendArgs),
}

#[derive(Debug, Args)]
struct NoticesArgs {
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

#[derive(Debug, Args)]
struct SendArgs {
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
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// A state directory to read; repeat it for replicas with their own volumes.
    #[arg(long = "state-dir", required = true)]
    state_dirs: Vec<PathBuf>,
    /// First day of the period (YYYY-MM-DD, Japan).
    #[arg(long)]
    from: Option<runtime::kpi::Day>,
    /// Last day of the period (YYYY-MM-DD, Japan).
    #[arg(long)]
    to: Option<runtime::kpi::Day>,
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

#[derive(Debug, Subcommand)]
enum RichmenuCommand {
    /// Create, upload, alias and set as default; delete the menus replaced (env: LINE_CHANNEL_ACCESS_TOKEN).
    Deploy(VerifyArgs),
    /// Show the rich menus, aliases and default on the channel, and whether they match the bundle.
    Status(VerifyArgs),
}

#[derive(Debug, Args)]
struct VerifyArgs {
    /// The bundle directory to check.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
}

#[derive(Debug, Args)]
struct DevArgs {
    #[command(flatten)]
    build: BuildArgs,
    /// Port of the chat simulator on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// The bundle directory to serve.
    #[arg(long, default_value = "dist")]
    bundle: PathBuf,
    /// The address to listen on.
    #[arg(long, default_value = "0.0.0.0:8080")]
    listen: SocketAddr,
    /// Directory for runtime state (created if missing).
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Log format: text or json (default: OYAKO_LOG_FORMAT, else text).
    #[arg(long)]
    log_format: Option<String>,
    /// Serve HTTPS with this certificate chain (PEM); re-read on SIGHUP.
    #[arg(long, requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// Private key (PEM) for --tls-cert.
    #[arg(long, requires = "tls_cert")]
    tls_key: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// The content directory.
    #[arg(long, default_value = "content")]
    content: PathBuf,
    /// The bundle directory to write.
    #[arg(long = "out", default_value = "dist")]
    out: PathBuf,
    /// Treat this day (YYYY-MM-DD, Japan) as today for `expires` (default: today in Japan).
    #[arg(long)]
    today: Option<compiler::pipeline::Date>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => runtime::cli::build(&options(args), true),
        Command::Check(args) => runtime::cli::build(&options(args), false),
        Command::Serve(args) => serve(args),
        Command::Dev(args) => dev(args),
        Command::Verify(args) => runtime::cli::verify(&args.bundle),
        Command::Richmenu(RichmenuCommand::Deploy(args)) => {
            runtime::cli::richmenu(&args.bundle, true)
        }
        Command::Richmenu(RichmenuCommand::Status(args)) => {
            runtime::cli::richmenu(&args.bundle, false)
        }
        Command::Report(args) => runtime::cli::report(&runtime::report::ReportOptions {
            state_dirs: args.state_dirs,
            period: runtime::report::Period { from: args.from, to: args.to },
            html: args.html,
            csv: args.csv,
            bundle: args.bundle,
        }),
        Command::Notices(args) => runtime::cli::notices(&runtime::notices::ListOptions {
            bundle: args.bundle,
            state_dir: args.state_dir,
            now: args.now,
        }),
        Command::Send(args) => runtime::cli::send(&runtime::notices::SendOptions {
            notice: args.notice,
            bundle: args.bundle,
            state_dir: args.state_dir,
            dry_run: args.dry_run,
            to: args.to,
        }),
    }
}

fn dev(args: DevArgs) -> ExitCode {
    runtime::logging::init(runtime::logging::Format::Text);
    let opts = runtime::dev::DevOptions {
        listen: SocketAddr::from(([127, 0, 0, 1], args.port)),
        build: options(args.build),
    };
    runtime::cli::dev(&opts)
}

fn serve(args: ServeArgs) -> ExitCode {
    match runtime::logging::Format::resolve(args.log_format.as_deref()) {
        Ok(format) => runtime::logging::init(format),
        Err(e) => {
            eprintln!("oyako serve: {e}");
            return ExitCode::FAILURE;
        }
    }
    let opts = runtime::ServeOptions {
        bundle: args.bundle,
        listen: args.listen,
        state_dir: args.state_dir,
        tls: args.tls_cert.zip(args.tls_key),
    };
    runtime::cli::serve(&opts)
}

fn options(args: BuildArgs) -> compiler::BuildOptions {
    compiler::BuildOptions {
        content_dir: args.content,
        out_dir: args.out,
        today: args.today.unwrap_or_else(compiler::pipeline::today_in_japan),
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
