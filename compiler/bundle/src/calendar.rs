//! Replies that change with the day (`bundle.json` → `calendar`).
//!
//! The runtime has no clock-driven rebuild and renders nothing per tap, yet 「今日のセンター」
//! must be right every day and an event must leave the menus the day after it happens. So the
//! compiler renders, for every day of a window (400 days by default), each reply that depends
//! on the date, and stores each *distinct* one once: [`Calendar::replies`] maps a reply key to
//! runs of days sharing one stored reply. A tap looks up today's run — a binary search over a
//! few hundred integers — and copies its bytes like any other reply.
//!
//! Keys are postback data (`cal:today`, `menu:events`) or the names of the special replies
//! (`follow`, `fallback`, …). A key without day variants answers from [`crate::Bundle::postbacks`]
//! or [`crate::Bundle::special`] as before; for a key with variants those hold the window's
//! first day, so a reader that ignores the calendar still gets a valid reply.
//!
//! Past the window's end the replies of the calendar itself (`cal:…`) give way to
//! [`Calendar::ended`], which says plainly that the schedule needs a rebuild; other keys keep
//! their last day's reply. Before the window's start (a clock set back) the first day's reply
//! is used.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::blob::{self, Blob, BlobName};

/// Postback data of replies that exist only as calendar replies start with this.
pub const CALENDAR_KEY_PREFIX: &str = "cal:";

/// Days before the window's end from which `/readyz` warns that a rebuild is due.
pub const WARN_DAYS: i64 = 28;

/// The day-dependent part of a bundle.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Calendar {
    /// First day of the window (the build's day), in Japan.
    #[serde(with = "date_text")]
    pub first_day: Date,
    /// Days in the window.
    pub days: u32,
    /// The distinct stored replies; runs point into it.
    pub blobs: Vec<Blob>,
    /// Reply key → runs of days: `[first day offset, blob index]`, sorted, starting at 0.
    pub replies: BTreeMap<String, Vec<(u32, u32)>>,
    /// Blob index of the reply sent for a `cal:` key past the window's end.
    pub ended: u32,
    /// Postback data of pages shown in menus and search only up to a day (an event's day, a
    /// page's `expires`) → that last day.
    #[serde(with = "date_map")]
    pub until: BTreeMap<String, Date>,
    /// Files served under `/calendar/` (iCalendar feeds, their index page): name → blob
    /// holding the file's text as one JSON string.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub files: BTreeMap<String, Blob>,
}

/// Where the window stands on a day, for `/readyz` and `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowStatus {
    /// Inside the window, with this many days left after `day` (0 on the last day).
    Open {
        /// Days after the given day that still have replies.
        days_left: i64,
        /// The window's last day.
        last_day: Date,
    },
    /// Past the window: `cal:` replies say a rebuild is needed.
    Ended {
        /// The window's last day.
        last_day: Date,
    },
}

impl Calendar {
    /// The last day of the window.
    pub fn last_day(&self) -> Date {
        let days = i64::from(self.days.saturating_sub(1));
        self.first_day.checked_add(jiff::Span::new().days(days)).unwrap_or(Date::MAX)
    }

    /// `day`'s offset from the window start (negative before it).
    fn offset(&self, day: Date) -> i64 {
        (day - self.first_day).get_days().into()
    }

    /// The stored reply of `key` on `day`, when the key varies by day.
    pub fn reply(&self, key: &str, day: Date) -> Option<&Blob> {
        let runs = self.replies.get(key)?;
        let offset = self.offset(day);
        if offset >= i64::from(self.days) && key.starts_with(CALENDAR_KEY_PREFIX) {
            return self.blobs.get(self.ended as usize);
        }
        let offset = u32::try_from(offset.max(0)).unwrap_or(u32::MAX);
        let run = runs.partition_point(|(start, _)| *start <= offset).saturating_sub(1);
        runs.get(run).and_then(|(_, b)| self.blobs.get(*b as usize))
    }

    /// Whether the page opened by postback `data` shows in menus and search on `day`.
    pub fn shows(&self, data: &str, day: Date) -> bool {
        self.until.get(data).is_none_or(|last| day <= *last)
    }

    /// How the window stands on `day`.
    pub fn status(&self, day: Date) -> WindowStatus {
        let last_day = self.last_day();
        let days_left: i64 = (last_day - day).get_days().into();
        if days_left < 0 {
            WindowStatus::Ended { last_day }
        } else {
            WindowStatus::Open { days_left, last_day }
        }
    }

    /// Checks that the runs are ordered and point at existing replies.
    pub(crate) fn check_runs(&self) -> Result<(), String> {
        let n = self.blobs.len();
        if self.days == 0 {
            return Err("calendar window has no days".into());
        }
        if self.ended as usize >= n {
            return Err("calendar `ended` reply is out of range".into());
        }
        for (key, runs) in &self.replies {
            let ordered = runs.windows(2).all(|w| w[0].0 < w[1].0);
            let starts = runs.first().is_some_and(|(s, _)| *s == 0);
            if !ordered || !starts || runs.iter().any(|(s, b)| *b as usize >= n || *s >= self.days)
            {
                return Err(format!("calendar runs of {key:?} are not in order or out of range"));
            }
        }
        Ok(())
    }

    /// Every stored reply and file with a name for error messages (their contents are checked
    /// with the bundle's other blobs).
    pub(crate) fn named_blobs(&self) -> impl Iterator<Item = (BlobName<'_>, &Blob)> {
        let replies = self.blobs.iter().enumerate().map(|(i, b)| (BlobName::CalendarReply(i), b));
        replies.chain(self.files.iter().map(|(name, b)| (BlobName::Text(name), b)))
    }

    /// The stored replies (for rewriting public URLs at load).
    pub(crate) fn blobs_mut(&mut self) -> impl Iterator<Item = &mut Blob> {
        self.blobs.iter_mut()
    }

    /// The text of file `name` under `/calendar/`, decoded from its blob.
    pub fn file_text(&self, replies: &[u8], dictionary: Blob, name: &str) -> Option<String> {
        let b = self.files.get(name)?;
        let mut out = Vec::new();
        blob::decompress_into(replies, dictionary, *b, &mut out);
        serde_json::from_slice(&out).ok()
    }
}

/// A [`Date`] as `2026-12-05` in JSON (jiff is built without its serde feature).
mod date_text {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// A map of dates as `{"page:x": "2026-12-05"}`.
mod date_map {
    use super::*;

    pub fn serialize<S: Serializer>(m: &BTreeMap<String, Date>, s: S) -> Result<S::Ok, S::Error> {
        let text: BTreeMap<&str, String> =
            m.iter().map(|(k, d)| (k.as_str(), d.to_string())).collect();
        text.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<String, Date>, D::Error> {
        let text = BTreeMap::<String, String>::deserialize(d)?;
        text.into_iter()
            .map(|(k, v)| v.parse().map(|d| (k, d)).map_err(serde::de::Error::custom))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn calendar() -> Calendar {
        let blob = |offset| Blob { offset, len: 1, plain_len: 1, has_assets: false };
        Calendar {
            first_day: d("2026-12-01"),
            days: 10,
            blobs: (0..4).map(blob).collect(),
            replies: [
                ("cal:today".to_string(), vec![(0, 0), (3, 1), (5, 0)]),
                ("menu:events".to_string(), vec![(0, 2)]),
            ]
            .into(),
            ended: 3,
            until: [("page:e".to_string(), d("2026-12-04"))].into(),
            files: BTreeMap::new(),
        }
    }

    #[test]
    fn runs_pick_the_day() {
        let c = calendar();
        let at = |key, day| c.reply(key, d(day)).map(|b| b.offset);
        assert_eq!(at("cal:today", "2026-12-01"), Some(0));
        assert_eq!(at("cal:today", "2026-12-03"), Some(0));
        assert_eq!(at("cal:today", "2026-12-04"), Some(1));
        assert_eq!(at("cal:today", "2026-12-06"), Some(0));
        assert_eq!(at("cal:today", "2026-12-10"), Some(0), "the last day");
        assert_eq!(at("cal:today", "2026-12-11"), Some(3), "past the window: rebuild needed");
        assert_eq!(at("menu:events", "2027-06-01"), Some(2), "other keys keep the last reply");
        assert_eq!(at("cal:today", "2026-11-01"), Some(0), "before the window: its first day");
        assert_eq!(at("page:x", "2026-12-01"), None);
    }

    #[test]
    fn pages_show_until_their_day() {
        let c = calendar();
        assert!(c.shows("page:e", d("2026-12-04")));
        assert!(!c.shows("page:e", d("2026-12-05")));
        assert!(c.shows("page:other", d("2030-01-01")));
    }

    #[test]
    fn window_status() {
        let c = calendar();
        let last_day = d("2026-12-10");
        assert_eq!(c.status(d("2026-12-01")), WindowStatus::Open { days_left: 9, last_day });
        assert_eq!(c.status(d("2026-12-10")), WindowStatus::Open { days_left: 0, last_day });
        assert_eq!(c.status(d("2026-12-11")), WindowStatus::Ended { last_day });
    }

    #[test]
    fn json_round_trip() {
        let c = calendar();
        let text = serde_json::to_string(&c).unwrap();
        assert!(text.contains(r#""first_day":"2026-12-01""#), "{text}");
        assert!(text.contains(r#""until":{"page:e":"2026-12-04"}"#), "{text}");
        let back: Calendar = serde_json::from_str(&text).unwrap();
        assert_eq!(back.replies, c.replies);
        assert!(
            serde_json::from_str::<Calendar>(&text.replace("2026-12-01", "2026-13-01")).is_err()
        );
    }
}
