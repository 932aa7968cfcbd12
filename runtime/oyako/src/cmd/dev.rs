//! `oyako dev`: build, serve and simulate the account locally (see [`crate::dev`]).

use std::net::SocketAddr;
use std::process::ExitCode;

/// The content to build and the simulator's port.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    build: super::build::Args,
    /// Port of the chat simulator on 127.0.0.1.
    #[arg(long, default_value_t = 8080)]
    port: u16,
}

/// Builds, serves and simulates until Ctrl-C.
pub fn execute(args: Args) -> ExitCode {
    runtime::logging::init(runtime::logging::Format::Text);
    let opts = crate::dev::DevOptions {
        listen: SocketAddr::from(([127, 0, 0, 1], args.port)),
        build: args.build.options(),
    };
    match crate::dev::run(&opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("oyako dev を起動できません: {e:#}");
            ExitCode::FAILURE
        }
    }
}
