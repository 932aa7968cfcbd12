//! KPIs without a database: what the city reports (friends, satisfaction) and what staff
//! want to know (which pages parents open, what they look for and do not find), recorded as
//! JSON Lines in the state directory and summed up later by `oyako report`.
//!
//! - [`record`](Record) is the line format, shared with [`crate::report`];
//! - [`salt`](Salt) turns LINE user IDs into salted hashes, the only form a user is stored in;
//! - [`writer`](Writer) appends with group commit, one file per day in Japan and replica;
//! - `followups` remembers who was just asked for a free comment;
//!
//! What is recorded, from each webhook event: follows, unblocks and unfollows (with the user
//! hash), where a new friend heard of the account (the answer to the question after the
//! follow, or a channel's code typed; user hash),
//! survey answers and comments (user hash, survey, choice or text), taps on known postbacks
//! and searches that found nothing (no user at all). A survey answer is written and synced
//! before the webhook is answered; everything else is written in the same batches without
//! anyone waiting for it. A channel answer is synced like a survey answer.

mod followups;
mod record;
mod salt;
mod writer;

use std::io;
use std::path::Path;

use bundle::postback::parse_survey_answer;
use bundle::search::normalize;
use bundle::{Blob, Bundle};

use crate::webhook::Event;

pub use followups::WINDOW as COMMENT_WINDOW;
pub use record::{Record, Via};
pub(crate) use salt::load_or_create as load_or_create_secret;
pub use salt::{SALT_FILE, Salt};
pub use writer::{JOURNAL_DIR, Recorder, Writer, WriterStats};

/// Most characters of a search kept in the journal.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most characters of a comment kept in the journal.
pub const MAX_COMMENT_CHARS: usize = 2000;

/// The KPI recorder of one server.
#[derive(Debug)]
pub struct Kpi {
    salt: Salt,
    writer: Writer,
    followups: followups::Followups,
}

/// A comment after a follow-up prompt: its record (to write before answering) and the reply.
#[derive(Debug)]
pub struct Comment {
    /// The comment record.
    pub record: Record,
    /// The survey's thanks for the comment.
    pub reply: Blob,
}

impl Kpi {
    /// Loads the salt (`hash_salt` when given, else the state directory's) and starts the
    /// journal writer in `state_dir`, naming files after `instance` (else the host name).
    pub fn open(
        state_dir: &Path,
        hash_salt: Option<String>,
        instance: Option<String>,
    ) -> io::Result<Kpi> {
        std::fs::create_dir_all(state_dir)?;
        let salt = Salt::load(state_dir, hash_salt)?;
        let instance = instance_name(instance);
        let writer = Writer::start(state_dir, &instance)?;
        tracing::info!(dir = %writer.dir().display(), instance, "KPI journal open");
        Ok(Kpi { salt, writer, followups: followups::Followups::default() })
    }

    /// The journal writer.
    pub fn writer(&self) -> &Writer {
        &self.writer
    }

    /// What the timed-message journal reports its changes to.
    pub fn timed_recorder(&self) -> TimedRecorder {
        TimedRecorder { salt: self.salt.clone(), recorder: self.writer.recorder() }
    }

    /// When `event` is text from a parent who was just asked for a comment: the comment.
    pub fn comment(&self, bundle: &Bundle, event: &Event) -> Option<Comment> {
        let text = event.message.as_ref().filter(|m| m.kind == "text")?.text.as_deref()?;
        let user = self.user(event)?;
        let survey = self.followups.take(&user)?;
        let reply = bundle.surveys.get(&survey)?.comment_thanks?;
        let text: String = text.trim().chars().take(MAX_COMMENT_CHARS).collect();
        let (ts, ev) = (timestamp(event), event.webhook_event_id.clone());
        Some(Comment { record: Record::Comment { ts, user, survey, text, ev }, reply })
    }

    /// Records what `event` tells (given `what` its reply answered, if it was replied to),
    /// and returns the record that must be on disk before the webhook is answered: a survey
    /// answer. The other records are queued for the writer without waiting.
    pub fn note(&self, bundle: &Bundle, event: &Event, what: Option<&str>) -> Option<Record> {
        let (ts, ev) = (timestamp(event), event.webhook_event_id.clone());
        match event.kind.as_str() {
            "follow" if event.is_unblock() => {
                self.queue(Record::Unblock { ts, user: self.user(event)?, ev });
            }
            "follow" => self.queue(Record::Follow { ts, user: self.user(event)?, ev }),
            "unfollow" => self.queue(Record::Unfollow { ts, user: self.user(event)?, ev }),
            "postback" => {
                let data = event.postback.as_ref()?.data.as_str();
                let user = self.user(event);
                if let Some(user) = &user {
                    self.followups.cancel(user);
                }
                if let Some(channel) = promo_answer(bundle, data) {
                    let (user, via) = (user?, Via::Button);
                    return Some(Record::Channel { ts, user, channel, via, ev });
                }
                if let Some((id, choice)) = parse_survey_answer(data) {
                    let survey = bundle.surveys.get(id)?;
                    let picked = survey.choices.get(choice)?;
                    let user = user?;
                    if survey.followup.is_some() {
                        self.followups.offer(&user, id);
                    }
                    return Some(Record::Answer {
                        ts,
                        user,
                        survey: id.to_string(),
                        choice,
                        label: picked.label.clone(),
                        satisfied: picked.satisfied,
                        ev,
                    });
                }
                if bundle.postbacks.contains_key(data) {
                    self.queue(Record::Tap { ts, key: data.to_string(), ev });
                }
            }
            "message" if what == Some("keyword") => {
                // A channel's code typed as a message (the keyword table points it at the
                // channel's answer).
                let text = event.message.as_ref()?.text.as_deref()?;
                let data = bundle.keywords.get(&normalize(text))?;
                let channel = promo_answer(bundle, data)?;
                let user = self.user(event)?;
                return Some(Record::Channel { ts, user, channel, via: Via::Code, ev });
            }
            "message" if what == Some("fallback") => {
                let text = event.message.as_ref()?.text.as_deref()?;
                let query: String = normalize(text).chars().take(MAX_QUERY_CHARS).collect();
                if !query.is_empty() {
                    self.queue(Record::SearchMiss { ts, query, ev });
                }
            }
            _ => {}
        }
        None
    }

    /// Appends the journal writer's counters to `/metrics` text: records written, syncs,
    /// records dropped because the writer fell behind, and failed writes (alert on the last two).
    pub fn render_metrics(&self, out: &mut String) {
        use std::fmt::Write as _;
        use std::sync::atomic::Ordering::Relaxed;
        let s = self.writer.stats();
        let counters = [
            ("records", "KPI records written and synced.", &s.records),
            ("syncs", "KPI journal write + fdatasync rounds.", &s.syncs),
            ("dropped", "KPI records dropped because the journal queue was full.", &s.dropped),
            ("failures", "KPI journal writes that failed.", &s.failures),
        ];
        for (name, help, value) in counters {
            let _ = writeln!(
                out,
                "# HELP oyako_journal_{name}_total {help}\n# TYPE oyako_journal_{name}_total counter\n\
                 oyako_journal_{name}_total {}",
                value.load(Relaxed)
            );
        }
    }

    fn queue(&self, record: Record) {
        if !self.writer.record(record) {
            // Logged at 1, 2, 4, 8 … drops, so a stuck disk does not also flood the log.
            let dropped = self.writer.stats().dropped.load(std::sync::atomic::Ordering::Relaxed);
            if dropped.is_power_of_two() {
                tracing::warn!(dropped, "KPI journal queue full: records dropped");
            }
        }
    }

    /// The salted hash of the event's user, when LINE disclosed one.
    fn user(&self, event: &Event) -> Option<String> {
        let id = event.source.as_ref()?.user_id.as_deref()?;
        Some(self.salt.hash(id))
    }
}

/// What changed in the timed registrations, or was sent, as the timed journal saw it: user
/// IDs in clear here, hashed in the record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TimedChange {
    /// A new child: `birth` or `due`.
    Registered {
        /// LINE user ID of the parent.
        user: String,
        /// `birth` or `due`.
        anchor: &'static str,
    },
    /// Children gone (see [`Record::TimedLeave`]).
    Left {
        /// LINE user ID of the parent.
        user: String,
        /// `delete`, `quiet`, `stop`, `unfollow` or `end`.
        why: String,
        /// How many.
        children: usize,
    },
    /// A send LINE accepted.
    Sent {
        /// Step id.
        step: String,
        /// LINE user IDs of the recipients.
        users: Vec<String>,
        /// The retry key.
        key: String,
    },
}

/// Writes [`TimedChange`]s to the KPI journal, users hashed with the KPI salt (so a block can
/// be matched to the timed message before it).
#[derive(Debug, Clone)]
pub struct TimedRecorder {
    salt: Salt,
    recorder: Recorder,
}

impl TimedRecorder {
    /// Queues the record of `change` (fire and forget: a statistic, not state).
    pub fn note(&self, change: TimedChange) {
        let ts = bundle::japan::now_millis();
        let record = match change {
            TimedChange::Registered { user, anchor } => Record::TimedRegister {
                ts,
                user: self.salt.hash(&user),
                anchor: anchor.to_string(),
                ev: None,
            },
            TimedChange::Left { user, why, children } => {
                Record::TimedLeave { ts, user: self.salt.hash(&user), why, children, ev: None }
            }
            TimedChange::Sent { step, users, key } => Record::TimedSent {
                ts,
                step,
                users: users.iter().map(|u| self.salt.hash(u)).collect(),
                ev: Some(key),
            },
        };
        self.recorder.record(record);
    }
}

/// The answer id of promo answer postback `data`, when the bundle knows it (a channel, or
/// `other` / `none`); forged or stale answers are not recorded.
fn promo_answer(bundle: &Bundle, data: &str) -> Option<String> {
    let id = bundle::postback::parse_promo_answer(data)?;
    bundle.promo.as_ref()?.answer_label(id)?;
    Some(id.to_string())
}

/// The event's own time, or now when LINE sent none.
fn timestamp(event: &Event) -> i64 {
    event.timestamp.unwrap_or_else(bundle::japan::now_millis)
}

/// The replica's name in journal file names: `OYAKO_INSTANCE`, else the host name, reduced to
/// characters safe in a file name.
fn instance_name(configured: Option<String>) -> String {
    let host = || {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
            .or_else(|_| std::fs::read_to_string("/etc/hostname"))
            .ok()
    };
    let raw = configured.filter(|s| !s.trim().is_empty()).or_else(host).unwrap_or_default();
    let safe: String = raw
        .trim()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
        .take(64)
        .collect();
    if safe.is_empty() { "oyako".to_string() } else { safe }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_names_are_file_safe() {
        assert_eq!(instance_name(Some("web-1".into())), "web-1");
        assert_eq!(instance_name(Some("a/b.c d".into())), "a_b_c_d");
        assert!(!instance_name(None).is_empty());
        assert!(!instance_name(Some("  ".into())).contains('/'));
    }
}
