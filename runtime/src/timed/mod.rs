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
//! - [`crate::delivery`] (a layer above, beside notices) sends the messages and implements
//!   `oyako timeline` and `oyako deliver`.

mod chat;
mod index;
pub mod plan;
mod seal;
mod snapshot;
mod store;

pub use chat::question;
pub use index::{Batch, Child, Fact, Index, Parent};
pub use seal::{KEY_FILE, Sealer};
pub use store::{Compacted, JOURNAL_FILE, Store};

use std::io;
use std::path::Path;
use std::sync::Arc;

use jiff::civil::Date;

/// Registration and delivery state of one server: the journal and its index.
#[derive(Debug, Clone)]
pub struct Service {
    store: Arc<Store>,
    /// Parents of the children compaction dropped at school entry when the journal was
    /// opened (one per child), until they are counted ([`Service::record_to`]).
    ended: Arc<std::sync::Mutex<Vec<String>>>,
}

impl Service {
    /// Loads the key (`key`, else the key file) and opens and compacts the journal in `dir`.
    pub fn open(dir: &Path, key: Option<&str>, today: Date, now_ms: i64) -> io::Result<Service> {
        let sealer = Sealer::load(dir, key)?;
        let (store, stats) = Store::open(dir, sealer, today, now_ms)?;
        tracing::info!(
            records_before = stats.before,
            records_after = stats.after,
            ended_at_school_entry = stats.ended.len(),
            "timed-message journal compacted and loaded"
        );
        let ended = Arc::new(std::sync::Mutex::new(stats.ended));
        Ok(Service { store: Arc::new(store), ended })
    }

    /// Counts this process's registrations, stops and sends in the KPI journal from now on,
    /// and the children that reached school entry when the journal was opened.
    pub fn record_to(&self, recorder: crate::kpi::TimedRecorder) {
        let ended = std::mem::take(&mut *self.ended.lock().unwrap_or_else(|p| p.into_inner()));
        for user in ended {
            let why = "end".to_string();
            recorder.note(crate::kpi::TimedChange::Left { user, why, children: 1 });
        }
        self.store.record_to(recorder);
    }

    /// The journal.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Handles one registration action of `user` and returns the reply's messages array.
    /// Reads and syncs the journal: call it off the async threads.
    pub fn answer(
        &self,
        timed: &bundle::Timed,
        user: &str,
        data: &str,
        date: Option<&str>,
        today: Date,
        now_ms: i64,
    ) -> io::Result<String> {
        let store = &self.store;
        let Some(action) = bundle::postback::parse_timed(data) else {
            return Ok(timed.texts.not_found.clone());
        };
        let (facts, answer) = store.read(|index| {
            chat::decide(index, user, action, date, today, now_ms, seal::random_id)
        })?;
        let kind = facts.first().map(fact_kind);
        store.append(&facts)?;
        if let Some(kind) = kind {
            tracing::info!(change = kind, "timed registration changed");
        }
        store.read(|index| chat::render(timed, index, user, &answer, today))
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
