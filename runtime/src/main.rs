//! The `oyako` command: a thin layer over the `compiler` and `runtime` libraries.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// oyako: Markdown childcare pages → a LINE official account.
#[derive(Debug, Parser)]
#[command(name = "oyako", version, about)]
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
    today: Option<jiff_date::Date>,
}

mod jiff_date {
    pub(crate) type Date = compiler::pipeline::Date;
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build(args) => runtime::cli::build(&options(args), true),
        Command::Check(args) => runtime::cli::build(&options(args), false),
    }
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
