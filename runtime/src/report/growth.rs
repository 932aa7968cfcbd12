//! How the number of friends grows, for the city's first KPI (500 friends in the first year):
//! where new friends heard of the account, new versus returning friends, blocks after each
//! notice, and the date the goal is reached at the current pace.
//!
//! - A *returning* friend is a follow LINE marks as an unblock (`follow.isUnblocked`, journalled
//!   as `unblock`), or a follow by someone the journal already saw follow (LINE does not
//!   guarantee `isUnblocked`, and journals from before it was recorded only have follows).
//! - Channels count each parent's last answer (a tap on the question after the follow, or a
//!   channel code typed), like surveys; new friends of the period who never answered are
//!   counted as 未回答.
//! - Blocks after a notice are unfollows in the 24 hours after it was sent, beside the 24
//!   hours before it as a baseline.
//! - The pace is plain arithmetic: friends gained (net) over the last [`PACE_DAYS`] days of
//!   the journal divided by those days, continued in a straight line to [`FRIENDS_GOAL`].

use std::collections::{BTreeMap, HashMap, HashSet};

use bundle::Bundle;
use jiff::civil::Date;

use super::FRIENDS_GOAL;
use crate::kpi::{Record, Via};

/// Days the current pace is measured over.
pub const PACE_DAYS: i64 = 28;
/// Window after (and before) a notice in which blocks are counted.
pub const NOTICE_WINDOW_MS: i64 = 24 * 3_600_000;

/// Where friends heard of the account: one answer id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelCount {
    /// The channel id, `other`, `none`, or empty for friends who did not answer.
    pub id: String,
    /// In words (the channel's label from the bundle, その他, 答えない, 未回答).
    pub label: String,
    /// Parents whose last answer this is.
    pub friends: u64,
    /// Of those, by typing the channel's code.
    pub by_code: u64,
}

/// A notice and the blocks around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeBlocks {
    /// The notice id (page path).
    pub id: String,
    /// Its title, from the bundle when given.
    pub title: String,
    /// When LINE accepted it (Unix ms).
    pub sent: i64,
    /// Unfollows in the 24 hours after.
    pub after: u64,
    /// Unfollows in the 24 hours before.
    pub before: u64,
}

/// The way to the goal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pace {
    /// The last day of the friends table.
    pub as_of: Date,
    /// Friends at its end.
    pub friends: i64,
    /// Days the pace was measured over.
    pub days: i64,
    /// Net friends per day over those days.
    pub per_day: f64,
    /// When the goal is (or was) reached.
    pub goal: Goal,
}

/// When the goal is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Goal {
    /// Already, on this day.
    Reached(Date),
    /// On this day, if the pace stays the same.
    Projected(Date),
    /// Never at this pace (no growth).
    NotAtThisPace,
}

/// A notice LINE accepted, from the notices journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentNotice {
    /// The notice id.
    pub id: String,
    /// When (Unix ms).
    pub at: i64,
}

/// Which follow records (by index in `records`) are returning friends.
pub fn returning(records: &[Record]) -> HashSet<usize> {
    let mut order: Vec<usize> = (0..records.len()).collect();
    order.sort_by_key(|&i| (records[i].ts(), i));
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = HashSet::new();
    for i in order {
        match &records[i] {
            Record::Unblock { user, .. } => {
                out.insert(i);
                seen.insert(user);
            }
            // `insert` is false for a user seen before: a returning friend.
            Record::Follow { user, .. } if !seen.insert(user) => {
                out.insert(i);
            }
            _ => {}
        }
    }
    out
}

/// Whether the event at `ts` falls on a day of the report's period (`period` tests a day in
/// Japan).
fn in_period(ts: i64, period: &impl Fn(Date) -> bool) -> bool {
    period(bundle::japan::date_of_millis(ts))
}

/// Friends by channel: each parent's last answer in the period, then new friends of the
/// period who never answered.
pub fn channels(
    records: &[Record],
    period: impl Fn(Date) -> bool,
    bundle: Option<&Bundle>,
) -> Vec<ChannelCount> {
    let mut last: HashMap<&str, ((i64, usize), &str, Via)> = HashMap::new();
    let mut answered: HashSet<&str> = HashSet::new();
    for (seq, r) in records.iter().enumerate() {
        let Record::Channel { ts, user, channel, via, .. } = r else { continue };
        answered.insert(user);
        if !in_period(*ts, &period) {
            continue;
        }
        let at = (*ts, seq);
        let kept = last.entry(user).or_insert((at, channel, *via));
        if at > kept.0 {
            *kept = (at, channel, *via);
        }
    }
    let back = returning(records);
    let unanswered = records
        .iter()
        .enumerate()
        .filter(|(i, r)| {
            matches!(r, Record::Follow { ts, .. } if in_period(*ts, &period)) && !back.contains(i)
        })
        .filter_map(
            |(_, r)| if let Record::Follow { user, .. } = r { Some(user.as_str()) } else { None },
        )
        .filter(|u| !answered.contains(u))
        .collect::<HashSet<_>>()
        .len() as u64;
    let mut counts: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for (_, channel, via) in last.values() {
        let c = counts.entry(channel).or_default();
        c.0 += 1;
        c.1 += u64::from(*via == Via::Code);
    }
    let promo = bundle.and_then(|b| b.promo.as_ref());
    // The bundle's order (its channels, その他, 答えない), then ids it does not know.
    let mut ids: Vec<String> =
        promo.map_or_else(Vec::new, |p| p.channels.iter().map(|c| c.id.clone()).collect());
    ids.extend([bundle::promo::OTHER.to_string(), bundle::promo::NONE.to_string()]);
    let unknown: Vec<String> =
        counts.keys().filter(|k| !ids.iter().any(|i| i == *k)).map(|k| k.to_string()).collect();
    ids.extend(unknown);
    let mut rows: Vec<ChannelCount> = ids
        .into_iter()
        .map(|id| {
            let (friends, by_code) = counts.get(id.as_str()).copied().unwrap_or_default();
            let label = match (id.as_str(), promo.and_then(|p| p.answer_label(&id))) {
                (_, Some(l)) => l.to_string(),
                (bundle::promo::OTHER, None) => "その他".to_string(),
                (bundle::promo::NONE, None) => "答えない".to_string(),
                (other, None) => other.to_string(),
            };
            ChannelCount { id, label, friends, by_code }
        })
        .collect();
    if rows.iter().all(|r| r.friends == 0) && promo.is_none() {
        return Vec::new();
    }
    rows.push(ChannelCount {
        id: String::new(),
        label: "未回答".into(),
        friends: unanswered,
        by_code: 0,
    });
    rows
}

/// Blocks around each notice sent in the period.
pub fn notice_blocks(
    records: &[Record],
    sent: &[SentNotice],
    period: impl Fn(Date) -> bool,
    bundle: Option<&Bundle>,
) -> Vec<NoticeBlocks> {
    let mut unfollows: Vec<i64> = records
        .iter()
        .filter_map(|r| if let Record::Unfollow { ts, .. } = r { Some(*ts) } else { None })
        .collect();
    unfollows.sort_unstable();
    let count = |from: i64, to: i64| {
        let lo = unfollows.partition_point(|t| *t < from);
        let hi = unfollows.partition_point(|t| *t < to);
        (hi - lo) as u64
    };
    let mut rows: Vec<NoticeBlocks> = sent
        .iter()
        .filter(|n| in_period(n.at, &period))
        .map(|n| NoticeBlocks {
            id: n.id.clone(),
            title: bundle
                .and_then(|b| b.notices.iter().find(|x| x.id == n.id))
                .map_or_else(String::new, |x| x.title.clone()),
            sent: n.at,
            after: count(n.at, n.at + NOTICE_WINDOW_MS),
            before: count(n.at - NOTICE_WINDOW_MS, n.at),
        })
        .collect();
    rows.sort_by(|a, b| a.sent.cmp(&b.sent).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// One day of the friends table as the pace needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    /// The day.
    pub day: Date,
    /// Friends at its end.
    pub cumulative: i64,
    /// Its own follows minus unfollows.
    pub net: i64,
}

/// The pace towards the goal, from the friends table, oldest day first (`None` when empty).
pub fn pace(friends: &[Day]) -> Option<Pace> {
    let last = friends.last()?;
    let reached = friends.iter().find(|d| d.cumulative >= FRIENDS_GOAL).map(|d| d.day);
    // The table starts at the period's first day; before it, the cumulative count already
    // holds everything earlier.
    let days = (friends.len() as i64).min(PACE_DAYS);
    let start = &friends[friends.len() - days as usize];
    let gained = last.cumulative - (start.cumulative - start.net);
    let per_day = gained as f64 / days as f64;
    let goal = match reached {
        Some(day) => Goal::Reached(day),
        None if per_day <= 0.0 => Goal::NotAtThisPace,
        None => {
            let needed = ((FRIENDS_GOAL - last.cumulative) as f64 / per_day).ceil() as i64;
            match jiff::Span::new().try_days(needed).ok().and_then(|s| last.day.checked_add(s).ok())
            {
                Some(day) => Goal::Projected(day),
                None => Goal::NotAtThisPace,
            }
        }
    };
    Some(Pace { as_of: last.day, friends: last.cumulative, days, per_day, goal })
}

impl Pace {
    /// The pace and the projection in words, saying that it is a straight-line estimate.
    pub fn sentence(&self) -> String {
        let how = format!(
            "直近 {} 日の増え方（1日あたり {:+.2} 人）がこのまま続くとした単純な計算です",
            self.days, self.per_day
        );
        match self.goal {
            Goal::Reached(day) => format!("目標 {FRIENDS_GOAL} 人に {day} に届きました"),
            Goal::Projected(day) => {
                format!("目標 {FRIENDS_GOAL} 人に届く見込み: {day}（{how}）")
            }
            Goal::NotAtThisPace => {
                format!("このままでは目標 {FRIENDS_GOAL} 人に届きません（{how}）")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: i64 = 86_400_000;
    /// 2026-11-27 00:00 in Japan.
    const T0: i64 = 1_795_705_200_000;

    fn follow(ts: i64, user: &str) -> Record {
        Record::Follow { ts, user: user.into(), ev: None }
    }

    fn channel(ts: i64, user: &str, channel: &str, via: Via) -> Record {
        Record::Channel { ts, user: user.into(), channel: channel.into(), via, ev: None }
    }

    #[test]
    fn returning_friends_are_unblocks_and_second_follows() {
        let records = vec![
            follow(T0 + 5, "a"),
            Record::Unblock { ts: T0 + 1, user: "b".into(), ev: None },
            follow(T0 + 2, "a"), // read later, happened earlier: this one is the first
            follow(T0 + 3, "c"),
        ];
        let r = returning(&records);
        assert_eq!(r, HashSet::from([0, 1]));
    }

    #[test]
    fn last_answer_per_parent_and_the_unanswered() {
        let records = vec![
            follow(T0, "a"),
            follow(T0, "b"),
            follow(T0, "c"),
            follow(T0, "d"),
            Record::Unblock { ts: T0, user: "e".into(), ev: None },
            channel(T0 + 1, "a", "techo", Via::Button),
            channel(T0 + 2, "a", "kenshin", Via::Code), // a changed their mind
            channel(T0 + 1, "b", "techo", Via::Button),
            channel(T0 + 1, "c", "none", Via::Button),
        ];
        let rows = channels(&records, |_| true, None);
        let got: Vec<(&str, &str, u64, u64)> =
            rows.iter().map(|r| (r.id.as_str(), r.label.as_str(), r.friends, r.by_code)).collect();
        assert_eq!(
            got,
            [
                ("other", "その他", 0, 0),
                ("none", "答えない", 1, 0),
                ("kenshin", "kenshin", 1, 1),
                ("techo", "techo", 1, 0),
                ("", "未回答", 1, 0),
            ]
        );
    }

    #[test]
    fn blocks_around_notices() {
        let un = |ts| Record::Unfollow { ts, user: "u".into(), ev: None };
        let records =
            vec![un(T0 - 2 * DAY), un(T0 - 1), un(T0 + 1), un(T0 + DAY - 1), un(T0 + DAY)];
        let sent = [SentNotice { id: "events/a".into(), at: T0 }];
        let rows = notice_blocks(&records, &sent, |_| true, None);
        assert_eq!((rows[0].before, rows[0].after), (1, 2));
    }

    /// Consecutive days from 2026-11-01 with these friend counts at their ends, `start` before.
    fn days(start: i64, cumulative: &[i64]) -> Vec<Day> {
        let mut day: Date = "2026-11-01".parse().unwrap();
        let mut prev = start;
        cumulative
            .iter()
            .map(|&c| {
                let d = Day { day, cumulative: c, net: c - prev };
                prev = c;
                day = day.tomorrow().unwrap();
                d
            })
            .collect()
    }

    #[test]
    fn pace_is_a_straight_line_to_the_goal() {
        // 10 days, 2 friends a day from 100: 120 on 2026-11-10; 380 more at 2/day = 190 days.
        let rows = days(100, &(1..=10).map(|i| 100 + 2 * i).collect::<Vec<_>>());
        let p = pace(&rows).unwrap();
        assert_eq!((p.days, p.friends), (10, 120));
        assert!((p.per_day - 2.0).abs() < 1e-9);
        assert_eq!(p.goal, Goal::Projected("2027-05-19".parse().unwrap()));
        assert!(p.sentence().contains("2027-05-19") && p.sentence().contains("単純な計算"));
        let flat = pace(&days(10, &[10, 10, 9])).unwrap();
        assert_eq!(flat.goal, Goal::NotAtThisPace);
        let done = pace(&days(497, &[499, 501, 500])).unwrap();
        assert_eq!(done.goal, Goal::Reached("2026-11-02".parse().unwrap()));
        assert!(pace(&[]).is_none());
    }
}
