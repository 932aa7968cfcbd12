//! One day's delivery: every (child, step) due, sent exactly once.
//!
//! Why exactly once, reusing the notices' pieces ([`crate::notices`]): a `started` record
//! naming the retry key, the step, the day and the children (in request order) is synced
//! before the request; LINE's answer is journalled after it. After a crash anywhere between,
//! the next run finds the open send and repeats the *identical* request with the same
//! `X-Line-Retry-Key`, which LINE answers 409 when it had accepted it — counted as sent
//! (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request>). The key is
//! derived from step, day and recipients, so a second replica computing the same send derives
//! the same key; and only one process delivers at a time (`timed.deliver.lock`).
//!
//! What happens to a send left open (no answer: a crash, a timeout, a 5xx) — the resume
//! window: it is repeated, identically, only while LINE still knows its key. LINE keeps a key
//! 24 h after the first request; [`Policy::retry_window`] (23 h, counted from the `started`
//! record, which precedes the request) leaves an hour for clock differences. `oyako serve`
//! retries every few minutes and `oyako deliver` for a while within its run, so a send is
//! normally settled long before. One still open past the window — the process was down for a
//! day, or `oyako deliver` runs once a day from cron and the previous run died — is journalled
//! [`Fact::Unknown`]: it may or may not have arrived, so it is not repeated (that could
//! deliver twice); the children count as done, and `oyako deliver` and the log name the step
//! and the number of children for the operator. The same holds for an open send whose
//! recipients changed (a parent stopped in between): the identical request can no longer be
//! made.
//!
//! A send LINE refuses (a 4xx other than 409: a bad request, an expired token, the monthly
//! limit) delivered nothing, so repeating it cannot deliver twice: it is journalled
//! [`Fact::Failed`], logged and reported, the children stay not done, and the next day's run
//! sends it again while the step is within the grace window (under that day's key) — after a
//! fixed token or page, it goes out late instead of never; past the grace window it is not
//! sent. It is not retried within the same day, since the same request gets the same answer.
//!
//! Requests: `multicast` for up to [`MAX_MULTICAST_RECIPIENTS`] children sharing a step,
//! `push` for one (<https://developers.line.biz/en/reference/messaging-api/#send-multicast-message>);
//! never narrowcast, which refuses audiences under 50. The monthly quota is checked first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::time::Duration;

use bundle::limits::MAX_MULTICAST_RECIPIENTS;
use bundle::{Anchor, Timed};
use http::Method;
use jiff::Timestamp;
use jiff::civil::{Date, Time};
use serde_json::{Value, json};

use crate::notices::api::{MULTICAST_PATH, PUSH_PATH, Planned, served};
use crate::notices::schedule::{QuietHours, uuid_of};
use crate::notices::{Api, Outcome, classify};
use crate::timed::plan::{DUE_QUESTION, StepDays, question_day};
use crate::timed::{Batch, Fact, Index, Store};

/// File locked by the process delivering, so replicas take turns.
pub const DELIVER_LOCK: &str = "timed.deliver.lock";

/// When and how to deliver.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Time of day in Japan (default 10:00).
    pub at: Time,
    /// Quiet hours, as for notices: a delivery time inside them waits for their end.
    pub quiet: Option<QuietHours>,
    /// A step whose day was missed (downtime) is still sent this many days late.
    pub grace_days: i32,
    /// An open send is resumed within this time of its first attempt (LINE keeps a retry key
    /// 24 h), else given up.
    pub retry_window: Duration,
    /// Time allowed for one API call.
    pub attempt_timeout: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            at: Time::constant(10, 0, 0, 0),
            quiet: Some(QuietHours::default()),
            grace_days: 3,
            retry_window: Duration::from_secs(23 * 3600),
            attempt_timeout: Duration::from_secs(30),
        }
    }
}

impl Policy {
    /// Production's policy with `OYAKO_TIMED_AT` (`10:00`), `OYAKO_TIMED_GRACE_DAYS` (`3`) and
    /// `OYAKO_QUIET_HOURS` (shared with notices) read through `env`.
    pub fn from_env(env: impl Fn(&str) -> Option<String>) -> Result<Policy, String> {
        let mut p = Policy::default();
        if let Some(v) = env("OYAKO_TIMED_AT").filter(|v| !v.trim().is_empty()) {
            p.at = v.trim().parse().map_err(|_| {
                format!(
                    "OYAKO_TIMED_AT={v:?} is not a time of day: expected HH:MM (24-hour, Japan \
                     time), e.g. OYAKO_TIMED_AT=10:00"
                )
            })?;
        }
        if let Some(v) = env("OYAKO_TIMED_GRACE_DAYS").filter(|v| !v.trim().is_empty()) {
            p.grace_days =
                v.trim().parse().ok().filter(|d| (0..=60).contains(d)).ok_or_else(|| {
                    format!(
                        "OYAKO_TIMED_GRACE_DAYS={v:?} is not a whole number of days from 0 to \
                         60: expected e.g. OYAKO_TIMED_GRACE_DAYS=3"
                    )
                })?;
        }
        if let Some(v) = env("OYAKO_QUIET_HOURS").filter(|v| !v.trim().is_empty()) {
            p.quiet = QuietHours::parse(&v)
                .ok_or_else(|| format!("OYAKO_QUIET_HOURS={v:?} is not like 21:00-08:00"))?;
        }
        Ok(p)
    }

    /// When `day`'s delivery starts: the configured time, moved out of quiet hours.
    pub fn send_time(&self, day: Date) -> Timestamp {
        let t = day
            .to_datetime(self.at)
            .to_zoned_datetime(bundle::japan::zone())
            .map_or(Timestamp::MAX, |z| z.timestamp());
        match self.quiet {
            Some(q) => q.release(t),
            None => t,
        }
    }
}

/// One send: a step to some children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Send {
    /// Step id ([`DUE_QUESTION`] for the due-date question).
    pub step: String,
    /// Child ids, in request order.
    pub children: Vec<String>,
    /// The retry key.
    pub key: String,
}

/// What a day's delivery did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Messages accepted by LINE (per child), by step.
    pub sent: BTreeMap<String, usize>,
    /// Sends LINE refused (nothing delivered; sent again on a later day within the grace
    /// window).
    pub failed: Vec<Problem>,
    /// Sends whose outcome can no longer be known (not repeated).
    pub unknown: Vec<Problem>,
    /// Sends still open (no answer yet): resumed by the next run.
    pub open: usize,
    /// The first attempt of the oldest open send: it may be repeated safely until this time
    /// plus [`Policy::retry_window`].
    pub oldest_open: Option<Timestamp>,
    /// Sends planned (dry run) or made.
    pub sends: Vec<Send>,
    /// Another process holds the delivery lock: nothing was done.
    pub busy: bool,
}

impl Report {
    /// Adds a later run's report (the same day, retrying what was left open).
    pub fn absorb(&mut self, later: Report) {
        for (step, n) in later.sent {
            *self.sent.entry(step).or_default() += n;
        }
        self.failed.extend(later.failed);
        self.unknown.extend(later.unknown);
        self.open = later.open;
        self.oldest_open = later.oldest_open;
        self.sends.extend(later.sends);
        self.busy = later.busy;
    }
}

/// A send that was refused or whose outcome is unknown, for the operator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Step id.
    pub step: String,
    /// How many children it was for.
    pub children: usize,
    /// Why (LINE's answer, or why it cannot be repeated).
    pub detail: String,
    /// The first attempt.
    pub first: Timestamp,
}

/// Why a day's delivery did not start.
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The journal could not be read or written.
    #[error("journal: {0}")]
    Journal(#[from] io::Error),
    /// The month's quota cannot take the day's messages (Japanese, for staff).
    #[error("{0}")]
    Quota(String),
}

/// The sends due on `day` (resumed ones excluded), grouped by step.
pub fn plan_day(index: &Index, timed: &Timed, day: Date, grace_days: i32) -> Vec<Send> {
    let open: HashSet<(&str, &str)> = index
        .open
        .values()
        .flat_map(|b| b.children.iter().map(move |c| (b.step.as_str(), c.as_str())))
        .collect();
    let mut ids: Vec<&String> = index.children.keys().collect();
    ids.sort();
    // Each step's interned index, and every step's days per anchor date, looked up once.
    let interned: Vec<Option<u16>> = timed.steps.iter().map(|s| index.step_index(&s.id)).collect();
    let mut days: HashMap<(Anchor, Date), Vec<Option<StepDays>>> = HashMap::new();
    let mut by_step: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
    for id in ids {
        let child = &index.children[id];
        let done = |s: &str| index.is_done(child, s) || open.contains(&(s, id.as_str()));
        let plan = &child.plan;
        let step_days = days
            .entry((plan.anchor, plan.date))
            .or_insert_with(|| StepDays::all(timed, plan.anchor, plan.date));
        for ((step, step_day), ix) in timed.steps.iter().zip(step_days.iter()).zip(&interned) {
            let Some(step_day) = step_day else { continue };
            if !plan.sendable_in(step_day, day, grace_days)
                || ix.is_some_and(|i| child.done.contains(&i))
                || open.contains(&(step.id.as_str(), id.as_str()))
            {
                continue;
            }
            by_step.entry(step.id.as_str()).or_default().push((id, &child.user));
        }
        let asked = question_day(&child.plan).is_some_and(|q| q <= day && day < child.plan.end());
        if child.plan.anchor == Anchor::Due && asked && !done(DUE_QUESTION) {
            by_step.entry(DUE_QUESTION).or_default().push((id, &child.user));
        }
    }
    let mut out = Vec::new();
    for (step, kids) in by_step {
        for chunk in batches(&kids, step == DUE_QUESTION) {
            let key = uuid_of(&format!("oyako-timed\0{step}\0{day}\0{}", chunk.join(",")));
            if !index.refused.contains(&key) {
                out.push(Send { step: step.to_string(), children: chunk, key });
            }
        }
    }
    out
}

/// Children in batches of at most [`MAX_MULTICAST_RECIPIENTS`], a parent at most once per
/// batch (two children of one parent due the same step get one message each). The due-date
/// question names its child in its buttons, so it goes one by one.
fn batches(kids: &[(&str, &str)], single: bool) -> Vec<Vec<String>> {
    let max = if single { 1 } else { MAX_MULTICAST_RECIPIENTS };
    let mut rounds: Vec<(Vec<String>, HashSet<&str>)> = Vec::new();
    for (child, user) in kids {
        let slot = rounds.iter_mut().find(|(c, users)| c.len() < max && !users.contains(user));
        match slot {
            Some((c, users)) => {
                c.push((*child).to_string());
                users.insert(user);
            }
            None => rounds.push((vec![(*child).to_string()], HashSet::from([*user]))),
        }
    }
    rounds.into_iter().map(|(c, _)| c).collect()
}

/// Runs `day`'s delivery at `now`: resumes open sends, checks the quota, sends what is due.
/// With `dry_run` nothing is sent or journalled; the planned sends are returned.
pub async fn deliver_day(
    api: Option<&Api>,
    store: &Store,
    timed: &Timed,
    day: Date,
    now: Timestamp,
    policy: &Policy,
    dry_run: bool,
) -> Result<Report, DeliverError> {
    let mut report = Report::default();
    let lock_path = store.path().with_file_name(DELIVER_LOCK);
    let Some(_lock) = try_lock(&lock_path)? else {
        report.busy = true;
        return Ok(report);
    };
    let sends = store.read(|i| plan_day(i, timed, day, policy.grace_days))?;
    if dry_run || api.is_none() {
        report.sends = sends;
        return Ok(report);
    }
    let Some(api) = api else { return Ok(report) };
    resume(api, store, timed, now, policy, &mut report).await?;
    let total: usize = sends.iter().map(|s| s.children.len()).sum();
    if total > 0 {
        let quota = api.quota(now).await;
        if let (Ok(Some(limit)), Ok(used)) = (&quota.limit, &quota.used)
            && limit.saturating_sub(*used) < total as u64
        {
            let msg = format!(
                "今月の送信上限が足りないため、{day} の配信（{total} 通）を送りません（{}）。来月まで待つか、LINE 公式アカウントのプランを確認してください。",
                quota.summary()
            );
            tracing::error!(day = %day, messages = total, "timed delivery refused: it would exceed the monthly quota");
            return Err(DeliverError::Quota(msg));
        }
    }
    for send in sends {
        let started = Fact::Started {
            key: send.key.clone(),
            s: send.step.clone(),
            day: day.to_string(),
            cs: send.children.clone(),
            ts: now.as_millisecond(),
        };
        // Exactly-once needs this on disk before LINE can have the request.
        store.append(&[started])?;
        attempt(api, store, timed, &send, day, now, now, &mut report).await?;
        report.sends.push(send);
    }
    report.oldest_open = store
        .read(|i| i.open.values().map(|b| b.ts).min())?
        .and_then(|ms| Timestamp::from_millisecond(ms).ok());
    Ok(report)
}

/// Open sends from an earlier run: the identical request again while LINE knows its key,
/// else journalled as of unknown outcome (see the module doc).
async fn resume(
    api: &Api,
    store: &Store,
    timed: &Timed,
    now: Timestamp,
    policy: &Policy,
    report: &mut Report,
) -> Result<(), DeliverError> {
    let open: Vec<(String, Batch, bool)> = store.read(|i| {
        i.open
            .iter()
            .map(|(k, b)| {
                let intact = b.children.iter().all(|c| i.children.contains_key(c));
                (k.clone(), b.clone(), intact)
            })
            .collect()
    })?;
    for (key, batch, intact) in open {
        let age = now.as_millisecond().saturating_sub(batch.ts);
        let why = if age > policy.retry_window.as_millis() as i64 {
            Some(
                "no answer from LINE within the retry key's life (24 h): it may or may not \
                 have arrived, and sending it again could deliver it twice",
            )
        } else if !intact || (batch.step != DUE_QUESTION && timed.step(&batch.step).is_none()) {
            Some(
                "its recipients or its step changed before LINE's answer was known: the \
                 identical request can no longer be made, and another could deliver twice",
            )
        } else {
            None
        };
        if let Some(why) = why {
            tracing::error!(
                step = %batch.step,
                recipients = batch.children.len(),
                day = %batch.day,
                "timed send of unknown outcome: not repeated; {why}"
            );
            let ts = now.as_millisecond();
            store.append(&[Fact::Unknown { key: key.clone(), detail: why.into(), ts }])?;
            report.unknown.push(problem(&batch.step, batch.children.len(), why, batch.ts));
            continue;
        }
        let first = Timestamp::from_millisecond(batch.ts).unwrap_or(now);
        let send = Send { step: batch.step, children: batch.children, key };
        attempt(api, store, timed, &send, batch.day, first, now, report).await?;
    }
    Ok(())
}

fn problem(step: &str, children: usize, detail: &str, first_ms: i64) -> Problem {
    Problem {
        step: step.to_string(),
        children,
        detail: detail.to_string(),
        first: Timestamp::from_millisecond(first_ms).unwrap_or(Timestamp::UNIX_EPOCH),
    }
}

/// One request for `send` (first made at `first`), its outcome journalled.
#[allow(clippy::too_many_arguments, reason = "one send's context, passed in one place")]
async fn attempt(
    api: &Api,
    store: &Store,
    timed: &Timed,
    send: &Send,
    day: Date,
    first: Timestamp,
    now: Timestamp,
    report: &mut Report,
) -> Result<(), DeliverError> {
    let ts = now.as_millisecond();
    let users: Option<Vec<String>> = store.read(|i| {
        send.children.iter().map(|c| i.children.get(c).map(|ch| ch.user.clone())).collect()
    })?;
    let Some(users) = users else {
        // Only a first attempt gets here (a resumed one was checked): nothing was sent.
        let detail = "a recipient was deleted before the request; not sent";
        store.append(&[Fact::Failed { key: send.key.clone(), detail: detail.into(), ts }])?;
        let first = first.as_millisecond();
        report.failed.push(problem(&send.step, send.children.len(), detail, first));
        return Ok(());
    };
    let messages = match send.step.as_str() {
        DUE_QUESTION => {
            serde_json::from_str::<Value>(&crate::timed::question(timed, &send.children[0], day))
                .unwrap_or(Value::Null)
        }
        id => timed.step(id).map_or(Value::Null, |s| served(&s.messages, api.public_url())),
    };
    let req = request(&users, messages, &send.key);
    match classify(api.call(&req).await, now) {
        Outcome::Accepted { status, .. } => {
            store.append(&[Fact::Sent { key: send.key.clone(), status, ts }])?;
            *report.sent.entry(send.step.clone()).or_default() += send.children.len();
            tracing::info!(step = %send.step, recipients = send.children.len(), status, "timed message sent");
        }
        Outcome::Refused { detail, .. } => {
            tracing::error!(
                step = %send.step,
                recipients = send.children.len(),
                detail = %detail,
                "timed message refused by LINE: nothing delivered; sent again on a later day within the grace window"
            );
            store.append(&[Fact::Failed { key: send.key.clone(), detail: detail.clone(), ts }])?;
            let first = first.as_millisecond();
            report.failed.push(problem(&send.step, send.children.len(), &detail, first));
        }
        Outcome::Later { why, .. } => {
            tracing::warn!(step = %send.step, error = %why, "timed message not sent yet; will retry with the same key");
            report.open += 1;
        }
    }
    Ok(())
}

/// `push` to one user, `multicast` to several.
fn request(users: &[String], messages: Value, key: &str) -> Planned {
    let (path, body) = match users {
        [one] => (PUSH_PATH, json!({ "to": one, "messages": messages })),
        many => (MULTICAST_PATH, json!({ "to": many, "messages": messages })),
    };
    Planned {
        method: Method::POST,
        path: path.into(),
        retry_key: Some(key.into()),
        body: Some(body),
    }
}

/// The delivery lock, or `None` when another process holds it.
fn try_lock(path: &Path) -> io::Result<Option<File>> {
    let file = OpenOptions::new().create(true).truncate(false).write(true).open(path)?;
    match file.try_lock() {
        Ok(()) => Ok(Some(file)),
        Err(std::fs::TryLockError::WouldBlock) => Ok(None),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_keep_a_parent_once_and_respect_the_multicast_limit() {
        let kids: Vec<(String, String)> =
            (0..1001).map(|i| (format!("c{i:04}"), format!("U{}", i.min(1000)))).collect();
        let mut refs: Vec<(&str, &str)> =
            kids.iter().map(|(c, u)| (c.as_str(), u.as_str())).collect();
        refs.push(("c9999", "U0"));
        let b = batches(&refs, false);
        assert_eq!(b.iter().map(Vec::len).collect::<Vec<_>>(), vec![500, 500, 2]);
        assert!(b[2].contains(&"c9999".to_string()));
        assert_eq!(batches(&refs[..3], true).len(), 3);
    }

    #[test]
    fn configuration_errors_name_the_variable_and_the_expected_form() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
        };
        let p = Policy::from_env(env(&[
            ("OYAKO_TIMED_AT", " 09:30 "),
            ("OYAKO_TIMED_GRACE_DAYS", "0"),
            ("OYAKO_QUIET_HOURS", "off"),
        ]))
        .unwrap();
        assert_eq!((p.at, p.grace_days, p.quiet), (Time::constant(9, 30, 0, 0), 0, None));
        for bad in ["25:00", "10:61", "ten", "10時"] {
            let e =
                Policy::from_env(env(Box::leak(Box::new([("OYAKO_TIMED_AT", bad)])))).unwrap_err();
            assert!(e.starts_with(&format!("OYAKO_TIMED_AT={bad:?}")), "{e}");
            assert!(e.contains("HH:MM") && e.contains("OYAKO_TIMED_AT=10:00"), "{e}");
        }
        for bad in ["-1", "61", "3d", "three", "2.5"] {
            let e = Policy::from_env(env(Box::leak(Box::new([("OYAKO_TIMED_GRACE_DAYS", bad)]))))
                .unwrap_err();
            assert!(e.starts_with(&format!("OYAKO_TIMED_GRACE_DAYS={bad:?}")), "{e}");
            assert!(e.contains("0 to 60") && e.contains("OYAKO_TIMED_GRACE_DAYS=3"), "{e}");
        }
    }

    #[test]
    fn send_time_leaves_quiet_hours() {
        let p = Policy::default();
        let day: Date = "2026-04-01".parse().unwrap();
        assert_eq!(bundle::japan::format(p.send_time(day)), "2026-04-01T10:00:00+09:00");
        let early = Policy { at: Time::constant(6, 0, 0, 0), ..Policy::default() };
        assert_eq!(bundle::japan::format(early.send_time(day)), "2026-04-01T08:00:00+09:00");
    }
}
