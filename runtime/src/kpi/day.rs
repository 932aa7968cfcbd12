//! Calendar days in Japan time (UTC+9, no daylight saving since 1951), for journal file names,
//! report dates and LINE's statistics endpoints (which also count days in UTC+9).

use std::fmt;
use std::str::FromStr;

/// Milliseconds in a day.
const DAY_MS: i64 = 86_400_000;
/// Japan's offset from UTC in milliseconds.
const JST_MS: i64 = 9 * 3_600_000;

/// A day in Japan, as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(i64);

/// A date that is not `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a date (expected YYYY-MM-DD): {0:?}")]
pub struct BadDay(String);

impl Day {
    /// The day in Japan of a Unix time in milliseconds.
    pub fn of_millis(ms: i64) -> Day {
        Day((ms + JST_MS).div_euclid(DAY_MS))
    }

    /// Today in Japan.
    pub fn today() -> Day {
        Day::of_millis(now_millis())
    }

    /// The day `y-m-d`, when it exists.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Day> {
        let day = Day(days_from_civil(y, m, d));
        ((1..=12).contains(&m) && d >= 1 && day.ymd() == (y, m, d)).then_some(day)
    }

    /// Year, month and day.
    pub fn ymd(self) -> (i64, u32, u32) {
        civil_from_days(self.0)
    }

    /// The day before.
    pub fn pred(self) -> Day {
        Day(self.0 - 1)
    }

    /// The day after.
    pub fn succ(self) -> Day {
        Day(self.0 + 1)
    }

    /// `yyyyMMdd`, as LINE's statistics endpoints take it.
    pub fn compact(self) -> String {
        let (y, m, d) = self.ymd();
        format!("{y:04}{m:02}{d:02}")
    }

    /// Unix time in milliseconds of the day's first instant in Japan.
    pub fn start_millis(self) -> i64 {
        self.0 * DAY_MS - JST_MS
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl FromStr for Day {
    type Err = BadDay;

    fn from_str(s: &str) -> Result<Day, BadDay> {
        let bad = || BadDay(s.to_string());
        let mut parts = s.trim().splitn(3, '-');
        let mut next = || parts.next().filter(|p| !p.is_empty() && p.len() <= 4);
        let (y, m, d) = (next().ok_or_else(bad)?, next().ok_or_else(bad)?, next().ok_or_else(bad)?);
        let y: i64 = y.parse().map_err(|_| bad())?;
        let m: u32 = m.parse().map_err(|_| bad())?;
        let d: u32 = d.parse().map_err(|_| bad())?;
        Day::from_ymd(y, m, d).ok_or_else(bad)
    }
}

/// Unix time now in milliseconds.
pub fn now_millis() -> i64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_japan() {
        // 2026-11-26T15:00:00Z is midnight in Japan on the 27th.
        let midnight = 1_795_705_200_000;
        assert_eq!(Day::of_millis(midnight).to_string(), "2026-11-27");
        assert_eq!(Day::of_millis(midnight - 1).to_string(), "2026-11-26");
        let day: Day = "2026-11-27".parse().unwrap();
        assert_eq!(day.start_millis(), midnight);
        assert_eq!(day.compact(), "20261127");
        assert_eq!(day.pred().to_string(), "2026-11-26");
        assert_eq!("2024-02-29".parse::<Day>().unwrap().succ().to_string(), "2024-03-01");
        assert_eq!(Day::of_millis(0).to_string(), "1970-01-01");
    }

    #[test]
    fn bad_dates() {
        for bad in ["", "2026-13-01", "2025-02-29", "2026-1", "x-1-1", "2026-11-27-1", "20261127"] {
            assert!(bad.parse::<Day>().is_err(), "{bad}");
        }
        assert!("2026-1-5".parse::<Day>().is_ok());
    }
}
