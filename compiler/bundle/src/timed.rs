//! The timed part of the bundle format (`bundle.json` → `timed`): messages sent to each
//! registered child on a day counted from its due date or birthday, and the texts of the
//! registration conversation.
//!
//! What the runtime does with it: a parent consents and registers a due date or a birthday in
//! the chat (LINE's date picker,
//! <https://developers.line.biz/en/reference/messaging-api/#datetime-picker-action>); once a day
//! it sends every [`TimedStep`] whose day ([`Offset::apply`] to the child's date) has come, by
//! `multicast` or `push`, exactly once per child and step.
//!
//! The texts of the conversation are JSON message arrays written by the compiler, with
//! placeholders (`@@NAME@@`, see [`placeholder`]) that the runtime replaces by JSON-escaped
//! values: the replies are spliced, not rendered, like search answers.

use std::fmt;

use jiff::civil::Date;
use jiff::{Span, ToSpan};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Days after the due date on which a still unanswered due-date registration is asked,
/// once, whether to switch to the birthday (or to stop).
pub const DUE_QUESTION_AFTER_DAYS: i32 = 14;
/// How far ahead a due date may be picked (a pregnancy is about 40 weeks).
pub const MAX_DUE_AHEAD_DAYS: i32 = 300;
/// Most children one parent may register.
pub const MAX_CHILDREN: usize = 10;
/// How many of the next messages the confirmation lists.
pub const CONFIRM_ROWS: usize = 5;

/// What a step's day is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// The child's birthday.
    Birth,
    /// The expected date of delivery.
    Due,
}

impl Anchor {
    /// `birth` or `due`, as in content and postback data.
    pub fn word(self) -> &'static str {
        match self {
            Anchor::Birth => "birth",
            Anchor::Due => "due",
        }
    }

    /// The anchor named by `word`.
    pub fn parse(word: &str) -> Option<Anchor> {
        match word {
            "birth" => Some(Anchor::Birth),
            "due" => Some(Anchor::Due),
            _ => None,
        }
    }

    /// 生年月日 / 出産予定日.
    pub fn japanese(self) -> &'static str {
        match self {
            Anchor::Birth => "生年月日",
            Anchor::Due => "出産予定日",
        }
    }
}

/// A calendar offset such as `3m3w` or `-12w`: years and months are added first (a month
/// later than 31 January is the last day of February), then weeks and days.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Offset {
    /// Years.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub years: i16,
    /// Months.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub months: i16,
    /// Weeks.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub weeks: i16,
    /// Days.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub days: i16,
}

fn is_zero(n: &i16) -> bool {
    *n == 0
}

/// Why an offset could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OffsetError {
    /// Empty text.
    #[error("empty")]
    Empty,
    /// A number without a unit, a unit without a number, or an unknown unit.
    #[error("not NUMBER+UNIT")]
    Syntax,
    /// The same unit twice, or units out of order (`y`, `m`, `w`, `d`).
    #[error("units repeated or out of order")]
    Order,
    /// A number too large.
    #[error("too large")]
    TooLarge,
}

impl Offset {
    /// Parses `3m3w`, `-12w`, `1y6m`, `0d`, `+2w`: a sign, then numbers each followed by `y`,
    /// `m`, `w` or `d`, in that order, each at most once.
    pub fn parse(text: &str) -> Result<Offset, OffsetError> {
        let t = text.trim();
        let (sign, rest) = match t.as_bytes().first() {
            None => return Err(OffsetError::Empty),
            Some(b'-') => (-1, &t[1..]),
            Some(b'+') => (1, &t[1..]),
            Some(_) => (1, t),
        };
        if rest.is_empty() {
            return Err(OffsetError::Empty);
        }
        let mut out = Offset::default();
        let mut last_unit = 0;
        let mut digits = String::new();
        for c in rest.chars() {
            if c.is_ascii_digit() {
                digits.push(c);
                continue;
            }
            let unit = match c {
                'y' => 1,
                'm' => 2,
                'w' => 3,
                'd' => 4,
                _ => return Err(OffsetError::Syntax),
            };
            if digits.is_empty() {
                return Err(OffsetError::Syntax);
            }
            if unit <= last_unit {
                return Err(OffsetError::Order);
            }
            let n: i16 = digits.parse().map_err(|_| OffsetError::TooLarge)?;
            if n > 999 {
                return Err(OffsetError::TooLarge);
            }
            let n = n * sign;
            match unit {
                1 => out.years = n,
                2 => out.months = n,
                3 => out.weeks = n,
                _ => out.days = n,
            }
            last_unit = unit;
            digits.clear();
        }
        if !digits.is_empty() {
            return Err(OffsetError::Syntax);
        }
        Ok(out)
    }

    fn span(self) -> Span {
        i64::from(self.years)
            .years()
            .months(i64::from(self.months))
            .weeks(i64::from(self.weeks))
            .days(i64::from(self.days))
    }

    /// The day `self` after (or before) `date`; `None` outside jiff's range.
    pub fn apply(self, date: Date) -> Option<Date> {
        let ym = i64::from(self.years).years().months(i64::from(self.months));
        let wd = i64::from(self.weeks).weeks().days(i64::from(self.days));
        date.checked_add(ym).ok()?.checked_add(wd).ok()
    }

    /// Whether the offset points before its anchor (roughly: days, 30-day months).
    pub fn is_negative(self) -> bool {
        self.approx_days() < 0
    }

    /// Days, counting a month as 30 and a year as 365 (for ordering and checks only).
    pub fn approx_days(self) -> i32 {
        i32::from(self.years) * 365
            + i32::from(self.months) * 30
            + i32::from(self.weeks) * 7
            + i32::from(self.days)
    }

    /// How staff and parents read the offset from `anchor`: 生後4か月, 1歳6か月,
    /// 出産予定日の12週前, 出産予定日.
    pub fn label(self, anchor: Anchor) -> String {
        let span = self.span();
        match anchor {
            Anchor::Birth => {
                let (y, m, w, d) = (self.years, self.months, self.weeks, self.days);
                match (y, m) {
                    (0, 0) if w == 0 && d == 0 => "誕生日".to_string(),
                    (0, 0) if w == 0 => format!("生後{d}日"),
                    (0, 0) => format!("生後{w}週"),
                    (0, m) => format!("生後{m}か月"),
                    (y, 0) => format!("{y}歳"),
                    (y, m) => format!("{y}歳{m}か月"),
                }
            }
            Anchor::Due => {
                let days = self.approx_days();
                let abs = Offset {
                    years: self.years.abs(),
                    months: self.months.abs(),
                    weeks: self.weeks.abs(),
                    days: self.days.abs(),
                };
                let amount = abs.amount();
                match days {
                    0 if span.is_zero() => "出産予定日".to_string(),
                    d if d < 0 => format!("出産予定日の{amount}前"),
                    _ => format!("出産予定日の{amount}後"),
                }
            }
        }
    }

    /// `12週`, `3か月2週`, `10日` (no sign).
    fn amount(self) -> String {
        let mut out = String::new();
        if self.years != 0 {
            out.push_str(&format!("{}年", self.years));
        }
        if self.months != 0 {
            out.push_str(&format!("{}か月", self.months));
        }
        if self.weeks != 0 {
            out.push_str(&format!("{}週", self.weeks));
        }
        if self.days != 0 {
            out.push_str(&format!("{}日", self.days));
        }
        if out.is_empty() {
            out.push_str("0日");
        }
        out
    }
}

impl fmt::Display for Offset {
    /// The form staff write: `3m3w`, `-12w`, `0d`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let negative = self.years < 0 || self.months < 0 || self.weeks < 0 || self.days < 0;
        if negative {
            f.write_str("-")?;
        }
        let mut any = false;
        for (n, u) in [(self.years, 'y'), (self.months, 'm'), (self.weeks, 'w'), (self.days, 'd')] {
            if n != 0 {
                write!(f, "{}{u}", n.abs())?;
                any = true;
            }
        }
        if !any {
            f.write_str("0d")?;
        }
        Ok(())
    }
}

/// The day a child born on `birth` starts school in Japan: 1 April of the year after the one
/// in which it turns six, except that a child born on 1 April or earlier in the year (by the
/// age-counting rule of 年齢計算ニ関スル法律, a child turns six on the day before its birthday)
/// starts in the year it turns six. The end of the programme.
pub fn school_entry(birth: Date) -> Date {
    let year = birth.year();
    let early = (birth.month(), birth.day()) <= (4, 1);
    let entry_year = if early { year + 6 } else { year + 7 };
    Date::new(entry_year, 4, 1).unwrap_or(Date::MAX)
}

/// One timed message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimedStep {
    /// Stable id: the page path, with `#2`, `#3` … for a page's further entries.
    pub id: String,
    /// The page title.
    pub title: String,
    /// What the day is counted from.
    pub from: Anchor,
    /// When, counted from `from`.
    pub at: Offset,
    /// Not sent any more once the child is this far from `from` (e.g. a late registration).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Offset>,
    /// How the step's time reads (`生後4か月`), for confirmations, altText and reports.
    pub label: String,
    /// The `messages` array of the request; asset URLs start with
    /// [`crate::ASSET_URL_PREFIX`] like in replies.
    pub messages: Value,
    /// SHA-256 (hex) over the step: its version, for logs.
    pub hash: String,
}

impl TimedStep {
    /// The step's day for a child whose `from` date is `date`.
    pub fn day(&self, date: Date) -> Option<Date> {
        self.at.apply(date)
    }

    /// The last day it may still be sent, if it has one.
    pub fn last_day(&self, date: Date) -> Option<Date> {
        self.until.and_then(|u| u.apply(date))
    }
}

/// The conversation's texts: JSON message arrays with `@@NAME@@` placeholders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimedTexts {
    /// What is stored, why, until when, how to stop; 同意する (static).
    pub consent: String,
    /// Due date or birthday? Two date pickers: `@@TODAY@@`, `@@DUE_MAX@@`, `@@BIRTH_MIN@@`.
    pub pick: String,
    /// The confirmation, before its rows: `@@CHILD@@` (what was registered).
    pub confirm_head: String,
    /// One row of the confirmation: `@@WHEN@@`, `@@TITLE@@`.
    pub confirm_row: String,
    /// After the rows.
    pub confirm_tail: String,
    /// Shown instead of rows when nothing more is planned.
    pub confirm_none: String,
    /// The registered children, before their rows.
    pub manage_head: String,
    /// One child: `@@CHILD@@`, `@@ID@@`, `@@DATE@@`, `@@MIN@@`, `@@MAX@@`, `@@KIND@@`.
    pub manage_row: String,
    /// After the rows: add another, stop everything.
    pub manage_tail: String,
    /// After 配信停止: everything deleted (static).
    pub stopped: String,
    /// After deleting one child (static).
    pub deleted: String,
    /// A date that cannot be right, or no date at all (static).
    pub bad_date: String,
    /// A button about a child that is not (any more) registered (static).
    pub not_found: String,
    /// The kind question some days after a due date: `@@ID@@`, `@@TODAY@@`, `@@BIRTH_MIN@@`.
    pub due_question: String,
    /// After the due-date question's quiet stop (static; empty in older bundles, which then
    /// answer with `deleted`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub quiet: String,
}

/// The placeholder `@@NAME@@` as it appears in texts.
pub fn placeholder(name: &str) -> String {
    format!("@@{name}@@")
}

/// Everything timed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timed {
    /// Every step, ordered by anchor, then approximate day, then id.
    pub steps: Vec<TimedStep>,
    /// The conversation.
    pub texts: TimedTexts,
}

impl Timed {
    /// Whether the account has any timed message (else registration is not offered).
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// The step with `id`.
    pub fn step(&self, id: &str) -> Option<&TimedStep> {
        self.steps.iter().find(|s| s.id == id)
    }
}

/// `2026年12月5日`.
pub fn japanese_date(d: Date) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn offsets_parse_and_print() {
        let o = Offset::parse("3m3w").unwrap();
        assert_eq!((o.months, o.weeks), (3, 3));
        assert_eq!(o.to_string(), "3m3w");
        let o = Offset::parse("-12w").unwrap();
        assert_eq!(o.weeks, -12);
        assert_eq!(o.to_string(), "-12w");
        assert!(o.is_negative());
        assert_eq!(Offset::parse("1y6m").unwrap().to_string(), "1y6m");
        assert_eq!(Offset::parse("0d").unwrap(), Offset::default());
        assert_eq!(Offset::parse("+2w").unwrap().weeks, 2);
        for (bad, e) in [
            ("", OffsetError::Empty),
            ("-", OffsetError::Empty),
            ("3", OffsetError::Syntax),
            ("m", OffsetError::Syntax),
            ("3x", OffsetError::Syntax),
            ("3w3m", OffsetError::Order),
            ("3m3m", OffsetError::Order),
            ("99999d", OffsetError::TooLarge),
            ("3 m", OffsetError::Syntax),
        ] {
            assert_eq!(Offset::parse(bad), Err(e), "{bad}");
        }
    }

    #[test]
    fn offsets_apply_months_first() {
        let o = Offset::parse("1m1d").unwrap();
        assert_eq!(o.apply(d("2026-01-31")), Some(d("2026-03-01")));
        assert_eq!(Offset::parse("-12w").unwrap().apply(d("2026-12-05")), Some(d("2026-09-12")));
        assert_eq!(Offset::parse("1y6m").unwrap().apply(d("2024-02-29")), Some(d("2025-08-29")));
    }

    #[test]
    fn labels_read_like_japanese_ages() {
        let l = |s: &str, a| Offset::parse(s).unwrap().label(a);
        assert_eq!(l("4m", Anchor::Birth), "生後4か月");
        assert_eq!(l("3m3w", Anchor::Birth), "生後3か月");
        assert_eq!(l("1y6m", Anchor::Birth), "1歳6か月");
        assert_eq!(l("3y", Anchor::Birth), "3歳");
        assert_eq!(l("6w", Anchor::Birth), "生後6週");
        assert_eq!(l("-12w", Anchor::Due), "出産予定日の12週前");
        assert_eq!(l("0d", Anchor::Due), "出産予定日");
        assert_eq!(l("2w", Anchor::Due), "出産予定日の2週後");
    }

    #[test]
    fn school_entry_follows_the_april_rule() {
        assert_eq!(school_entry(d("2020-04-01")), d("2026-04-01"));
        assert_eq!(school_entry(d("2020-04-02")), d("2027-04-01"));
        assert_eq!(school_entry(d("2021-01-15")), d("2027-04-01"));
        assert_eq!(school_entry(d("2020-12-31")), d("2027-04-01"));
    }
}
