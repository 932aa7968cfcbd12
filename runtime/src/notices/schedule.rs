//! When a notice goes out, decided from the bundle, the journal and the time — pure functions,
//! so every rule is tested with a given `now` and no sleeping.
//!
//! Rules (times in Japan, fixed +09:00):
//! - a notice is *due* at its `at`, or, when `at` falls in quiet hours and the notice is not
//!   `force`d, at the end of the quiet hours;
//! - once due it is sent, unless more than [`Policy::grace`] has passed since it was due (the
//!   runtime was down): then it is journalled as *missed* and never sent;
//! - while the current time is in quiet hours a due, unforced notice waits for their end;
//! - a notice journalled `sent` (under any version) is never sent again;
//! - an attempt whose outcome is unknown (`started` without `sent`/`failed`) is retried with the
//!   *same* retry key, whatever the time, until [`Policy::retry_window`] after its first attempt;
//!   LINE forgets a key after 24 h
//!   (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request>), so after that
//!   it is given up and journalled `failed` rather than risk a second delivery;
//! - a version (hash) journalled `failed` or `missed` is not tried again; a new version of
//!   the page (staff fixed it) is a new chance;
//! - a narrowcast is only *accepted* by its 202: LINE delivers it later and can still fail
//!   (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>),
//!   so its outcome is read afterwards and journalled as `completed` (or `unconfirmed` when
//!   LINE will not tell). A narrowcast that failed after its 202 is never sent again by the
//!   scheduler: LINE forgets the retry key after 24 h, so a new request could reach the same
//!   people twice; the operator decides (`oyako send --resend`).

use std::collections::BTreeMap;
use std::time::Duration;

use bundle::Notice;
use jiff::Timestamp;
use jiff::civil::Time;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// File name of the notice journal in the state directory.
pub const JOURNAL_FILE: &str = "notices.jsonl";

/// Scheduling and retry settings; [`Policy::default`] is production's.
#[derive(Debug, Clone)]
pub struct Policy {
    /// How late a due notice may still be sent (after downtime); later ones are missed.
    pub grace: Duration,
    /// Night hours in which unforced notices wait; `None` sends at any time.
    pub quiet: Option<QuietHours>,
    /// No attempt with a retry key starts later than this after its first attempt.
    pub retry_window: Duration,
    /// Wait before the first retry after a 5xx or network error; doubled per retry.
    pub first_backoff: Duration,
    /// Longest wait between retries.
    pub max_backoff: Duration,
    /// Broadcast and narrowcast requests allowed per hour, each
    /// (<https://developers.line.biz/en/reference/messaging-api/#rate-limits>).
    pub per_hour: u32,
    /// Time allowed for one API call.
    pub attempt_timeout: Duration,
    /// Longest pause of the scheduler between looks at the bundle and the journal.
    pub max_sleep: Duration,
    /// Wait after a narrowcast's 202 before its progress is first read; doubled per read.
    pub progress_first: Duration,
    /// Longest wait between two reads of a narrowcast's progress.
    pub progress_max: Duration,
}

/// Quiet hours, `start` to `end` in Japan time (may cross midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// First quiet minute (21:00).
    pub start: Time,
    /// First minute after the quiet hours (08:00).
    pub end: Time,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            grace: Duration::from_secs(6 * 3600),
            quiet: Some(QuietHours::default()),
            retry_window: Duration::from_secs(24 * 3600),
            first_backoff: Duration::from_secs(30),
            max_backoff: Duration::from_secs(30 * 60),
            per_hour: 60,
            attempt_timeout: Duration::from_secs(30),
            max_sleep: Duration::from_secs(60),
            // A few reads a minute at first, one every 10 min for slow audiences: far below
            // the endpoint's 2,000 requests a second
            // (<https://developers.line.biz/en/reference/messaging-api/#rate-limits>).
            progress_first: Duration::from_secs(15),
            progress_max: Duration::from_secs(10 * 60),
        }
    }
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours { start: Time::constant(21, 0, 0, 0), end: Time::constant(8, 0, 0, 0) }
    }
}

impl Policy {
    /// Production's policy with `OYAKO_NOTICE_GRACE` (`6h`, `90m`) and `OYAKO_QUIET_HOURS`
    /// (`21:00-08:00`, or `off`) read through `env`.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Policy, String> {
        let mut policy = Policy::default();
        if let Some(v) = env("OYAKO_NOTICE_GRACE").filter(|v| !v.trim().is_empty()) {
            policy.grace = parse_duration(&v)
                .ok_or_else(|| format!("OYAKO_NOTICE_GRACE={v:?} is not a duration like 6h"))?;
        }
        if let Some(v) = env("OYAKO_QUIET_HOURS").filter(|v| !v.trim().is_empty()) {
            policy.quiet = QuietHours::parse(&v).ok_or_else(|| {
                format!("OYAKO_QUIET_HOURS={v:?} is not like 21:00-08:00 (or off)")
            })?;
        }
        Ok(policy)
    }
}

/// `6h`, `90m`, `30s`, `1h30m` (jiff's friendly format) or ISO 8601 (`PT6H`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let d: jiff::SignedDuration = s.trim().parse().ok()?;
    Duration::try_from(d).ok()
}

impl QuietHours {
    /// `21:00-08:00`; `off` or `none` → `Some(None)`.
    pub fn parse(s: &str) -> Option<Option<QuietHours>> {
        let s = s.trim();
        if matches!(s, "off" | "none") {
            return Some(None);
        }
        let (a, b) = s.split_once('-')?;
        let start: Time = a.trim().parse().ok()?;
        let end: Time = b.trim().parse().ok()?;
        Some((start != end).then_some(QuietHours { start, end }))
    }

    /// Whether `t` is in the quiet hours.
    pub fn contains(&self, t: Timestamp) -> bool {
        let time = t.to_zoned_datetime(bundle::japan::zone()).time();
        match self.start < self.end {
            true => self.start <= time && time < self.end,
            false => time >= self.start || time < self.end,
        }
    }

    /// `t` itself when it is not quiet, else the end of the quiet hours it is in.
    pub fn release(&self, t: Timestamp) -> Timestamp {
        if !self.contains(t) {
            return t;
        }
        let zoned = t.to_zoned_datetime(bundle::japan::zone());
        let mut date = zoned.date();
        if zoned.time() >= self.end {
            date = date.tomorrow().unwrap_or(date);
        }
        date.to_datetime(self.end)
            .to_zoned_datetime(bundle::japan::zone())
            .map_or(t, |z| z.timestamp())
    }
}

/// What happened to a notice, one journal line each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    /// The notice id (page path).
    pub notice: String,
    /// What happened.
    pub event: RecordKind,
    /// The notice version ([`Notice::hash`]) concerned.
    pub hash: String,
    /// The `X-Line-Retry-Key` of the attempt, when one was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_key: Option<String>,
    /// When it happened (RFC 3339, UTC).
    pub time: String,
    /// LINE's HTTP status, when it answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// LINE's `x-line-request-id` (or `x-line-accepted-request-id` on a 409).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// Why it failed or was missed (LINE's error message and details, or our reason).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Who wrote it: `scheduler` or `oyako send`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// On a `sent` record: it went out as a narrowcast, whose outcome LINE reports later.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub narrowcast: bool,
    /// On a `completed` record: how LINE says the narrowcast ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<Delivery>,
}

/// How an accepted narrowcast ended, as LINE reports it
/// (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// `succeeded` or `failed` (the two final phases).
    pub phase: Phase,
    /// Users the message was sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub success_count: Option<u64>,
    /// Users it could not be sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_count: Option<u64>,
    /// Users it was meant for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_count: Option<u64>,
    /// LINE's `errorCode` when it failed (see [`super::api::error_code_meaning`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<i64>,
    /// When LINE finished (`completedTime`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_time: Option<String>,
}

/// The final phases of a narrowcast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Sent; `failure_count` may still be above zero (a partial delivery).
    Succeeded,
    /// Not sent, or sent only in part: `error_code` and the record's `detail` say why.
    Failed,
}

impl Delivery {
    /// True when everyone targeted got it: succeeded with no failures.
    pub fn complete(&self) -> bool {
        self.phase == Phase::Succeeded && self.failure_count.unwrap_or(0) == 0
    }
}

/// Kinds of journal records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An attempt is about to be made with `retry_key`: written (and synced) before the
    /// first request, so its time survives a restart.
    Started,
    /// LINE accepted the notice (2xx, or 409 for an already accepted retry key). Final.
    Sent,
    /// LINE refused it (4xx), the quota check refused it, or the retry window ended.
    Failed,
    /// It was due too long ago (the runtime was down) and was not sent.
    Missed,
    /// LINE finished processing the narrowcast of the `sent` record with the same retry
    /// key; `delivery` says how.
    Completed,
    /// LINE would not tell the outcome of that narrowcast (its progress answer was an error,
    /// or its 14 days passed): nobody knows whether it arrived.
    Unconfirmed,
}

/// One notice's journal, folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct History {
    /// The latest `sent` record (the first of its retry key), if any: the scheduler never
    /// sends again.
    pub sent: Option<Record>,
    /// The `completed` or `unconfirmed` record of a narrowcast `sent`, once known.
    pub outcome: Option<Record>,
    /// An attempt without outcome: its retry key and first attempt time.
    pub open: Option<(String, Timestamp)>,
    /// The last `failed` record by notice version.
    pub failed: BTreeMap<String, Record>,
    /// The `missed` record by notice version.
    pub missed: BTreeMap<String, Record>,
}

/// Folds journal records (in file order) into one history per notice id.
pub fn histories(records: &[Record]) -> BTreeMap<String, History> {
    let mut out: BTreeMap<String, History> = BTreeMap::new();
    for r in records {
        let h = out.entry(r.notice.clone()).or_default();
        match r.event {
            RecordKind::Started => {
                let (Some(key), Ok(time)) = (&r.retry_key, r.time.parse::<Timestamp>()) else {
                    continue;
                };
                if h.open.as_ref().is_none_or(|(k, _)| k != key) {
                    h.open = Some((key.clone(), time));
                }
            }
            RecordKind::Sent => {
                h.open = None;
                // Replicas journal the same send (LINE answers the others 409); a resend
                // carries a new key and starts a new outcome.
                if h.sent.as_ref().is_none_or(|s| s.retry_key != r.retry_key) {
                    h.sent = Some(r.clone());
                    h.outcome = None;
                }
            }
            RecordKind::Completed | RecordKind::Unconfirmed => {
                if h.sent.as_ref().is_some_and(|s| s.retry_key == r.retry_key) {
                    h.outcome = Some(r.clone());
                }
            }
            RecordKind::Failed => {
                if h.open.as_ref().is_some_and(|(k, _)| Some(k) == r.retry_key.as_ref()) {
                    h.open = None;
                }
                h.failed.insert(r.hash.clone(), r.clone());
            }
            RecordKind::Missed => {
                h.missed.insert(r.hash.clone(), r.clone());
            }
        }
    }
    out
}

impl History {
    /// The narrowcast `sent` record whose outcome is still to be read from LINE.
    pub fn awaiting_outcome(&self) -> Option<&Record> {
        self.sent.as_ref().filter(|s| s.narrowcast && self.outcome.is_none())
    }
}

/// What the scheduler should do about one notice now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing, ever again (sent, failed or missed for this version), or a bad schedule.
    Done,
    /// Nothing yet: look again at this time.
    Wait(Timestamp),
    /// Send with this retry key; `resume` when an attempt with it was already started.
    Send {
        /// The `X-Line-Retry-Key`.
        key: String,
        /// True when the journal already has its `started` record.
        resume: bool,
    },
    /// Journal it as missed.
    Miss,
    /// Journal the open attempt with this key as failed: the retry window is over.
    GiveUp(String),
}

/// The decision for notice `n` with history `h` at `now`.
pub fn decide(n: &Notice, h: &History, now: Timestamp, p: &Policy) -> Decision {
    if h.sent.is_some() {
        return Decision::Done;
    }
    if let Some((key, first)) = &h.open {
        let last_start = add(*first, p.retry_window.saturating_sub(p.attempt_timeout));
        return match now < last_start {
            true => Decision::Send { key: key.clone(), resume: true },
            false => Decision::GiveUp(key.clone()),
        };
    }
    if h.failed.contains_key(&n.hash) || h.missed.contains_key(&n.hash) {
        return Decision::Done;
    }
    let Some(due) = due(n, p) else { return Decision::Done };
    if now < due {
        return Decision::Wait(due);
    }
    if now.duration_since(due) > jiff::SignedDuration::try_from(p.grace).unwrap_or_default() {
        return Decision::Miss;
    }
    match p.quiet.filter(|q| !n.force && q.contains(now)) {
        Some(q) => Decision::Wait(q.release(now)),
        None => Decision::Send { key: retry_key(&n.id, &n.hash), resume: false },
    }
}

/// When notice `n` is due: `at`, moved out of quiet hours unless forced.
pub fn due(n: &Notice, p: &Policy) -> Option<Timestamp> {
    let at: Timestamp = n.at.parse().ok()?;
    Some(match p.quiet.filter(|_| !n.force) {
        Some(q) => q.release(at),
        None => at,
    })
}

/// Where a notice stands, for `oyako notices`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Not due yet.
    Upcoming,
    /// Due now: the scheduler sends it at its next look.
    Due,
    /// An attempt is under way (retrying since the given time).
    Sending(Timestamp),
    /// Accepted by LINE (a broadcast; a narrowcast is [`Status::Narrowcast`]).
    Sent(Record),
    /// A narrowcast accepted by LINE, and its outcome once LINE reported it.
    Narrowcast {
        /// The `sent` record.
        sent: Record,
        /// The `completed` or `unconfirmed` record; `None` while LINE is still at it.
        outcome: Option<Box<Record>>,
    },
    /// Refused, or given up.
    Failed(Record),
    /// Not sent because it was due too long ago (`None`: not journalled yet).
    Missed(Option<Record>),
}

impl Status {
    /// The status word: `upcoming`, `due`, `sending`, `sent`, `failed` or `missed`; for a
    /// narrowcast also `accepted` (outcome not known yet), `partial` (some did not get it)
    /// and `unconfirmed` (LINE would not tell).
    pub fn word(&self) -> &'static str {
        match self {
            Status::Upcoming => "upcoming",
            Status::Due => "due",
            Status::Sending(_) => "sending",
            Status::Sent(_) => "sent",
            Status::Narrowcast { outcome: None, .. } => "accepted",
            Status::Narrowcast { outcome: Some(o), .. } => match (&o.event, &o.delivery) {
                (RecordKind::Completed, Some(d)) if d.complete() => "sent",
                (RecordKind::Completed, Some(d)) if d.phase == Phase::Succeeded => "partial",
                (RecordKind::Completed, Some(_)) => "failed",
                _ => "unconfirmed",
            },
            Status::Failed(_) => "failed",
            Status::Missed(_) => "missed",
        }
    }
}

/// The status of notice `n` with history `h` at `now`.
pub fn status(n: &Notice, h: &History, now: Timestamp, p: &Policy) -> Status {
    if let Some((_, first)) = &h.open {
        return Status::Sending(*first);
    }
    if let Some(r) = &h.sent {
        return match r.narrowcast {
            true => {
                Status::Narrowcast { sent: r.clone(), outcome: h.outcome.clone().map(Box::new) }
            }
            false => Status::Sent(r.clone()),
        };
    }
    if let Some(r) = h.failed.get(&n.hash) {
        return Status::Failed(r.clone());
    }
    if let Some(r) = h.missed.get(&n.hash) {
        return Status::Missed(Some(r.clone()));
    }
    match decide(n, h, now, p) {
        Decision::Miss => Status::Missed(None),
        Decision::Wait(_) if due(n, p).is_some_and(|d| now < d) => Status::Upcoming,
        _ => Status::Due,
    }
}

/// The `X-Line-Retry-Key` of a notice version: a hex UUID (version 8, RFC 9562 layout) made
/// from SHA-256 of the id and hash, so every replica and every restart sends the same key.
pub fn retry_key(id: &str, hash: &str) -> String {
    uuid_of(&format!("oyako-notice\0{id}\0{hash}"))
}

/// A hex UUID made from SHA-256 of `text`.
pub fn uuid_of(text: &str) -> String {
    uuid(&Sha256::digest(text.as_bytes()))
}

/// A hex UUID (version 8, variant 10) from the first 16 bytes of `bytes`.
pub fn uuid(bytes: &[u8]) -> String {
    let mut b = [0u8; 16];
    b.copy_from_slice(&bytes[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// `t + d`, saturating at the end of jiff's range.
pub fn add(t: Timestamp, d: Duration) -> Timestamp {
    let d = jiff::SignedDuration::try_from(d).unwrap_or(jiff::SignedDuration::MAX);
    t.checked_add(d).unwrap_or(Timestamp::MAX)
}

/// A token bucket: `per_hour` requests an hour, refilled gradually like LINE's
/// (<https://developers.line.biz/en/reference/messaging-api/#rate-limits>), starting full.
#[derive(Debug, Clone)]
pub struct Bucket {
    per_hour: u32,
    tokens: f64,
    last: Option<Timestamp>,
}

impl Bucket {
    /// A full bucket.
    pub fn new(per_hour: u32) -> Bucket {
        Bucket { per_hour: per_hour.max(1), tokens: f64::from(per_hour.max(1)), last: None }
    }

    /// Takes a token at `now`, or tells when the next one is available.
    pub fn take(&mut self, now: Timestamp) -> Result<(), Timestamp> {
        let rate = f64::from(self.per_hour) / 3600.0;
        if let Some(last) = self.last.filter(|l| now > *l) {
            let elapsed = now.duration_since(last).as_secs_f64();
            self.tokens = (self.tokens + elapsed * rate).min(f64::from(self.per_hour));
        }
        self.last = Some(self.last.map_or(now, |l| l.max(now)));
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        let wait = ((1.0 - self.tokens) / rate).ceil();
        Err(add(now, Duration::from_secs_f64(wait)))
    }
}

#[cfg(test)]
mod tests;
