//! Direct mail: pages with `notify:` pushed to friends at their time, exactly once.
//!
//! The bundle carries each notice's messages, schedule and hash ([`bundle::Notice`]); the
//! state directory carries what happened to them, in the fsynced journal `notices.jsonl` (see
//! [`crate::journal`]). Nothing else is remembered, so a restart, a crash or a second replica
//! changes nothing: the journal and LINE's retry keys
//! (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request>) keep every notice
//! to one delivery.
//!
//! Layout:
//! - [`schedule`] decides, from the bundle, the journal and a given `now`, what to do (pure);
//! - `send` is the [`Scheduler`]: it sends with retry keys, retries and journals;
//! - `progress` reads how an accepted narrowcast ended and journals it (never re-sends);
//! - [`api`] builds LINE requests, calls LINE and checks the monthly quota;
//! - `cmd` implements `oyako notices` and `oyako send`;
//! - [`spawn`] runs the scheduler inside `oyako serve`, driven by the state's
//!   [`Clock`](crate::clock::Clock) so tests can move time instead of sleeping.

pub mod api;
mod cmd;
mod progress;
pub mod schedule;
mod send;

use std::sync::Arc;

use tokio::task::JoinHandle;

use crate::clock::Clock;
use crate::state::State;

pub use api::{Api, ApiConfig, ApiError};
pub use cmd::{ListOptions, SendOptions, list, send};
pub use schedule::{
    Delivery, JOURNAL_FILE, Phase, Policy, QuietHours, Record, RecordKind, Status, retry_key,
};
pub use send::{Attempt, Scheduler, Tick};
pub(crate) use send::{Outcome, classify};

/// Starts the scheduler of `oyako serve`: every notice of the current bundle (re-read at each
/// look, so reloads apply) is sent when due. Returns `None`, with a warning, when there is no
/// state directory — exactly-once needs the journal — or the client cannot be built.
pub fn spawn(state: Arc<State>, policy: Policy) -> Option<JoinHandle<()>> {
    let clock: Arc<dyn Clock> = state.clock();
    let count = state.current().bundle.notices.len();
    let Some(dir) = state.config.state_dir.clone() else {
        if count > 0 {
            tracing::warn!(
                notices = count,
                "notices will NOT be sent: --state-dir is required, because sending each \
                 notice exactly once needs the journal there"
            );
        }
        return None;
    };
    let api = match Api::new(&ApiConfig::from(&state.config), policy.attempt_timeout) {
        Ok(api) => api,
        Err(e) => {
            tracing::error!(error = %e, "notices will NOT be sent: cannot build the API client");
            return None;
        }
    };
    let max_sleep = policy.max_sleep;
    let mut scheduler = match Scheduler::open(api, &dir, policy) {
        Ok(s) => s,
        Err(e) => {
            tracing::error!(error = %e, "notices will NOT be sent: cannot open the journal");
            return None;
        }
    };
    tracing::info!(notices = count, journal = %scheduler.journal_path().display(), "notice scheduler started");
    Some(tokio::spawn(async move {
        while !state.is_shutting_down() {
            let now = clock.now();
            let loaded = state.current();
            let tick = scheduler.tick(&loaded.bundle.notices, now).await;
            drop(loaded);
            let limit = schedule::add(now, max_sleep);
            clock.sleep_until(tick.next.map_or(limit, |t| t.min(limit))).await;
        }
    }))
}
