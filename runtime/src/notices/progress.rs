//! Narrowcast outcomes. LINE answers a narrowcast with 202 and then filters and delivers it
//! on its own time; it can still fail, or reach fewer people than targeted
//! (<https://developers.line.biz/en/reference/messaging-api/#get-narrowcast-progress-status>).
//! So after a narrowcast is journalled `sent`, its progress is read until LINE reports
//! `succeeded` or `failed`, and that is journalled once as `completed`, with the counts, the
//! error code and LINE's description.
//!
//! Reads back off: the first after [`Policy::progress_first`], then twice the wait each time
//! up to [`Policy::progress_max`], so a slow audience costs a few requests an hour, far within
//! the endpoint's rate limit (<https://developers.line.biz/en/reference/messaging-api/#rate-limits>).
//! No answer, a 5xx or a 429 is read again the same way (after `Retry-After` when given). Any
//! other answer — a 404 once LINE's 14 days are over, a 400 for a request id it does not know —
//! and the end of those 14 days stop the reads with an `unconfirmed` record: nobody can tell
//! any more whether it arrived, and saying so beats guessing.
//!
//! Nothing here ever sends. A failed narrowcast is reported (`oyako notices`, the log) and
//! left to the operator, because its retry key is forgotten by LINE after 24 h and a new
//! request could reach the same people twice.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;

use super::api::{Answer, Api, Progress, error_code_meaning, error_detail, retry_after};
use super::schedule::{Delivery, History, Phase, Policy, Record, RecordKind, add};
use crate::journal::Journal;

/// When to read each accepted narrowcast's progress next (in memory: after a restart every
/// one still awaiting its outcome is read at once).
#[derive(Debug, Default)]
pub struct Outcomes {
    /// By retry key of the `sent` record: the next read, and the wait after it.
    next: BTreeMap<String, (Timestamp, Duration)>,
}

/// What one read of the progress told.
enum Read {
    /// LINE finished: how, and its description of a failure.
    Final(Delivery, Option<String>),
    /// Still `waiting` or `sending` (or a phase unknown to this version).
    NotYet(String),
    /// No usable answer; read again (after this wait, when LINE asked for one).
    Again(Option<Duration>, String),
    /// LINE will not tell: the status and its message.
    Refused(u16, String),
}

impl Outcomes {
    /// Reads the progress of every narrowcast in `histories` that is due a read at `now`,
    /// journals the outcomes LINE reports, and returns the notice ids journalled and when
    /// the next read is due.
    pub async fn poll(
        &mut self,
        api: &Api,
        journal: &Journal,
        histories: &BTreeMap<String, History>,
        now: Timestamp,
        policy: &Policy,
        by: &str,
    ) -> (Vec<String>, Option<Timestamp>) {
        let (mut done, mut next) = (Vec::new(), None::<Timestamp>);
        let awaiting: Vec<&Record> =
            histories.values().filter_map(History::awaiting_outcome).collect();
        self.next.retain(|key, _| awaiting.iter().any(|s| s.retry_key.as_ref() == Some(key)));
        for sent in awaiting {
            let write = |event, detail, delivery| {
                let record = outcome_record(sent, event, now, detail, delivery, by);
                match journal.append(&[record]) {
                    Ok(()) => true,
                    Err(e) => {
                        // The next look reads the progress again and journals it then.
                        tracing::error!(notice = %sent.notice, error = %e, "cannot journal a narrowcast outcome");
                        false
                    }
                }
            };
            let (Some(key), Some(request_id)) = (&sent.retry_key, &sent.request_id) else {
                tracing::warn!(notice = %sent.notice, "narrowcast accepted without a request id: its outcome cannot be read");
                let why = "LINE がリクエスト ID を返さなかったため、配信結果を確認できません";
                if write(RecordKind::Unconfirmed, Some(why.into()), None) {
                    done.push(sent.notice.clone());
                }
                continue;
            };
            let sent_at: Timestamp = sent.time.parse().unwrap_or(now);
            let (at, wait) = *self
                .next
                .entry(key.clone())
                .or_insert((add(sent_at, policy.progress_first), policy.progress_first));
            let days = bundle::limits::NARROWCAST_PROGRESS_DAYS;
            if now >= add(sent_at, Duration::from_secs(days * 24 * 3600)) {
                tracing::warn!(notice = %sent.notice, "narrowcast outcome never reported; giving up");
                let why =
                    format!("受け付けから {days} 日たっても LINE が配信結果を返しませんでした");
                if write(RecordKind::Unconfirmed, Some(why), None) {
                    done.push(sent.notice.clone());
                }
                continue;
            }
            if at > now {
                next = Some(next.map_or(at, |n| n.min(at)));
                continue;
            }
            let (event, detail, delivery) = match read(api.progress(request_id).await, now) {
                Read::Final(delivery, description) => {
                    log_outcome(&sent.notice, &delivery, description.as_deref());
                    (RecordKind::Completed, description, Some(delivery))
                }
                Read::Refused(status, message) => {
                    tracing::warn!(notice = %sent.notice, status, message = %message, "LINE will not tell the narrowcast outcome");
                    let why = format!("LINE が配信結果を返しませんでした（{status}: {message}）");
                    (RecordKind::Unconfirmed, Some(why), None)
                }
                Read::NotYet(why) | Read::Again(None, why) => {
                    tracing::debug!(notice = %sent.notice, phase = %why, "narrowcast outcome not known yet");
                    let at = add(now, wait);
                    self.next.insert(key.clone(), (at, (wait * 2).min(policy.progress_max)));
                    next = Some(next.map_or(at, |n| n.min(at)));
                    continue;
                }
                Read::Again(Some(asked), why) => {
                    tracing::debug!(notice = %sent.notice, why = %why, "narrowcast progress: asked to wait");
                    let at = add(now, asked);
                    self.next.insert(key.clone(), (at, wait));
                    next = Some(next.map_or(at, |n| n.min(at)));
                    continue;
                }
            };
            if write(event, detail, delivery) {
                done.push(sent.notice.clone());
            }
        }
        (done, next)
    }
}

fn read(answer: Result<Answer, String>, now: Timestamp) -> Read {
    let a = match answer {
        Ok(a) => a,
        Err(why) => return Read::Again(None, format!("no answer: {why}")),
    };
    match a.status {
        200 => match serde_json::from_slice::<Progress>(&a.body) {
            Ok(p) => match p.outcome() {
                Some(delivery) => Read::Final(delivery, p.failed_description),
                None => Read::NotYet(p.phase),
            },
            Err(e) => Read::Again(None, format!("unexpected progress answer: {e}")),
        },
        429 => {
            let wait = a.retry_after.as_deref().and_then(|v| retry_after(v, now));
            Read::Again(wait, format!("429: {}", error_detail(&a.body)))
        }
        500..=599 => Read::Again(None, format!("{}: {}", a.status, error_detail(&a.body))),
        status => Read::Refused(status, error_detail(&a.body)),
    }
}

fn log_outcome(notice: &str, d: &Delivery, description: Option<&str>) {
    let (success, failure, target) = (d.success_count, d.failure_count, d.target_count);
    match (d.phase, d.complete()) {
        (Phase::Succeeded, true) => {
            tracing::info!(notice, success, target, "narrowcast delivered");
        }
        (Phase::Succeeded, false) => {
            tracing::warn!(notice, success, failure, target, "narrowcast delivered in part");
        }
        (Phase::Failed, _) => {
            let meaning = d.error_code.map(error_code_meaning);
            tracing::error!(
                notice,
                error_code = d.error_code,
                meaning,
                description,
                success,
                failure,
                target,
                "narrowcast FAILED after LINE accepted it; not re-sent (decide with oyako send --resend)"
            );
        }
    }
}

fn outcome_record(
    sent: &Record,
    event: RecordKind,
    now: Timestamp,
    detail: Option<String>,
    delivery: Option<Delivery>,
    by: &str,
) -> Record {
    Record {
        notice: sent.notice.clone(),
        event,
        hash: sent.hash.clone(),
        retry_key: sent.retry_key.clone(),
        time: now.to_string(),
        status: None,
        request_id: sent.request_id.clone(),
        detail,
        by: Some(by.to_owned()),
        narrowcast: false,
        delivery,
    }
}

/// The Japanese line `oyako notices` shows for a narrowcast `sent` and its `outcome`.
pub fn describe(
    id: &str,
    sent: &Record,
    outcome: Option<&Record>,
    jst: impl Fn(&str) -> String,
) -> String {
    let accepted =
        format!("{} に LINE が受け付け（{}）", jst(&sent.time), sent.by.as_deref().unwrap_or("-"));
    let resend = format!("自動では送り直しません。送り直すなら: oyako send {id} --resend");
    let Some(o) = outcome else { return format!("{accepted}、配信結果を確認中") };
    let Some(d) = o.delivery.as_ref().filter(|_| o.event == RecordKind::Completed) else {
        let why = o.detail.as_deref().unwrap_or("-");
        return format!(
            "{accepted}、配信結果は不明: {why}。届いたかどうかは LINE Official Account Manager で確かめてください。{resend}"
        );
    };
    let counts = counts(d);
    match (d.phase, d.complete()) {
        (Phase::Succeeded, true) => format!("{accepted}、配信完了（{counts}）"),
        (Phase::Succeeded, false) => format!("{accepted}、一部の人に届きませんでした（{counts}）"),
        (Phase::Failed, _) => {
            let code = d
                .error_code
                .map_or_else(String::new, |c| format!("エラー {c}（{}）", error_code_meaning(c)));
            let why = o.detail.as_deref().map_or_else(String::new, |w| format!(" {w}"));
            format!("{accepted}、その後 配信に失敗: {code}{why}（{counts}）。{resend}")
        }
    }
}

fn counts(d: &Delivery) -> String {
    let parts: Vec<String> =
        [("配信", d.success_count), ("失敗", d.failure_count), ("対象", d.target_count)]
            .iter()
            .filter_map(|(what, n)| n.map(|n| format!("{what} {n} 人")))
            .collect();
    if parts.is_empty() { "人数の報告なし".into() } else { parts.join("、") }
}
