//! Messages timed to each family's due date or child's birthday.
//!
//! A parent consents and registers a date in the chat; once a day the runtime sends every
//! message whose day has come, exactly once per child and message. The bundle carries the
//! messages and the conversation ([`bundle::Timed`]); the state directory carries who
//! registered what and what was sent, in an encrypted append-only journal.
//!
//! Layout:
//! - [`plan`] decides which messages a child gets and when (pure);
//! - `seal` encrypts every journal record, `store` is the journal and its index;
//! - `chat` answers the registration postbacks (untrusted input, idempotent);
//! - [`deliver`] sends one day's messages exactly once; [`spawn`] runs it daily in `oyako serve`;
//! - `cmd` implements `oyako timeline` and `oyako deliver`.

mod chat;
mod cmd;
pub mod deliver;
pub mod plan;
mod seal;
mod store;

pub use cmd::{DeliverOptions, TimelineOptions, deliver, timeline};
pub use seal::{KEY_FILE, Sealer};
pub use store::{Compacted, Fact, Index, JOURNAL_FILE, Store};

use std::io;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

/// Registration and delivery state of one server: the journal and its index.
#[derive(Debug, Clone)]
pub struct Service {
    store: Arc<Store>,
}

impl Service {
    /// Loads the key (`key`, else the key file) and opens and compacts the journal in `dir`.
    pub fn open(dir: &Path, key: Option<&str>, today: Date, now_ms: i64) -> io::Result<Service> {
        let sealer = Sealer::load(dir, key)?;
        let (store, stats) = Store::open(dir, sealer, today, now_ms)?;
        tracing::info!(
            records_before = stats.before,
            records_after = stats.after,
            "timed-message journal compacted and loaded"
        );
        Ok(Service { store: Arc::new(store) })
    }

    /// The journal.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Handles one registration action of `user` (off the async threads: it reads and
    /// syncs the journal) and returns the reply's messages array.
    pub async fn answer(
        &self,
        timed: Arc<crate::state::Loaded>,
        user: String,
        data: String,
        date: Option<String>,
        today: Date,
        now_ms: i64,
    ) -> io::Result<String> {
        let store = self.store.clone();
        let work = move || -> io::Result<String> {
            let timed = &timed.bundle.timed;
            let Some(action) = bundle::postback::parse_timed(&data) else {
                return Ok(timed.texts.not_found.clone());
            };
            let (facts, answer) = store.read(|index| {
                chat::decide(index, &user, action, date.as_deref(), today, now_ms, seal::random_id)
            })?;
            let kind = facts.first().map(fact_kind);
            store.append(&facts)?;
            if let Some(kind) = kind {
                tracing::info!(change = kind, "timed registration changed");
            }
            store.read(|index| chat::render(timed, index, &user, &answer, today))
        };
        tokio::task::spawn_blocking(work).await.map_err(io::Error::other)?
    }

    /// Deletes everything of `user` (they blocked the account), if they registered.
    pub async fn unfollow(&self, user: String, now_ms: i64) -> io::Result<()> {
        let store = self.store.clone();
        let work = move || -> io::Result<()> {
            if store.read(|i| i.parents.contains_key(&user))? {
                store.append(&[Fact::Forget { u: user, why: "unfollow".into(), ts: now_ms }])?;
                tracing::info!("timed registration deleted: the user blocked the account");
            }
            Ok(())
        };
        tokio::task::spawn_blocking(work).await.map_err(io::Error::other)?
    }
}

/// Whether `data` is a registration action (answered here, not from the reply table).
pub fn is_timed(data: &str) -> bool {
    data.starts_with(bundle::postback::TIMED)
}

fn fact_kind(f: &Fact) -> &'static str {
    match f {
        Fact::Consent { .. } => "consent",
        Fact::Child { .. } => "child",
        Fact::Delete { .. } => "delete",
        Fact::Forget { .. } => "stop",
        _ => "delivery",
    }
}

/// Starts the daily delivery of `oyako serve`, driven by the state's clock: at each day's
/// delivery time (and on start, if it has passed) it delivers that day, retrying open sends
/// every few minutes; re-reads the bundle each time so reloads apply.
pub fn spawn(
    state: Arc<crate::state::State>,
    policy: deliver::Policy,
) -> Option<tokio::task::JoinHandle<()>> {
    let service = state.timed()?.clone();
    let config = crate::notices::ApiConfig::from(&state.config);
    let api = match crate::notices::Api::new(&config, policy.attempt_timeout) {
        Ok(api) => api,
        Err(e) => {
            tracing::error!(error = %e, "timed messages will NOT be sent: cannot build the API client");
            return None;
        }
    };
    let clock = state.clock();
    Some(tokio::spawn(async move {
        let mut done: Option<Date> = None;
        while !state.is_shutting_down() {
            let now = clock.now();
            let day = bundle::japan::date_of(now);
            let start = policy.send_time(day);
            let mut wake = crate::notices::schedule::add(now, RECHECK);
            if now >= start && done != Some(day) {
                let loaded = state.current();
                if !loaded.bundle.timed.is_empty() {
                    let run = deliver::deliver_day(
                        Some(&api),
                        service.store(),
                        &loaded.bundle.timed,
                        day,
                        now,
                        &policy,
                        false,
                    )
                    .await;
                    match run {
                        Ok(r) if r.open == 0 && !r.busy => done = Some(day),
                        Ok(_) => {}
                        Err(e) => tracing::error!(error = %e, day = %day, "timed delivery failed"),
                    }
                }
            } else if done == Some(day) || now < start {
                let next = if now < start {
                    start
                } else {
                    policy.send_time(day.tomorrow().unwrap_or(day))
                };
                wake = wake.max(next.min(crate::notices::schedule::add(now, MAX_SLEEP)));
            }
            clock.sleep_until(wake).await;
        }
    }))
}

/// How soon an unfinished day's delivery (open sends, a busy lock) is tried again.
const RECHECK: std::time::Duration = std::time::Duration::from_secs(5 * 60);
/// Longest sleep of the delivery loop (so a moved clock or a reload is noticed).
const MAX_SLEEP: std::time::Duration = std::time::Duration::from_secs(3600);
