//! Time in Japan, the one clock of the account: notices are due at Japan times, journals
//! are split by Japan days, `expires:` and report periods are Japan dates, and LINE's
//! statistics endpoints count days in UTC+9 too.
//!
//! Asia/Tokyo has had no daylight saving time since 1951, so a fixed +09:00 offset is exact
//! and no time-zone database is needed. Days are [`jiff::civil::Date`] everywhere.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::{self, TimeZone};

/// Japan's time zone (UTC+9, no DST).
pub fn zone() -> TimeZone {
    TimeZone::fixed(tz::offset(9))
}

/// Today in Japan.
pub fn today() -> Date {
    date_of(Timestamp::now())
}

/// The day in Japan of an instant.
pub fn date_of(t: Timestamp) -> Date {
    t.to_zoned_datetime(zone()).date()
}

/// The day in Japan of a Unix time in milliseconds (LINE's webhook `timestamp`); times
/// outside jiff's range (±9999 years) count as that range's end.
pub fn date_of_millis(ms: i64) -> Date {
    let t = Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    date_of(t)
}

/// The first instant of `day` in Japan (its midnight).
pub fn start_of(day: Date) -> Timestamp {
    // Midnight exists on every day of a fixed-offset zone; only the ends of jiff's range
    // could fail, and those are clamped.
    day.to_zoned_datetime(zone()).map_or(Timestamp::MAX, |z| z.timestamp())
}

/// `2026-12-05T09:00:00+09:00`: how times in Japan are written in the bundle and shown.
pub fn format(t: Timestamp) -> String {
    t.to_zoned_datetime(zone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// `yyyyMMdd`, as LINE's statistics endpoints take a day.
pub fn compact(day: Date) -> String {
    day.strftime("%Y%m%d").to_string()
}

/// Unix time now in milliseconds (the unit of LINE's webhook timestamps and of the journals).
pub fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_japan() {
        // 2026-11-26T15:00:00Z is midnight in Japan on the 27th.
        let midnight = 1_795_705_200_000;
        assert_eq!(date_of_millis(midnight).to_string(), "2026-11-27");
        assert_eq!(date_of_millis(midnight - 1).to_string(), "2026-11-26");
        let day: Date = "2026-11-27".parse().unwrap();
        assert_eq!(start_of(day).as_millisecond(), midnight);
        assert_eq!(compact(day), "20261127");
        assert_eq!(date_of_millis(0).to_string(), "1970-01-01");
        assert_eq!(format(start_of(day)), "2026-11-27T00:00:00+09:00");
        assert_eq!(date_of_millis(i64::MAX), date_of(Timestamp::MAX));
    }

    #[test]
    fn bad_dates_are_refused() {
        for bad in ["", "2026-13-01", "2025-02-29", "2026-1", "x-1-1", "2026-11-27-1"] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }
}
