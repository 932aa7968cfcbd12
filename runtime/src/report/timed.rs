//! The timed-message tables: registrations now, sign-ups per week, registrations ended (and
//! why), and per step the messages delivered and the blocks that followed one within a day —
//! the messages that drive parents away.
//!
//! They come from the KPI journal's `timed_*` records ([`Record::TimedRegister`] and the
//! others), which carry salted user hashes and no child's date, never from the encrypted
//! registration journal: the report needs no key and shows nothing personal.

use std::collections::{BTreeMap, HashMap};

use bundle::Bundle;
use jiff::ToSpan;
use jiff::civil::{Date, Weekday};

use super::tables::Period;
use crate::kpi::Record;
use crate::timed::plan::DUE_QUESTION;

/// A block this soon after a timed message counts against the message.
pub const BLOCK_WINDOW_MS: i64 = 24 * 3600 * 1000;

/// Everything about timed messages in the report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TimedStats {
    /// Children registered at the end of the period.
    pub children: u64,
    /// Parents with at least one registered child at the end of the period.
    pub parents: u64,
    /// Children registered during the period.
    pub new_children: u64,
    /// Parents who registered their first child during the period.
    pub new_parents: u64,
    /// Sign-ups per week (Monday first) of the period.
    pub weeks: Vec<SignupWeek>,
    /// Children whose registration ended during the period, by why (`stop`, `unfollow`,
    /// `delete`, `quiet`, `end`).
    pub left: BTreeMap<String, u64>,
    /// Per step, in step order when a bundle names them.
    pub steps: Vec<StepStats>,
}

impl TimedStats {
    /// Whether the journal has no timed record at all (the account does not use them).
    pub fn is_empty(&self) -> bool {
        *self == TimedStats::default()
    }
}

/// Sign-ups in one week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignupWeek {
    /// The week's Monday.
    pub monday: Date,
    /// Children registered.
    pub children: u64,
    /// Parents who registered their first child.
    pub parents: u64,
}

/// One step's messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepStats {
    /// Step id.
    pub step: String,
    /// Its page title (from the bundle; else the id).
    pub title: String,
    /// Its time in words (`もうすぐ生後4か月`), when the bundle says.
    pub label: String,
    /// Messages LINE accepted during the period (one per child).
    pub sent: u64,
    /// Blocks during the period within [`BLOCK_WINDOW_MS`] of one of these messages (each
    /// block counts for the last timed message before it).
    pub blocks: u64,
}

impl StepStats {
    /// Blocks per message delivered.
    pub fn block_rate(&self) -> Option<f64> {
        (self.sent > 0).then(|| self.blocks as f64 / self.sent as f64)
    }
}

/// The timed tables of `records` for `period`.
pub fn stats(records: &[Record], period: Period, bundle: Option<&Bundle>) -> TimedStats {
    let day = |ts: i64| bundle::japan::date_of_millis(ts);
    let mut order: Vec<&Record> = records.iter().collect();
    order.sort_by_key(|r| r.ts());
    let mut out = TimedStats::default();
    // Children per parent, up to the end of the period.
    let mut children: HashMap<&str, u64> = HashMap::new();
    let mut first_seen: HashMap<&str, i64> = HashMap::new();
    let mut weeks: BTreeMap<Date, (u64, u64)> = BTreeMap::new();
    let mut steps: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    let mut sends: HashMap<&str, Vec<(i64, &str)>> = HashMap::new();
    for r in &order {
        let d = day(r.ts());
        let after = period.to.is_some_and(|to| d > to);
        let inside = period.contains(d);
        match r {
            Record::TimedRegister { ts, user, .. } => {
                let first = !first_seen.contains_key(user.as_str());
                first_seen.entry(user).or_insert(*ts);
                if after {
                    continue;
                }
                *children.entry(user).or_default() += 1;
                if inside {
                    out.new_children += 1;
                    let week = weeks.entry(monday(d)).or_default();
                    week.0 += 1;
                    if first {
                        out.new_parents += 1;
                        week.1 += 1;
                    }
                }
            }
            Record::TimedLeave { user, why, children: n, .. } if !after => {
                let left = children.entry(user).or_default();
                *left = left.saturating_sub(*n as u64);
                if inside {
                    *out.left.entry(why.clone()).or_default() += *n as u64;
                }
            }
            Record::TimedSent { ts, step, users, .. } => {
                for u in users {
                    sends.entry(u).or_default().push((*ts, step));
                }
                if inside {
                    steps.entry(step).or_default().0 += users.len() as u64;
                }
            }
            _ => {}
        }
    }
    for r in &order {
        let Record::Unfollow { ts, user, .. } = r else { continue };
        if !period.contains(day(*ts)) {
            continue;
        }
        let last = sends.get(user.as_str()).and_then(|s| {
            s.iter().rev().find(|(sent, _)| *sent <= *ts && ts - sent <= BLOCK_WINDOW_MS)
        });
        if let Some((_, step)) = last {
            steps.entry(step).or_default().1 += 1;
        }
    }
    out.children = children.values().sum();
    out.parents = children.values().filter(|n| **n > 0).count() as u64;
    out.weeks = fill_weeks(&weeks, period);
    out.steps = steps
        .into_iter()
        .map(|(step, (sent, blocks))| {
            let (title, label) = describe(step, bundle);
            StepStats { step: step.to_string(), title, label, sent, blocks }
        })
        .collect();
    if let Some(b) = bundle {
        let position =
            |id: &str| b.timed.steps.iter().position(|s| s.id == id).unwrap_or(usize::MAX);
        out.steps.sort_by_key(|s| position(&s.step));
    }
    out
}

/// The Monday of `d`'s week.
fn monday(d: Date) -> Date {
    let back = d.weekday().to_monday_zero_offset();
    d.checked_sub(i64::from(back).days()).unwrap_or(d)
}

/// Every week of the period (or from the first to the last sign-up), empty ones included.
fn fill_weeks(weeks: &BTreeMap<Date, (u64, u64)>, period: Period) -> Vec<SignupWeek> {
    let first = period.from.map(monday).or_else(|| weeks.keys().next().copied());
    let last = period.to.map(monday).or_else(|| weeks.keys().next_back().copied());
    let (Some(mut week), Some(last)) = (first, last) else { return Vec::new() };
    let mut out = Vec::new();
    while week <= last {
        let (children, parents) = weeks.get(&week).copied().unwrap_or_default();
        out.push(SignupWeek { monday: week, children, parents });
        let Ok(next) = week.checked_add(1.week()) else { break };
        week = next;
    }
    debug_assert!(out.iter().all(|w| w.monday.weekday() == Weekday::Monday));
    out
}

fn describe(step: &str, bundle: Option<&Bundle>) -> (String, String) {
    if step == DUE_QUESTION {
        return ("生まれましたか？の確認".into(), "出産予定日の14日後".into());
    }
    match bundle.and_then(|b| b.timed.step(step)) {
        Some(s) => (s.title.clone(), s.label.clone()),
        None => (step.to_string(), String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-02 00:00 JST, a Monday.
    const MON: i64 = 1_793_545_200_000;
    const DAY: i64 = 24 * 3600 * 1000;

    fn register(ts: i64, user: &str) -> Record {
        Record::TimedRegister { ts, user: user.into(), anchor: "birth".into(), ev: None }
    }

    fn leave(ts: i64, user: &str, why: &str, children: usize) -> Record {
        Record::TimedLeave { ts, user: user.into(), why: why.into(), children, ev: None }
    }

    fn sent(ts: i64, step: &str, users: &[&str]) -> Record {
        let users = users.iter().map(|u| u.to_string()).collect();
        Record::TimedSent { ts, step: step.into(), users, ev: Some(format!("{ts}{step}")) }
    }

    fn unfollow(ts: i64, user: &str) -> Record {
        Record::Unfollow { ts, user: user.into(), ev: None }
    }

    #[test]
    fn registrations_sign_ups_stops_sends_and_blocks() {
        assert_eq!(bundle::japan::date_of_millis(MON).weekday(), Weekday::Monday);
        let records = vec![
            register(MON, "a"),
            register(MON + DAY, "a"),
            register(MON + 8 * DAY, "b"),
            register(MON + 9 * DAY, "c"),
            register(MON + 10 * DAY, "d"),
            leave(MON + 11 * DAY, "c", "stop", 1),
            leave(MON + 12 * DAY, "a", "delete", 1),
            sent(MON + 13 * DAY, "k/yon", &["a", "b", "d"]),
            sent(MON + 13 * DAY, "k/one", &["a"]),
            // d blocks 2 h after the 4-month message; b blocks 3 days after it.
            unfollow(MON + 13 * DAY + 2 * 3600 * 1000, "d"),
            unfollow(MON + 16 * DAY, "b"),
            leave(MON + 13 * DAY + 2 * 3600 * 1000, "d", "unfollow", 1),
            // After the period: not counted.
            register(MON + 30 * DAY, "e"),
        ];
        let period = Period {
            from: Some(bundle::japan::date_of_millis(MON)),
            to: Some(bundle::japan::date_of_millis(MON + 20 * DAY)),
        };
        let s = stats(&records, period, None);
        assert_eq!((s.children, s.parents), (2, 2), "a has one left, b one; c, d stopped");
        assert_eq!((s.new_children, s.new_parents), (5, 4));
        let weeks: Vec<(String, u64, u64)> =
            s.weeks.iter().map(|w| (w.monday.to_string(), w.children, w.parents)).collect();
        assert_eq!(
            weeks,
            vec![
                ("2026-11-02".into(), 2, 1),
                ("2026-11-09".into(), 3, 3),
                ("2026-11-16".into(), 0, 0)
            ]
        );
        let left: Vec<(&str, u64)> = s.left.iter().map(|(k, v)| (k.as_str(), *v)).collect();
        assert_eq!(left, vec![("delete", 1), ("stop", 1), ("unfollow", 1)]);
        // Both messages reached a at the same instant; d's block counts for the 4-month one.
        let steps: Vec<(&str, u64, u64)> =
            s.steps.iter().map(|x| (x.step.as_str(), x.sent, x.blocks)).collect();
        assert_eq!(steps, vec![("k/one", 1, 0), ("k/yon", 3, 1)]);
        assert_eq!(s.steps[1].block_rate(), Some(1.0 / 3.0));
        assert!(stats(&[], Period::default(), None).is_empty());
    }

    #[test]
    fn a_parent_who_left_and_came_back_is_no_new_sign_up() {
        let records = vec![
            register(MON, "a"),
            leave(MON + DAY, "a", "stop", 1),
            register(MON + 2 * DAY, "a"),
            leave(MON + 3 * DAY, "a", "end", 1),
        ];
        let s = stats(&records, Period::default(), None);
        assert_eq!((s.new_children, s.new_parents, s.children, s.parents), (2, 1, 0, 0));
        assert_eq!(s.left.values().sum::<u64>(), 2);
    }
}
