//! From journal records to the report's tables: friends per day, satisfaction per survey,
//! taps per page, searches that found nothing, and comments (and, in [`super::growth`],
//! friends by channel, blocks after notices and the pace towards the goal).
//!
//! Days are days in Japan of each event's own timestamp. The period filter applies to every
//! table; the cumulative friend count also includes everything before the period, so it is
//! the number of friends at the end of each day.

use std::collections::{BTreeMap, HashMap};

use bundle::Bundle;
use bundle::postback::parse_survey_answer;

use super::growth::{self, ChannelCount, NoticeBlocks, Pace, SentNotice};
use super::wilson::wilson95;
use jiff::civil::Date;

use crate::kpi::Record;

/// Friends on one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FriendsDay {
    /// The day.
    pub day: Date,
    /// Follow events (new friends and unblocks).
    pub follows: u64,
    /// Of those, returning friends (unblocks; see `growth::returning`).
    pub returning: u64,
    /// Unfollow events (blocks).
    pub unfollows: u64,
    /// Friends at the end of the day, counted from the journal's beginning.
    pub cumulative: i64,
}

impl FriendsDay {
    /// New friends: follows that are not returning friends.
    pub fn new_friends(&self) -> u64 {
        self.follows - self.returning
    }

    /// Follows minus unfollows.
    pub fn net(&self) -> i64 {
        self.follows as i64 - self.unfollows as i64
    }
}

/// One survey's results.
#[derive(Debug, Clone, PartialEq)]
pub struct SurveyStats {
    /// Survey id.
    pub id: String,
    /// The question (from the bundle; else empty).
    pub question: String,
    /// Parents who answered (their last answer counts).
    pub answers: u64,
    /// Of those, answers whose choice counted as satisfied.
    pub satisfied: u64,
    /// The choices with their counts, by index.
    pub choices: Vec<ChoiceCount>,
}

impl SurveyStats {
    /// Satisfied share, when anyone answered.
    pub fn share(&self) -> Option<f64> {
        (self.answers > 0).then(|| self.satisfied as f64 / self.answers as f64)
    }

    /// The 95 % Wilson interval of the share.
    pub fn interval(&self) -> Option<(f64, f64)> {
        wilson95(self.satisfied, self.answers)
    }

    /// Whether any choice counts as satisfied (a survey may be no satisfaction question).
    pub fn measures_satisfaction(&self) -> bool {
        self.choices.iter().any(|c| c.satisfied)
    }
}

/// One choice of a survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceCount {
    /// Index in the survey.
    pub index: usize,
    /// Text (the bundle's, else the last answer's).
    pub label: String,
    /// Counted as satisfied.
    pub satisfied: bool,
    /// Parents whose last answer was this choice.
    pub count: u64,
}

/// Taps on one button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TapCount {
    /// Postback data.
    pub key: String,
    /// What it opens, in words (from the bundle when given).
    pub title: String,
    /// Taps.
    pub count: u64,
}

/// A comment after a survey's follow-up prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRow {
    /// When it was sent.
    pub ts: i64,
    /// Survey id.
    pub survey: String,
    /// The text as written.
    pub text: String,
}

/// Every table of the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tables {
    /// One row per day of the period (days without events included).
    pub friends: Vec<FriendsDay>,
    /// Surveys by id.
    pub surveys: Vec<SurveyStats>,
    /// Taps, most first.
    pub taps: Vec<TapCount>,
    /// Searches that found nothing, with their counts, most first.
    pub misses: Vec<(String, u64)>,
    /// Comments, oldest first.
    pub comments: Vec<CommentRow>,
    /// Friends by where they heard of the account (empty without channels or answers).
    pub channels: Vec<ChannelCount>,
    /// Blocks around each notice sent in the period.
    pub notice_blocks: Vec<NoticeBlocks>,
    /// The pace towards the friends goal (none without friends).
    pub pace: Option<Pace>,
}

/// The period of a report: both ends included, open when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    /// First day.
    pub from: Option<Date>,
    /// Last day.
    pub to: Option<Date>,
}

impl Period {
    /// Whether `day` is inside.
    pub fn contains(&self, day: Date) -> bool {
        self.from.is_none_or(|f| day >= f) && self.to.is_none_or(|t| day <= t)
    }
}

/// Builds the tables from `records` (in reading order) and the notices LINE accepted (`sent`),
/// naming things from `bundle` if given.
pub fn tables(
    records: &[Record],
    sent: &[SentNotice],
    period: Period,
    bundle: Option<&Bundle>,
) -> Tables {
    let friends = friends(records, period);
    let days: Vec<growth::Day> = friends
        .iter()
        .map(|d| growth::Day { day: d.day, cumulative: d.cumulative, net: d.net() })
        .collect();
    let in_period = |day| period.contains(day);
    Tables {
        pace: growth::pace(&days),
        friends,
        surveys: surveys(records, period, bundle),
        taps: taps(records, period, bundle),
        misses: misses(records, period),
        comments: comments(records, period),
        channels: growth::channels(records, in_period, bundle),
        notice_blocks: growth::notice_blocks(records, sent, in_period, bundle),
    }
}

fn in_period(r: &Record, period: Period) -> bool {
    period.contains(bundle::japan::date_of_millis(r.ts()))
}

fn friends(records: &[Record], period: Period) -> Vec<FriendsDay> {
    // (follows, unfollows, returning) per day.
    let mut per_day: BTreeMap<Date, (u64, u64, u64)> = BTreeMap::new();
    let returning = growth::returning(records);
    for (i, r) in records.iter().enumerate() {
        let day = bundle::japan::date_of_millis(r.ts());
        match r {
            Record::Follow { .. } | Record::Unblock { .. } => {
                let d = per_day.entry(day).or_default();
                d.0 += 1;
                d.2 += u64::from(returning.contains(&i));
            }
            Record::Unfollow { .. } => per_day.entry(day).or_default().1 += 1,
            _ => {}
        }
    }
    let first = period.from.or_else(|| per_day.keys().next().copied());
    let last = period.to.or_else(|| per_day.keys().next_back().copied());
    let (Some(first), Some(last)) = (first, last) else { return Vec::new() };
    let mut cumulative: i64 =
        per_day.range(..first).map(|(_, (f, u, _))| *f as i64 - *u as i64).sum();
    let mut rows = Vec::new();
    let mut day = first;
    while day <= last {
        let (follows, unfollows, returning) = per_day.get(&day).copied().unwrap_or_default();
        cumulative += follows as i64 - unfollows as i64;
        rows.push(FriendsDay { day, follows, unfollows, returning, cumulative });
        let Ok(next) = day.tomorrow() else { break };
        day = next;
    }
    rows
}

/// An answer as it counts: when (event time, then reading order), and what.
#[derive(Debug, Clone, Copy)]
struct Answer<'a> {
    at: (i64, usize),
    choice: usize,
    label: &'a str,
    satisfied: bool,
}

/// The last answer per survey and user (by event time; on a tie, the later one read).
fn surveys(records: &[Record], period: Period, bundle: Option<&Bundle>) -> Vec<SurveyStats> {
    let mut last: HashMap<(&str, &str), Answer<'_>> = HashMap::new();
    for (seq, r) in records.iter().enumerate().filter(|(_, r)| in_period(r, period)) {
        let Record::Answer { ts, user, survey, choice, label, satisfied, .. } = r else { continue };
        let a = Answer { at: (*ts, seq), choice: *choice, label, satisfied: *satisfied };
        let kept = last.entry((survey, user)).or_insert(a);
        if a.at > kept.at {
            *kept = a;
        }
    }
    // Without a bundle, a choice is named by its most recent answer.
    let mut names: BTreeMap<(&str, usize), Answer<'_>> = BTreeMap::new();
    let mut stats: BTreeMap<&str, SurveyStats> = BTreeMap::new();
    for (&(survey, _), &a) in &last {
        let s = stats.entry(survey).or_insert_with(|| new_stats(survey, bundle));
        s.answers += 1;
        s.satisfied += u64::from(a.satisfied);
        if s.choices.len() <= a.choice {
            s.choices.extend((s.choices.len()..=a.choice).map(|index| ChoiceCount {
                index,
                label: String::new(),
                satisfied: false,
                count: 0,
            }));
        }
        s.choices[a.choice].count += 1;
        let name = names.entry((survey, a.choice)).or_insert(a);
        if a.at > name.at {
            *name = a;
        }
    }
    for ((survey, choice), a) in names {
        let c = &mut stats.get_mut(survey).expect("counted above").choices[choice];
        if c.label.is_empty() {
            (c.label, c.satisfied) = (a.label.to_string(), a.satisfied);
        }
    }
    if let Some(b) = bundle {
        for id in b.surveys.keys() {
            stats.entry(id).or_insert_with(|| new_stats(id, bundle));
        }
    }
    stats.into_values().collect()
}

/// A survey with no answers yet, its question and choices from the bundle when it has them.
fn new_stats(id: &str, bundle: Option<&Bundle>) -> SurveyStats {
    let entry = bundle.and_then(|b| b.surveys.get(id));
    let choices = entry.map_or_else(Vec::new, |e| {
        e.choices
            .iter()
            .enumerate()
            .map(|(index, c)| ChoiceCount {
                index,
                label: c.label.clone(),
                satisfied: c.satisfied,
                count: 0,
            })
            .collect()
    });
    SurveyStats {
        id: id.to_string(),
        question: entry.map_or_else(String::new, |e| e.question.clone()),
        answers: 0,
        satisfied: 0,
        choices,
    }
}

fn taps(records: &[Record], period: Period, bundle: Option<&Bundle>) -> Vec<TapCount> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in records.iter().filter(|r| in_period(r, period)) {
        if let Record::Tap { key, .. } = r {
            *counts.entry(key).or_default() += 1;
        }
    }
    let mut rows: Vec<TapCount> = counts
        .into_iter()
        .map(|(key, count)| TapCount { key: key.to_string(), title: describe(key, bundle), count })
        .collect();
    rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    rows
}

/// What a postback opens, in words for staff.
fn describe(key: &str, bundle: Option<&Bundle>) -> String {
    let page = bundle.and_then(|b| b.pages.iter().find(|p| p.postback == key));
    if let Some(page) = page {
        return page.title.clone();
    }
    if let Some((id, index)) = parse_survey_answer(key) {
        let label = bundle
            .and_then(|b| b.surveys.get(id))
            .and_then(|s| s.choices.get(index))
            .map_or_else(|| index.to_string(), |c| c.label.clone());
        return format!("アンケート {id}: {label}");
    }
    match key.strip_prefix(bundle::postback::MENU) {
        Some("") => "トップメニュー".to_string(),
        Some(path) => format!("メニュー {path}"),
        None => String::new(),
    }
}

fn misses(records: &[Record], period: Period) -> Vec<(String, u64)> {
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in records.iter().filter(|r| in_period(r, period)) {
        if let Record::SearchMiss { query, .. } = r {
            *counts.entry(query).or_default() += 1;
        }
    }
    let mut rows: Vec<(String, u64)> =
        counts.into_iter().map(|(q, n)| (q.to_string(), n)).collect();
    rows.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows
}

fn comments(records: &[Record], period: Period) -> Vec<CommentRow> {
    let mut rows: Vec<CommentRow> = records
        .iter()
        .filter(|r| in_period(r, period))
        .filter_map(|r| match r {
            Record::Comment { ts, survey, text, .. } => {
                Some(CommentRow { ts: *ts, survey: survey.clone(), text: text.clone() })
            }
            _ => None,
        })
        .collect();
    rows.sort_by_key(|c| c.ts);
    rows
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

    fn answer(ts: i64, user: &str, choice: usize, satisfied: bool) -> Record {
        let label = ["満足", "ふつう", "不満"][choice].to_string();
        Record::Answer {
            ts,
            user: user.into(),
            survey: "q".into(),
            choice,
            label,
            satisfied,
            ev: None,
        }
    }

    #[test]
    fn friends_per_day_with_history_and_empty_days() {
        let records = vec![
            follow(T0 - DAY, "a"),
            follow(T0 + 5, "b"),
            follow(T0 + 6, "c"),
            Record::Unfollow { ts: T0 + 2 * DAY, user: "a".into(), ev: None },
        ];
        let period = Period {
            from: Some(bundle::japan::date_of_millis(T0)),
            to: Some(bundle::japan::date_of_millis(T0 + 2 * DAY)),
        };
        let rows = friends(&records, period);
        let got: Vec<(String, u64, u64, i64, i64)> = rows
            .iter()
            .map(|r| (r.day.to_string(), r.follows, r.unfollows, r.net(), r.cumulative))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-11-27".into(), 2, 0, 2, 3),
                ("2026-11-28".into(), 0, 0, 0, 3),
                ("2026-11-29".into(), 0, 1, -1, 2),
            ]
        );
        assert_eq!(friends(&records, Period::default()).len(), 4);
        assert!(friends(&[], Period::default()).is_empty());
    }

    #[test]
    fn the_last_answer_per_user_counts() {
        let records = vec![
            answer(T0 + 10, "a", 2, false),
            answer(T0 + 5, "a", 1, false), // older, read later: does not count
            answer(T0 + 20, "b", 0, true),
            answer(T0 + 30, "b", 0, true),
            answer(T0 + 40, "c", 1, false),
            answer(T0 + 50, "c", 0, true),
        ];
        let s = &surveys(&records, Period::default(), None)[0];
        assert_eq!((s.answers, s.satisfied), (3, 2));
        let counts: Vec<(usize, &str, u64)> =
            s.choices.iter().map(|c| (c.index, c.label.as_str(), c.count)).collect();
        assert_eq!(counts, [(0, "満足", 2), (1, "", 0), (2, "不満", 1)]);
        assert_eq!(s.share(), Some(2.0 / 3.0));
        let before = Period { from: None, to: Some(bundle::japan::date_of_millis(T0 - DAY)) };
        assert!(surveys(&records, before, None).is_empty());
    }

    #[test]
    fn taps_misses_and_comments() {
        let records = vec![
            Record::Tap { ts: T0, key: "menu:".into(), ev: None },
            Record::Tap { ts: T0, key: "page:a".into(), ev: None },
            Record::Tap { ts: T0, key: "page:a".into(), ev: None },
            Record::SearchMiss { ts: T0, query: "x".into(), ev: None },
            Record::SearchMiss { ts: T0, query: "y".into(), ev: None },
            Record::SearchMiss { ts: T0, query: "y".into(), ev: None },
            Record::Comment {
                ts: T0 + 1,
                user: "u".into(),
                survey: "q".into(),
                text: "b".into(),
                ev: None,
            },
            Record::Comment {
                ts: T0,
                user: "u".into(),
                survey: "q".into(),
                text: "a".into(),
                ev: None,
            },
        ];
        let t = tables(&records, &[], Period::default(), None);
        let taps: Vec<(&str, &str, u64)> =
            t.taps.iter().map(|r| (r.key.as_str(), r.title.as_str(), r.count)).collect();
        assert_eq!(taps, [("page:a", "", 2), ("menu:", "トップメニュー", 1)]);
        assert_eq!(t.misses, [("y".to_string(), 2), ("x".to_string(), 1)]);
        let texts: Vec<&str> = t.comments.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, ["a", "b"]);
    }
}
