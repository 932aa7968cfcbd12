//! One module per subcommand: its arguments (clap) and what it runs. Library errors become
//! messages and exit codes here, and nowhere else.

pub mod build;
pub mod dev;
pub mod notices;
pub mod probe;
pub mod report;
pub mod richmenu;
pub mod serve;
pub mod timed;
pub mod verify;
