//! Japan's national holidays, from a dated table checked into the repository
//! (`compiler/data/syukujitsu.csv`): the Cabinet Office's own CSV
//! (<https://www8.cao.go.jp/chosei/shukujitsu/syukujitsu.csv>), copied row for row.
//!
//! Why a table and not rules: 春分の日 and 秋分の日 are fixed only when the National
//! Astronomical Observatory's 暦要項 appears in the 官報 in February of the year before, and the
//! law changes now and then (2019–2021 moved several days). The Cabinet Office publishes the
//! result, so the table is the source; [`Holidays::last_day`] says up to which day it can answer,
//! and callers treat anything outside as unknown instead of guessing. (The `jpholiday` crate
//! computes them, but needs a newer Rust than this project builds with.)

use std::collections::BTreeMap;
use std::sync::LazyLock;

use jiff::civil::Date;

/// The table as shipped.
const TABLE: &str = include_str!("../../data/syukujitsu.csv");

/// The holiday table: date → name (`元日`, `休日` for a substitute or citizens' holiday).
#[derive(Debug, Clone)]
pub struct Holidays {
    days: BTreeMap<Date, String>,
    /// First and last day the table speaks for (whole years).
    range: Option<(Date, Date)>,
}

impl Holidays {
    /// The table checked into the repository (parsed once).
    pub fn official() -> &'static Holidays {
        static OFFICIAL: LazyLock<Holidays> = LazyLock::new(|| {
            // The shipped table is tested to parse; a broken edit fails `cargo test` first.
            Holidays::parse(TABLE).unwrap_or(Holidays { days: BTreeMap::new(), range: None })
        });
        &OFFICIAL
    }

    /// Parses the Cabinet Office's CSV format (`2026/1/1,元日`), skipping `#` comments and the
    /// header; returns the first bad line on error.
    pub fn parse(text: &str) -> Result<Holidays, String> {
        let mut days = BTreeMap::new();
        for line in text.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') || line.starts_with("国民の祝日") {
                continue;
            }
            let (date, name) = line.split_once(',').ok_or_else(|| line.to_string())?;
            let mut parts = date.split('/').map(|p| p.parse::<i16>().ok());
            let (Some(Some(y)), Some(Some(m)), Some(Some(d)), None) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(line.to_string());
            };
            let date = Date::new(y, m as i8, d as i8).map_err(|_| line.to_string())?;
            days.insert(date, name.trim().to_string());
        }
        let first = days.keys().next().and_then(|d| Date::new(d.year(), 1, 1).ok());
        let last = days.keys().next_back().and_then(|d| Date::new(d.year(), 12, 31).ok());
        Ok(Holidays { days, range: first.zip(last) })
    }

    /// The holiday's name, when `day` is one.
    pub fn name(&self, day: Date) -> Option<&str> {
        self.days.get(&day).map(String::as_str)
    }

    /// The last day the table speaks for.
    pub fn last_day(&self) -> Option<Date> {
        self.range.map(|(_, last)| last)
    }

    /// The first day the table speaks for.
    pub fn first_day(&self) -> Option<Date> {
        self.range.map(|(first, _)| first)
    }

    /// Every holiday, in order.
    #[cfg(test)]
    pub fn iter(&self) -> impl Iterator<Item = (Date, &str)> {
        self.days.iter().map(|(d, n)| (*d, n.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use jiff::ToSpan;
    use jiff::civil::Weekday;

    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_table_parses_and_covers_whole_years() {
        let h = Holidays::parse(TABLE).expect("compiler/data/syukujitsu.csv parses");
        assert_eq!(h.first_day(), Some(d("2026-01-01")));
        assert_eq!(h.last_day(), Some(d("2027-12-31")));
        assert_eq!(h.name(d("2026-05-06")), Some("休日"));
        assert_eq!(h.name(d("2027-01-11")), Some("成人の日"));
        assert_eq!(h.name(d("2026-12-24")), None);
        assert!(Holidays::parse("2026/13/1,x").is_err());
        assert!(Holidays::parse("2026-1-1,x").is_err());
    }

    /// Every row obeys the law (国民の祝日に関する法律): fixed days on their dates, the
    /// "Happy Monday" days on their Mondays, a 振替休日 after each Sunday holiday, a 国民の休日
    /// between two holidays, and nothing else called 休日. An edit that breaks one fails here.
    #[test]
    fn the_table_follows_the_holiday_law() {
        let h = Holidays::official();
        let fixed = [
            ("元日", 1, 1),
            ("建国記念の日", 2, 11),
            ("天皇誕生日", 2, 23),
            ("昭和の日", 4, 29),
            ("憲法記念日", 5, 3),
            ("みどりの日", 5, 4),
            ("こどもの日", 5, 5),
            ("山の日", 8, 11),
            ("文化の日", 11, 3),
            ("勤労感謝の日", 11, 23),
        ];
        let mondays =
            [("成人の日", 1, 2), ("海の日", 7, 3), ("敬老の日", 9, 3), ("スポーツの日", 10, 2)];
        let first = h.first_day().unwrap().year();
        let last = h.last_day().unwrap().year();
        for year in first..=last {
            for (name, m, day) in fixed {
                assert_eq!(h.name(Date::new(year, m, day).unwrap()), Some(name), "{year} {name}");
            }
            for (name, m, nth) in mondays {
                let day = Date::new(year, m, 1).unwrap().nth_weekday_of_month(nth, Weekday::Monday);
                assert_eq!(h.name(day.unwrap()), Some(name), "{year} {name}");
            }
            for (name, m) in [("春分の日", 3), ("秋分の日", 9)] {
                let n = h.iter().filter(|(d, n)| d.year() == year && d.month() == m && *n == name);
                assert_eq!(n.count(), 1, "{year} {name}");
            }
        }
        let named = |d: Date| h.name(d).is_some_and(|n| n != "休日");
        for (day, name) in h.iter().filter(|(_, n)| *n == "休日") {
            let before = day - 1.day();
            let citizens =
                named(before) && named(day + 1.day()) && day.weekday() != Weekday::Sunday;
            // 振替休日: the nearest non-holiday day after a Sunday holiday.
            let mut back = before;
            while h.name(back).is_some() && back.weekday() != Weekday::Sunday {
                back -= 1.day();
            }
            let substitute = back.weekday() == Weekday::Sunday && named(back);
            assert!(citizens || substitute, "{day} {name}: neither 振替休日 nor 国民の休日");
        }
        for (day, _) in h.iter().filter(|(d, n)| d.weekday() == Weekday::Sunday && *n != "休日") {
            let mut next = day + 1.day();
            while h.name(next).is_some_and(|n| n != "休日") {
                next += 1.day();
            }
            assert_eq!(h.name(next), Some("休日"), "no 振替休日 after {day}");
        }
    }
}
