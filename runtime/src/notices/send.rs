//! Sending notices exactly once: the journal is written before and after every send, every
//! send carries the notice's retry key, and LINE's answer decides what happens next.
//!
//! Why this gives exactly once: a `started` record (synced) precedes the first request, so after
//! any crash the journal shows an attempt whose outcome is unknown, and the next try uses the same
//! `X-Line-Retry-Key`. If LINE had accepted the first request it answers 409, which counts as sent
//! (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request-response>); replicas
//! sharing nothing derive the same key from the bundle, so LINE deduplicates them too. Retries stop
//! before LINE forgets the key (24 h).
//!
//! A narrowcast's 2xx only means LINE accepted it; [`super::progress`] then reads how it
//! ended and journals that too, without ever sending again.
//!
//! Answers: 2xx and 409 → `sent`; 429 → wait `Retry-After` (else back off), except the
//! monthly limit, which is final; 5xx, timeouts and network errors → back off and retry; any
//! other 4xx → `failed` with LINE's details, never repeated. Broadcast and narrowcast each get
//! a token bucket of [`Policy::per_hour`] requests, retries included.

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use bundle::Notice;
use jiff::Timestamp;

use super::api::{Answer, Api, error_detail, notice_request, retry_after};
use super::progress::Outcomes;
use super::schedule::{
    Bucket, Decision, History, JOURNAL_FILE, Policy, Record, RecordKind, add, decide, histories,
};
use crate::journal::{self, Journal};

/// The scheduler: decides, sends and journals; all times are passed in, so tests choose them.
#[derive(Debug)]
pub struct Scheduler {
    api: Api,
    journal: Journal,
    policy: Policy,
    /// Written into every record: `scheduler` or `oyako send`.
    by: &'static str,
    /// One bucket per endpoint path.
    buckets: BTreeMap<String, Bucket>,
    /// Notices waiting to retry: when, and the next backoff.
    retries: BTreeMap<String, (Timestamp, Duration)>,
    /// Accepted narrowcasts whose outcome is still to be read.
    outcomes: Outcomes,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// LINE accepted it (now or earlier, 409); journalled.
    Sent,
    /// LINE refused it for good; journalled with this detail.
    Failed(String),
    /// No answer, a 5xx or a 429: try again at this time (same key); the reason.
    RetryAt(Timestamp, String),
    /// The hourly rate is used up: nothing was sent; try at this time.
    Deferred(Timestamp),
}

/// What one look at the notices found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tick {
    /// Ids of the notices that were sent in this tick.
    pub sent: Vec<String>,
    /// Ids of the narrowcasts whose outcome was journalled in this tick.
    pub outcomes: Vec<String>,
    /// When something is next due (a notice, a retry, a token), if anything is.
    pub next: Option<Timestamp>,
}

/// What LINE's answer means (shared with [`crate::timed`]).
pub(crate) enum Outcome {
    Accepted { status: u16, request_id: Option<String>, detail: Option<String> },
    Refused { status: Option<u16>, request_id: Option<String>, detail: String },
    Later { wait: Option<Duration>, why: String },
}

impl Scheduler {
    /// Opens (or creates) `notices.jsonl` in `state_dir`.
    pub fn open(api: Api, state_dir: &Path, policy: Policy) -> io::Result<Scheduler> {
        let journal = Journal::open(&state_dir.join(JOURNAL_FILE))?;
        Ok(Scheduler {
            api,
            journal,
            policy,
            by: "scheduler",
            buckets: BTreeMap::new(),
            retries: BTreeMap::new(),
            outcomes: Outcomes::default(),
        })
    }

    /// Marks the records this scheduler writes as written by `by` (e.g. `oyako send`).
    pub fn written_by(mut self, by: &'static str) -> Scheduler {
        self.by = by;
        self
    }

    /// The journal file.
    pub fn journal_path(&self) -> &Path {
        self.journal.path()
    }

    /// The API client (for the quota and test sends).
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// Every notice's journal, folded.
    pub fn histories(&self) -> io::Result<BTreeMap<String, History>> {
        read_histories(self.journal.path())
    }

    /// Looks at every notice at `now`: sends what is due, journals what is missed or given
    /// up, and tells when to look again.
    pub async fn tick(&mut self, notices: &[Notice], now: Timestamp) -> Tick {
        let mut tick = Tick::default();
        let histories = match self.histories() {
            Ok(h) => h,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the notice journal; nothing is sent");
                tick.next = Some(add(now, self.policy.max_sleep));
                return tick;
            }
        };
        let empty = History::default();
        for n in notices {
            let h = histories.get(&n.id).unwrap_or(&empty);
            let wake = match decide(n, h, now, &self.policy) {
                Decision::Done => None,
                Decision::Wait(t) => Some(t),
                Decision::Miss => {
                    tracing::warn!(notice = %n.id, at = %n.at, "notice missed: due too long ago");
                    let detail =
                        format!("予定 {} から猶予時間を過ぎていたため送りませんでした", n.at);
                    self.note(n, RecordKind::Missed, None, now, Some(detail));
                    None
                }
                Decision::GiveUp(key) => {
                    tracing::error!(notice = %n.id, "notice given up: retry window over");
                    let detail = "最初の送信から24時間以内に LINE の受け付けを確認できませんでした（届いている可能性があります）";
                    self.note(n, RecordKind::Failed, Some(&key), now, Some(detail.into()));
                    None
                }
                Decision::Send { key, resume } => {
                    let outcome = self.due(n, &key, resume, now).await;
                    if outcome == Ok(()) {
                        tick.sent.push(n.id.clone());
                    }
                    outcome.err().flatten()
                }
            };
            tick.next = earliest(tick.next, wake);
        }
        match self.read_outcomes(now).await {
            Ok((done, wake)) => {
                tick.outcomes = done;
                tick.next = earliest(tick.next, wake);
            }
            Err(e) => tracing::error!(error = %e, "cannot read the notice journal for outcomes"),
        }
        tick
    }

    /// Reads the progress of the accepted narrowcasts that are due a look at `now` and
    /// journals what LINE reports (see [`super::progress`]); returns the notice ids
    /// journalled and when to look again.
    pub async fn read_outcomes(
        &mut self,
        now: Timestamp,
    ) -> io::Result<(Vec<String>, Option<Timestamp>)> {
        let histories = self.histories()?;
        let Scheduler { api, journal, policy, by, outcomes, .. } = self;
        Ok(outcomes.poll(api, journal, &histories, now, policy, by).await)
    }

    /// A due notice: honours a pending backoff, checks the quota on a first attempt, sends.
    /// `Ok(())` when sent; `Err(Some(t))` to look again at `t`; `Err(None)` when final.
    async fn due(
        &mut self,
        n: &Notice,
        key: &str,
        resume: bool,
        now: Timestamp,
    ) -> Result<(), Option<Timestamp>> {
        if let Some((at, _)) = self.retries.get(&n.id).filter(|(at, _)| *at > now) {
            return Err(Some(*at));
        }
        if !resume && let Some(refusal) = self.quota_refusal(n, now).await {
            tracing::error!(notice = %n.id, "notice refused: it would exceed the monthly quota");
            self.note(n, RecordKind::Failed, Some(key), now, Some(refusal));
            return Err(None);
        }
        match self.attempt(n, key, resume, now).await {
            Attempt::Sent => Ok(()),
            Attempt::Failed(_) => Err(None),
            Attempt::RetryAt(t, _) | Attempt::Deferred(t) => Err(Some(t)),
        }
    }

    /// The Japanese refusal when the month's quota cannot take `n` (see [`super::api::Quota`]).
    pub async fn quota_refusal(&self, n: &Notice, now: Timestamp) -> Option<String> {
        let quota = self.api.quota(now).await;
        if let Err(e) = &quota.limit {
            tracing::warn!(notice = %n.id, error = %e, "cannot read the message quota; sending");
        }
        quota.refusal(n)
    }

    /// One request with `key`; journals `started` first unless `resume`, then the outcome.
    pub async fn attempt(
        &mut self,
        n: &Notice,
        key: &str,
        resume: bool,
        now: Timestamp,
    ) -> Attempt {
        let req = notice_request(n, key, self.api.public_url());
        let per_hour = self.policy.per_hour;
        let bucket = self.buckets.entry(req.path.clone()).or_insert_with(|| Bucket::new(per_hour));
        if let Err(at) = bucket.take(now) {
            tracing::info!(notice = %n.id, "hourly send rate used up; waiting");
            return Attempt::Deferred(at);
        }
        if !resume {
            // Exactly-once needs this record on disk before LINE can have the request.
            if let Err(e) = self.write(n, RecordKind::Started, Some(key), now, None, None, None) {
                tracing::error!(notice = %n.id, error = %e, "cannot journal the attempt; not sending");
                return self.later(n, now, None, format!("journal: {e}"));
            }
        }
        let outcome = classify(self.api.call(&req).await, now);
        match outcome {
            Outcome::Accepted { status, request_id, detail } => {
                self.retries.remove(&n.id);
                tracing::info!(notice = %n.id, path = %req.path, status, "notice sent");
                self.note_answer(n, RecordKind::Sent, key, now, (Some(status), request_id), detail);
                Attempt::Sent
            }
            Outcome::Refused { status, request_id, detail } => {
                self.retries.remove(&n.id);
                tracing::error!(notice = %n.id, status, detail = %detail, "notice refused by LINE");
                let record = (status, request_id);
                self.note_answer(n, RecordKind::Failed, key, now, record, Some(detail.clone()));
                Attempt::Failed(detail)
            }
            Outcome::Later { wait, why } => {
                tracing::warn!(notice = %n.id, error = %why, "notice not sent yet; will retry");
                self.later(n, now, wait, why)
            }
        }
    }

    fn later(
        &mut self,
        n: &Notice,
        now: Timestamp,
        wait: Option<Duration>,
        why: String,
    ) -> Attempt {
        let first = self.policy.first_backoff;
        let max = self.policy.max_backoff;
        let entry = self.retries.entry(n.id.clone()).or_insert((now, first));
        let delay = wait.unwrap_or(entry.1);
        if wait.is_none() {
            entry.1 = (entry.1 * 2).min(max);
        }
        entry.0 = add(now, delay);
        Attempt::RetryAt(entry.0, why)
    }

    /// Appends a record; a failure is logged (the next tick decides again from the journal).
    fn note(
        &self,
        n: &Notice,
        kind: RecordKind,
        key: Option<&str>,
        now: Timestamp,
        detail: Option<String>,
    ) {
        if let Err(e) = self.write(n, kind, key, now, None, None, detail) {
            tracing::error!(notice = %n.id, error = %e, "cannot write the notice journal");
        }
    }

    fn note_answer(
        &self,
        n: &Notice,
        kind: RecordKind,
        key: &str,
        now: Timestamp,
        (status, request_id): (Option<u16>, Option<String>),
        detail: Option<String>,
    ) {
        let written = self.write(n, kind, Some(key), now, status, request_id, detail);
        if let Err(e) = written {
            // The next look resumes with the same key and LINE answers 409: still once.
            tracing::error!(notice = %n.id, error = %e, "cannot write the notice journal");
        }
    }

    #[allow(clippy::too_many_arguments, reason = "one record's fields, written in one place")]
    fn write(
        &self,
        n: &Notice,
        event: RecordKind,
        key: Option<&str>,
        now: Timestamp,
        status: Option<u16>,
        request_id: Option<String>,
        detail: Option<String>,
    ) -> io::Result<()> {
        let record = Record {
            notice: n.id.clone(),
            event,
            hash: n.hash.clone(),
            retry_key: key.map(str::to_owned),
            time: now.to_string(),
            status,
            request_id,
            detail,
            by: Some(self.by.to_owned()),
            // A narrowcast's acceptance is not its delivery: the outcome is read later.
            narrowcast: event == RecordKind::Sent && !n.is_broadcast(),
            delivery: None,
        };
        self.journal.append(&[record])
    }
}

fn earliest(a: Option<Timestamp>, b: Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Reads and folds a notice journal (a missing file is empty; a torn line is skipped).
pub fn read_histories(path: &Path) -> io::Result<BTreeMap<String, History>> {
    let contents = journal::read::<Record>(path)?;
    if contents.skipped > 0 {
        tracing::warn!(path = %path.display(), skipped = contents.skipped, "skipped damaged journal lines");
    }
    Ok(histories(&contents.records))
}

/// The journal path in `state_dir`.
pub fn journal_path(state_dir: &Path) -> PathBuf {
    state_dir.join(JOURNAL_FILE)
}

pub(crate) fn classify(answer: Result<Answer, String>, now: Timestamp) -> Outcome {
    let a = match answer {
        Ok(a) => a,
        Err(why) => return Outcome::Later { wait: None, why: format!("no answer: {why}") },
    };
    let detail = || error_detail(&a.body);
    match a.status {
        200..=299 => Outcome::Accepted { status: a.status, request_id: a.request_id, detail: None },
        409 => Outcome::Accepted {
            status: 409,
            request_id: a.request_id.clone(),
            detail: Some(format!("既に受け付け済み（同じ retry key）: {}", detail())),
        },
        429 if detail().contains("monthly limit") => Outcome::Refused {
            status: Some(429),
            request_id: a.request_id.clone(),
            detail: format!("今月の送信上限に達しています: {}", detail()),
        },
        429 => Outcome::Later {
            wait: a.retry_after.as_deref().and_then(|v| retry_after(v, now)),
            why: format!("429: {}", detail()),
        },
        500..=599 => Outcome::Later { wait: None, why: format!("{}: {}", a.status, detail()) },
        status => Outcome::Refused {
            status: Some(status),
            request_id: a.request_id.clone(),
            detail: format!("{status}: {}", detail()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(
        status: u16,
        body: &'static str,
        retry_after: Option<&str>,
    ) -> Result<Answer, String> {
        Ok(Answer {
            status,
            retry_after: retry_after.map(str::to_owned),
            request_id: Some("r".into()),
            body: bytes::Bytes::from_static(body.as_bytes()),
        })
    }

    #[test]
    fn answers_are_classified_like_line_documents_them() {
        let now: Timestamp = "2026-12-05T00:00:00Z".parse().unwrap();
        let c = |a| classify(a, now);
        assert!(matches!(c(answer(200, "{}", None)), Outcome::Accepted { status: 200, .. }));
        assert!(matches!(c(answer(202, "{}", None)), Outcome::Accepted { status: 202, .. }));
        assert!(matches!(c(answer(409, "{}", None)), Outcome::Accepted { status: 409, .. }));
        let wait = Some(Duration::from_secs(7));
        assert!(
            matches!(c(answer(429, "{}", Some("7"))), Outcome::Later { wait: w, .. } if w == wait)
        );
        assert!(matches!(c(answer(429, "{}", None)), Outcome::Later { wait: None, .. }));
        let monthly = r#"{"message":"You have reached your monthly limit."}"#;
        assert!(matches!(
            c(answer(429, monthly, None)),
            Outcome::Refused { status: Some(429), .. }
        ));
        assert!(matches!(c(answer(503, "", None)), Outcome::Later { wait: None, .. }));
        assert!(matches!(c(Err("timed out".into())), Outcome::Later { wait: None, .. }));
        for status in [400, 401, 403, 404, 413] {
            assert!(matches!(c(answer(status, "{}", None)), Outcome::Refused { .. }), "{status}");
        }
    }
}
