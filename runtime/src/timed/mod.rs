//! Messages timed to each family's due date or child's birthday.
//!
//! A parent consents and registers a date in the chat; once a day the runtime sends every
//! message whose day has come, exactly once per child and message. The bundle carries the
//! messages and the conversation ([`bundle::Timed`]); the state directory carries who
//! registered what and what was sent, in an encrypted append-only journal.
//!
//! Layout:
//! - [`plan`] decides which messages a child gets and when (pure);
//! - `cmd` implements `oyako timeline` and `oyako deliver`.

mod cmd;
pub mod plan;
mod seal;
mod store;

pub use cmd::{TimelineOptions, timeline};
pub use seal::{KEY_FILE, Sealer};
pub use store::{Compacted, Fact, Index, JOURNAL_FILE, Store};
