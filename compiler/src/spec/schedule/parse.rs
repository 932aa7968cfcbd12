//! The small text forms staff write inside `schedule:` — weekdays (`火`, `火曜日`), the n-th
//! weekday of a month (`第2水曜`), dates (`2026-12-29`), date ranges
//! (`2026-12-29〜2027-01-03 年末年始`) and time ranges (`10:00〜11:30`) — each parsed into a
//! typed value or a Japanese message with a hint.

use jiff::civil::{Date, Time, Weekday};
use unicode_normalization::UnicodeNormalization;

use super::{Nth, TimeRange};

/// A parse failure: what is wrong and how to write it instead.
pub type Problem = (String, &'static str);

/// Weekday names in Monday-first order, as shown to staff.
pub const WEEKDAY_NAMES: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];

/// The weekdays in the same order.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];
const ENGLISH: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
/// What follows the three letters in the full English name (`tue` + `sday`).
const ENGLISH_TAIL: [&str; 7] = ["day", "sday", "nesday", "rsday", "day", "urday", "day"];

/// Full-width digits, colons and tildes folded to ASCII, spaces trimmed.
fn fold(s: &str) -> String {
    s.nfkc().collect::<String>().trim().to_string()
}

/// `火`, `火曜`, `火曜日`, `tue`, `tuesday` → Tuesday.
pub fn weekday(s: &str) -> Result<Weekday, Problem> {
    let s = fold(s);
    let bare = s.trim_end_matches("曜日").trim_end_matches('曜');
    let lower = s.to_ascii_lowercase();
    let found = WEEKDAY_NAMES.iter().position(|n| *n == bare).or_else(|| {
        (0..7).find(|&i| {
            lower == ENGLISH[i] || lower.strip_prefix(ENGLISH[i]) == Some(ENGLISH_TAIL[i])
        })
    });
    found.map(|i| WEEKDAYS[i]).ok_or_else(|| {
        (
            format!("曜日「{s}」が読めません"),
            "月・火・水・木・金・土・日 のどれかで書いてください（例: [火, 木]）",
        )
    })
}

/// The Japanese one-character name of a weekday.
pub fn weekday_name(w: Weekday) -> &'static str {
    WEEKDAY_NAMES[w.to_monday_zero_offset() as usize]
}

/// `第2水`, `第2水曜日`, `最終金曜` → the n-th (or last) weekday of a month.
pub fn nth(s: &str) -> Result<Nth, Problem> {
    let folded = fold(s);
    let hint = "「第2水曜」「最終金曜」のように、第1〜第5か最終と曜日を書いてください";
    let bad = || (format!("「{folded}」は毎月の何週目の何曜日か読めません"), hint);
    let (week, rest) = if let Some(rest) = folded.strip_prefix("最終") {
        (-1, rest)
    } else if let Some(rest) = folded.strip_prefix('第') {
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n: i8 = digits.parse().map_err(|_| bad())?;
        if !(1..=5).contains(&n) {
            return Err((format!("「{folded}」: 第{n}週はありません"), hint));
        }
        (n, &rest[digits.len()..])
    } else {
        return Err(bad());
    };
    let rest = rest.trim_start_matches('週').trim_start_matches('の');
    let weekday = weekday(rest).map_err(|_| bad())?;
    Ok(Nth { week, weekday })
}

/// `2026-12-29` or `2026/12/29`; an impossible day (`2027-02-30`) is told apart from text that
/// is no date at all.
pub fn date(s: &str) -> Result<Date, Problem> {
    let s = fold(s);
    let parts: Vec<&str> = s.split(['-', '/']).collect();
    let numbers: Option<Vec<i16>> = match parts.as_slice() {
        [y, m, d] if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) => {
            parts.iter().map(|p| p.parse().ok()).collect()
        }
        _ => None,
    };
    let Some(n) = numbers else {
        return Err((
            format!("日付「{s}」が読めません"),
            "2026-12-01 のように 年-月-日 で書いてください",
        ));
    };
    let (Ok(m), Ok(d)) = (i8::try_from(n[1]), i8::try_from(n[2])) else {
        return Err((format!("日付「{s}」はありません"), "月と日を確かめてください"));
    };
    Date::new(n[0], m, d).map_err(|_| {
        let hint = match Date::new(n[0], m, 1) {
            Ok(first) => {
                let days = first.days_in_month();
                if days == 28 || days == 29 {
                    "その年の2月にない日です。月と日を確かめてください"
                } else {
                    "その月にない日です。月と日を確かめてください"
                }
            }
            Err(_) => "月は1〜12で書いてください",
        };
        (format!("日付「{s}」はありません"), hint)
    })
}

/// Characters that separate the two ends of a range.
const RANGE_MARKS: [char; 3] = ['〜', '~', '～'];

/// `2026-12-29`, `2026-12-29〜2027-01-03`, either followed by a space and a note.
pub fn date_range(s: &str) -> Result<(Date, Date, Option<String>), Problem> {
    // Only the dates are folded: the note is shown as written (full-width brackets stay).
    let (range, note) = match s.trim().split_once(char::is_whitespace) {
        Some((r, n)) => (fold(r), Some(n.trim().to_string()).filter(|n| !n.is_empty())),
        None => (fold(s), None),
    };
    let range = range.as_str();
    let (from, until) = match range.split_once(RANGE_MARKS) {
        Some((a, b)) => (date(a)?, date(b)?),
        None => {
            let d = date(range)?;
            (d, d)
        }
    };
    if until < from {
        return Err((
            format!("期間「{range}」の終わりが始まりより前です"),
            "2026-12-29〜2027-01-03 のように、早い日を先に書いてください",
        ));
    }
    Ok((from, until, note))
}

/// `10:00〜11:30`, `9:30-12:00`, or a start only (`10:00〜`, `10:00`).
pub fn time_range(s: &str) -> Result<TimeRange, Problem> {
    let s = fold(s);
    let hint = "「10:00〜11:30」のように 時:分〜時:分 で書いてください";
    let (a, b) = match s.split_once([RANGE_MARKS[0], RANGE_MARKS[1], RANGE_MARKS[2], '-']) {
        Some((a, b)) => (a.trim(), Some(b.trim()).filter(|b| !b.is_empty())),
        None => (s.as_str(), None),
    };
    let start = time(a).ok_or_else(|| (format!("時刻「{s}」が読めません"), hint))?;
    let end = match b {
        Some(b) => Some(time(b).ok_or_else(|| (format!("時刻「{s}」が読めません"), hint))?),
        None => None,
    };
    if end.is_some_and(|e| e <= start) {
        return Err((
            format!("時間「{s}」の終わりが始まりより前です"),
            "「10:00〜11:30」のように、始まりの時刻を先に書いてください",
        ));
    }
    Ok(TimeRange { start, end })
}

/// `9:30`, `09:30`, `17:15`.
fn time(s: &str) -> Option<Time> {
    let (h, m) = s.split_once(':')?;
    let plain = |p: &str| (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit());
    if !plain(h) || m.len() != 2 || !plain(m) {
        return None;
    }
    Time::new(h.parse().ok()?, m.parse().ok()?, 0, 0).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weekdays() {
        for s in ["火", "火曜", "火曜日", "tue", "Tuesday", "火 "] {
            assert_eq!(weekday(s), Ok(Weekday::Tuesday), "{s}");
        }
        for bad in ["", "火よう", "x", "tu", "月火"] {
            assert!(weekday(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn nth_weekdays() {
        assert_eq!(nth("第2水"), Ok(Nth { week: 2, weekday: Weekday::Wednesday }));
        assert_eq!(nth("第２水曜日"), Ok(Nth { week: 2, weekday: Weekday::Wednesday }));
        assert_eq!(nth("第1週の月曜"), Ok(Nth { week: 1, weekday: Weekday::Monday }));
        assert_eq!(nth("最終金曜"), Ok(Nth { week: -1, weekday: Weekday::Friday }));
        assert!(nth("第6水").unwrap_err().0.contains("第6週はありません"));
        for bad in ["水", "第水", "第2", "2水", "第2x"] {
            assert!(nth(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_impossible_and_unreadable() {
        assert_eq!(date("2026-12-29").unwrap().to_string(), "2026-12-29");
        assert_eq!(date("2026/1/5").unwrap().to_string(), "2026-01-05");
        assert!(date("2027-02-29").unwrap_err().1.contains("2月"));
        assert!(date("2026-04-31").unwrap_err().0.contains("はありません"));
        assert!(date("2026-13-01").unwrap_err().0.contains("はありません"));
        assert!(date("12月29日").unwrap_err().0.contains("読めません"));
        assert!(date("2026-12").is_err());
    }

    #[test]
    fn date_ranges_with_notes() {
        let (a, b, note) = date_range("2026-12-29〜2027-01-03 年末年始（要確認）").unwrap();
        assert_eq!((a.to_string(), b.to_string()), ("2026-12-29".into(), "2027-01-03".into()));
        assert_eq!(note.as_deref(), Some("年末年始（要確認）"), "notes are kept as written");
        assert_eq!(date_range("２０２７-０２-１０　点検").unwrap().2.as_deref(), Some("点検"));
        let (a, b, note) = date_range("2027-02-10").unwrap();
        assert_eq!((a, note), (b, None));
        assert!(
            date_range("2027-01-03〜2026-12-29").unwrap_err().0.contains("終わりが始まりより前")
        );
        assert!(date_range("2027-01-03~2027-01-40").is_err());
    }

    #[test]
    fn time_ranges() {
        let t = time_range("10:00〜11:30").unwrap();
        assert_eq!(
            (t.start.to_string(), t.end.unwrap().to_string()),
            ("10:00:00".into(), "11:30:00".into())
        );
        assert_eq!(time_range("９:３０－１２:００").unwrap().to_string(), "9:30〜12:00");
        assert_eq!(time_range("9:30-12:00").unwrap().to_string(), "9:30〜12:00");
        assert_eq!(time_range("10:00").unwrap().to_string(), "10:00〜");
        assert!(time_range("11:30〜10:00").unwrap_err().0.contains("終わりが始まりより前"));
        for bad in ["", "10時", "25:00", "10:60", "10:0", "午前"] {
            assert!(time_range(bad).is_err(), "{bad}");
        }
    }
}
