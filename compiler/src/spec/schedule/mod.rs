//! `schedule:` — a 子育て支援センター's week as staff write it once: opening days and hours,
//! closures (dates, ranges, national holidays), programmes with a time, a place and a rule
//! (weekly on given weekdays, the n-th weekday of the month, given dates) and one-off changes.
//! From it the account answers 「今日」「今週」 correctly every day without a rebuild.
//!
//! ```yaml
//! schedule:
//!   name: ハニカム
//!   hours: "8:30〜17:15"
//!   note: 予定は変わることがあります
//!   open: [月, 火, 水, 木, 金, 土]
//!   closed: [祝日, "2026-12-29〜2027-01-03 年末年始"]
//!   programmes:
//!     - {name: ひろば, time: "9:30〜11:30", place: プレイルーム, weekly: [火, 木]}
//!     - {name: 身体測定, time: "10:00〜11:00", monthly: 第2水}
//!     - {name: 誕生会, time: "10:30〜11:00", dates: [2026-12-18, 2027-01-22]}
//!   changes:
//!     - {date: 2026-12-22, programme: ひろば, time: "13:00〜15:00", note: 午後に変更}
//!     - {date: 2027-01-13, programme: 身体測定, cancel: true}
//! ```
//!
//! Every check here depends only on what is written (never on the build date), so content that
//! builds today still builds next month. The checks: impossible dates, ranges and times that
//! end before they start, a programme that can never take place (no rule, a rule whose days
//! fall outside its `from`/`until` or only on closed weekdays, a given date the centre is
//! closed), and changes that name a programme not held that day.

mod check;
mod expand;
mod parse;

use jiff::civil::{Date, Time, Weekday};
use serde::Deserialize;
use serde_saphyr::Spanned;

pub use check::check;
pub use expand::{Closed, DayPlan, SessionStatus};
pub use parse::{WEEKDAY_NAMES, WEEKDAYS, time_range, weekday_name};

/// `schedule:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// Short name used in lists (default: the page or section title).
    pub name: Option<Spanned<String>>,
    /// Opening hours, `8:30〜17:15`.
    pub hours: Option<Spanned<String>>,
    /// One line shown with the centre's week (`予定は変わることがあります`).
    pub note: Option<Spanned<String>>,
    /// Weekdays the centre opens (default: every day).
    pub open: Option<Spanned<Items>>,
    /// `祝日`, dates and date ranges with an optional note.
    pub closed: Option<Spanned<Items>>,
    /// The regular programmes.
    pub programmes: Option<Spanned<Vec<Spanned<ProgrammeSpec>>>>,
    /// One-off changes to a day's programmes.
    pub changes: Option<Spanned<Vec<Spanned<ChangeSpec>>>>,
}

/// One programme as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeSpec {
    /// `ひろば`, `身体測定`.
    pub name: Spanned<String>,
    /// `10:00〜11:30`.
    pub time: Option<Spanned<String>>,
    /// Room or building.
    pub place: Option<Spanned<String>>,
    /// One line shown with it (`申込み不要`).
    pub note: Option<Spanned<String>>,
    /// Every week on these weekdays.
    pub weekly: Option<Spanned<Items>>,
    /// The n-th weekday of every month (`第2水`, `最終金`).
    pub monthly: Option<Spanned<Items>>,
    /// On these dates.
    pub dates: Option<Spanned<Items>>,
    /// First day the rule applies.
    pub from: Option<Spanned<String>>,
    /// Last day the rule applies.
    pub until: Option<Spanned<String>>,
}

/// One change as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeSpec {
    /// The day changed.
    pub date: Spanned<String>,
    /// The programme changed (without it, `note` is a note for the whole day).
    pub programme: Option<Spanned<String>>,
    /// New time.
    pub time: Option<Spanned<String>>,
    /// New place.
    pub place: Option<Spanned<String>>,
    /// Shown with the change (`講師の都合で中止`).
    pub note: Option<Spanned<String>>,
    /// `true`: the programme does not take place that day.
    pub cancel: Option<Spanned<bool>>,
}

/// A list staff may also write as one value (`monthly: 第2水` or `monthly: [第1月, 第3月]`),
/// keeping each item's position when it is a list.
#[derive(Debug, Clone)]
pub enum Items {
    /// One bare value (its position is the key's).
    One(String),
    /// A YAML list.
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for Items {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Items;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a value or a list such as [火, 木]")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Items, E> {
                Ok(Items::One(v.to_string()))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Items, E> {
                Ok(Items::One(v.to_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Items, E> {
                Ok(Items::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Items, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<crate::spec::StringOrNumber>>()? {
                    let Spanned { value, referenced, defined } = item;
                    items.push(Spanned::new(value.into_string(), referenced, defined));
                }
                Ok(Items::Many(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A checked schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Short name for lists, when staff gave one.
    pub name: Option<String>,
    /// Opening hours.
    pub hours: Option<TimeRange>,
    /// One line shown with the centre's week.
    pub note: Option<String>,
    /// Open on these weekdays (Monday first).
    pub open: [bool; 7],
    /// Closed on national holidays.
    pub closed_on_holidays: bool,
    /// Closed dates and ranges.
    pub closures: Vec<Closure>,
    /// Programmes, in the order written.
    pub programmes: Vec<Programme>,
    /// Changes, in the order written.
    pub changes: Vec<Change>,
    /// Where `schedule:` was written.
    pub pos: (usize, usize),
}

/// Closed from `from` to `until` (inclusive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closure {
    /// First closed day.
    pub from: Date,
    /// Last closed day.
    pub until: Date,
    /// Why (`年末年始`).
    pub note: Option<String>,
}

/// A regular programme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    /// Its name.
    pub name: String,
    /// When in the day.
    pub time: Option<TimeRange>,
    /// Where.
    pub place: Option<String>,
    /// One line shown with it.
    pub note: Option<String>,
    /// Which days.
    pub rule: Rule,
    /// First day the rule applies.
    pub from: Option<Date>,
    /// Last day the rule applies.
    pub until: Option<Date>,
}

/// Which days a programme takes place on (before closures).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// These weekdays every week (Monday first).
    Weekly([bool; 7]),
    /// These n-th weekdays every month.
    Monthly(Vec<Nth>),
    /// These dates, sorted.
    Dates(Vec<Date>),
}

/// The n-th `weekday` of a month; `week` is 1–5, or -1 for the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nth {
    /// 1–5, or -1 for 最終.
    pub week: i8,
    /// The weekday.
    pub weekday: Weekday,
}

/// A one-off change on `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The day.
    pub date: Date,
    /// What changes.
    pub what: ChangeKind,
    /// Shown with it.
    pub note: Option<String>,
}

/// What a change does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// Only a note for the day.
    DayNote,
    /// Programme `index` does not take place.
    Cancel(usize),
    /// Programme `index` takes place at another time or place.
    Modify {
        /// Index in [`Schedule::programmes`].
        programme: usize,
        /// New time.
        time: Option<TimeRange>,
        /// New place.
        place: Option<String>,
    },
}

/// `10:00〜11:30` or a start only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TimeRange {
    /// Start.
    pub start: Time,
    /// End, when known.
    pub end: Option<Time>,
}

impl std::fmt::Display for TimeRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hm = |t: Time| format!("{}:{:02}", t.hour(), t.minute());
        write!(f, "{}〜", hm(self.start))?;
        match self.end {
            Some(end) => write!(f, "{}", hm(end)),
            None => Ok(()),
        }
    }
}

/// Index of a weekday in Monday-first arrays.
pub fn weekday_index(w: Weekday) -> usize {
    w.to_monday_zero_offset() as usize
}

#[cfg(test)]
mod tests;
