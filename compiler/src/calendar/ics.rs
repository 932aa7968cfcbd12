//! iCalendar feeds (RFC 5545, <https://www.rfc-editor.org/rfc/rfc5545>) of each centre's
//! programme and of the events, and the page under `/calendar/` that offers them.
//!
//! Written by hand rather than with a crate: the crates at hand stamp `DTSTAMP` with the
//! current time and make random `UID`s, and a feed must be byte-identical from one build to the
//! next (the bundle is content-hashed) and keep each occurrence's `UID` so that a phone
//! subscribed to it updates events instead of duplicating them. What RFC 5545 asks of the text
//! is small: CRLF line ends, lines folded at 75 octets (never inside a UTF-8 character),
//! `\ ; ,` and newlines escaped in TEXT values. Tests read the feeds back with a real parser.
//!
//! Programmes are written as one event per occurrence over the window (not as `RRULE`s), so
//! holidays, closures and one-off changes are exactly what the account says; a cancelled
//! session stays with `STATUS:CANCELLED`. Times are written in UTC (`…Z`), which needs no
//! `VTIMEZONE`; calendar apps show them in the phone's own time zone.

use std::fmt::Write as _;

use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};

use super::Window;
use super::days::{Calendar, Centre};
use crate::spec::schedule::{Closed, SessionStatus, TimeRange, time_range};

/// Name of the events feed.
pub const EVENTS_FEED: &str = "events.ics";
/// Name of the page that lists the feeds.
pub const INDEX_PAGE: &str = "index.html";
/// How often a subscribed calendar should look again (RFC 7986 `REFRESH-INTERVAL`).
const REFRESH: &str = "PT12H";

/// The files served under `/calendar/`: (name, text).
pub fn files(cal: &Calendar<'_>, window: &Window, account: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let stamp = stamp(window.first);
    let mut feeds = Vec::new();
    for c in &cal.centres {
        let name = feed_name(c);
        files.push((name.clone(), centre_feed(cal, c, window, account, &stamp)));
        feeds.push((c.slug(), format!("{}の予定", c.name), name));
    }
    if !cal.events.is_empty() {
        files.push((EVENTS_FEED.to_string(), events_feed(cal, account, &stamp)));
        feeds.push(("events".to_string(), format!("{account}のイベント"), EVENTS_FEED.to_string()));
    }
    files.push((INDEX_PAGE.to_string(), index_page(account, &feeds)));
    files
}

/// The feed file of a centre: its path with `/` → `-` (`shien-center-honeycomb.ics`).
pub fn feed_name(c: &Centre<'_>) -> String {
    match c.slug().as_str() {
        "events" | "index" => format!("{}-center.ics", c.slug()),
        slug => format!("{slug}.ics"),
    }
}

/// `DTSTAMP` for every event: the build day's midnight in Japan, so builds are reproducible.
fn stamp(first: Date) -> String {
    utc(first, Time::midnight())
}

/// `20261201T003000Z` for a time of day in Japan.
fn utc(day: Date, time: Time) -> String {
    let zoned = day.to_datetime(time).to_zoned_datetime(bundle::japan::zone());
    let t = zoned.map(|z| z.with_time_zone(TimeZone::UTC)).ok();
    t.map_or_else(String::new, |z| z.strftime("%Y%m%dT%H%M%SZ").to_string())
}

fn compact(day: Date) -> String {
    day.strftime("%Y%m%d").to_string()
}

/// A short stable id of a text, for UIDs that survive reordering.
fn short_hash(text: &str) -> String {
    Sha256::digest(text.as_bytes()).iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// An iCalendar document being written.
struct Ics {
    text: String,
}

impl Ics {
    fn new(name: &str, description: &str, account: &str) -> Ics {
        let mut ics = Ics { text: String::new() };
        ics.line("BEGIN:VCALENDAR");
        ics.line("VERSION:2.0");
        ics.prop("PRODID", &format!("-//oyako//{account}//JA"), false);
        ics.line("CALSCALE:GREGORIAN");
        ics.line("METHOD:PUBLISH");
        ics.prop("NAME", name, true);
        ics.prop("X-WR-CALNAME", name, true);
        ics.prop("DESCRIPTION", description, true);
        ics.prop("X-WR-CALDESC", description, true);
        ics.line("X-WR-TIMEZONE:Asia/Tokyo");
        ics.line(&format!("REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}"));
        ics.line(&format!("X-PUBLISHED-TTL:{REFRESH}"));
        ics
    }

    fn finish(mut self) -> String {
        self.line("END:VCALENDAR");
        self.text
    }

    /// One content line, folded at 75 octets without splitting a character, CRLF-terminated.
    fn line(&mut self, line: &str) {
        let mut width = 0;
        for c in line.chars() {
            if width + c.len_utf8() > 75 {
                self.text.push_str("\r\n ");
                width = 1;
            }
            self.text.push(c);
            width += c.len_utf8();
        }
        self.text.push_str("\r\n");
    }

    /// `NAME:value`, the value escaped as TEXT when `text`.
    fn prop(&mut self, name: &str, value: &str, text: bool) {
        let value = if text { escape(value) } else { value.to_string() };
        self.line(&format!("{name}:{value}"));
    }

    /// One VEVENT.
    fn event(&mut self, e: &Event<'_>) {
        self.line("BEGIN:VEVENT");
        self.prop("UID", &e.uid, false);
        self.prop("DTSTAMP", e.stamp, false);
        match e.time {
            Some(t) => {
                self.prop("DTSTART", &utc(e.day, t.start), false);
                if let Some(end) = t.end {
                    self.prop("DTEND", &utc(e.day, end), false);
                }
            }
            None => {
                let next = e.day.tomorrow().unwrap_or(e.day);
                self.line(&format!("DTSTART;VALUE=DATE:{}", compact(e.day)));
                self.line(&format!("DTEND;VALUE=DATE:{}", compact(next)));
                self.line("TRANSP:TRANSPARENT");
            }
        }
        self.prop("SUMMARY", &e.summary, true);
        if let Some(place) = &e.location {
            self.prop("LOCATION", place, true);
        }
        if let Some(d) = &e.description {
            self.prop("DESCRIPTION", d, true);
        }
        if e.cancelled {
            self.line("STATUS:CANCELLED");
        }
        self.line("END:VEVENT");
    }
}

/// What one VEVENT says.
struct Event<'a> {
    uid: String,
    stamp: &'a str,
    day: Date,
    time: Option<TimeRange>,
    summary: String,
    location: Option<String>,
    description: Option<String>,
    cancelled: bool,
}

/// RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Every session and non-weekly closure of a centre over the window.
fn centre_feed(
    cal: &Calendar<'_>,
    c: &Centre<'_>,
    window: &Window,
    account: &str,
    stamp: &str,
) -> String {
    let name = format!("{}の予定", c.name);
    let hours = c.schedule.hours.map(|h| format!("（開館時間 {h}）")).unwrap_or_default();
    let note = c.schedule.note.as_ref().map(|n| format!("\n{n}")).unwrap_or_default();
    let mut ics = Ics::new(&name, &format!("{account}: {}{hours}{note}", c.title), account);
    let slug = c.slug();
    for offset in 0..window.days {
        let day = window.day(offset);
        let plan = c.schedule.plan(day, cal.holidays);
        match &plan.closed {
            Some(Closed::Weekday) => continue,
            Some(closed) => {
                ics.event(&Event {
                    uid: format!("{}-closed@{slug}.oyako", compact(day)),
                    stamp,
                    day,
                    time: None,
                    summary: format!("{}（{}）", closed.label(), c.name),
                    location: None,
                    description: None,
                    cancelled: false,
                });
                continue;
            }
            None => {}
        }
        for s in &plan.sessions {
            let place = match &s.place {
                Some(p) => format!("{p}（{}）", c.title),
                None => c.title.to_string(),
            };
            let changed = (s.status == SessionStatus::Changed).then_some("変更あり");
            let description = match (changed, &s.note) {
                (Some(m), Some(n)) => Some(format!("{m}: {n}")),
                (m, n) => m.map(String::from).or(n.clone()),
            };
            ics.event(&Event {
                uid: format!("{}-{}@{slug}.oyako", compact(day), short_hash(&s.name)),
                stamp,
                day,
                time: s.time,
                summary: format!("{}（{}）", s.name, c.name),
                location: Some(place),
                description,
                cancelled: s.status == SessionStatus::Cancelled,
            });
        }
        for (i, note) in plan.notes.iter().enumerate() {
            ics.event(&Event {
                uid: format!("{}-note{i}@{slug}.oyako", compact(day)),
                stamp,
                day,
                time: None,
                summary: format!("お知らせ（{}）: {note}", c.name),
                location: None,
                description: None,
                cancelled: false,
            });
        }
    }
    ics.finish()
}

/// Every event page; its time when it reads as `10:00〜11:30`, else all day.
fn events_feed(cal: &Calendar<'_>, account: &str, stamp: &str) -> String {
    let name = format!("{account}のイベント");
    let mut ics = Ics::new(&name, &format!("{account}の教室・講座・行事"), account);
    for (day, pages) in &cal.events {
        for page in pages {
            let e = page.event.as_ref();
            let written = e.and_then(|e| e.time.clone());
            let time = written.as_deref().and_then(|t| time_range(t).ok());
            let mut description = page.summary.clone();
            if let (None, Some(t)) = (time, &written) {
                description = Some(match description {
                    Some(d) => format!("{t}\n{d}"),
                    None => t.clone(),
                });
            }
            ics.event(&Event {
                uid: format!("{}@events.oyako", page.path.replace('/', "-")),
                stamp,
                day: *day,
                time,
                summary: page.title.clone(),
                location: e.and_then(|e| e.place.clone()),
                description,
                cancelled: false,
            });
        }
    }
    ics.finish()
}

/// The page at `/calendar/`: each feed with how to subscribe on a phone.
fn index_page(account: &str, feeds: &[(String, String, String)]) -> String {
    let mut html = String::new();
    let account = crate::html::esc(account);
    let _ = write!(
        html,
        "<!doctype html>\n<html lang=\"ja\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>カレンダーに登録｜{account}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <h1>カレンダーに登録</h1>\n\
         <p>スマートフォンのカレンダーに登録すると、{account}の予定がカレンダーに表示され、変更も自動で反映されます。</p>\n"
    );
    for (anchor, title, file) in feeds {
        let (anchor, title, file) =
            (crate::html::esc(anchor), crate::html::esc(title), crate::html::esc(file));
        let _ = write!(
            html,
            "<section id=\"{anchor}\">\n<h2>{title}</h2>\n\
             <p><a class=\"button\" data-webcal=\"{file}\" href=\"{file}\">iPhone・iPad のカレンダーに登録</a></p>\n\
             <p>Android（Google カレンダー）: パソコンで Google カレンダーを開き、「他のカレンダー」の「＋」→「URL で追加」に、次のアドレスを貼り付けてください。</p>\n\
             <p><code data-url=\"{file}\">{file}</code></p>\n\
             <p><a href=\"{file}\">ファイル（.ics）を開く</a></p>\n</section>\n"
        );
    }
    html.push_str(
        "<p class=\"note\">登録をやめるときは、カレンダーのアプリで、このカレンダーを削除してください。</p>\n\
         <script>\n\
         document.querySelectorAll('[data-webcal]').forEach(function (a) {\n\
           var u = new URL(a.getAttribute('data-webcal'), location.href);\n\
           a.href = 'webcal://' + u.host + u.pathname;\n\
         });\n\
         document.querySelectorAll('[data-url]').forEach(function (c) {\n\
           c.textContent = new URL(c.getAttribute('data-url'), location.href).href;\n\
         });\n\
         </script>\n</body>\n</html>\n",
    );
    html
}

const STYLE: &str = "body{font-family:sans-serif;margin:16px;line-height:1.6;color:#333}\
h1{font-size:22px}h2{font-size:18px;color:#B8560B;margin-top:28px}\
.button{display:inline-block;background:#B8560B;color:#fff;padding:10px 16px;border-radius:8px;text-decoration:none}\
code{word-break:break-all;background:#f4f4f4;padding:2px 4px}.note{color:#666;font-size:14px}";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_fold_at_75_octets_between_characters() {
        let mut ics = Ics { text: String::new() };
        ics.prop("SUMMARY", &"あ".repeat(40), true);
        for line in ics.text.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = ics.text.replace("\r\n ", "");
        assert_eq!(unfolded, format!("SUMMARY:{}\r\n", "あ".repeat(40)));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn times_in_japan_become_utc() {
        let day: Date = "2026-12-01".parse().unwrap();
        assert_eq!(utc(day, Time::new(9, 30, 0, 0).unwrap()), "20261201T003000Z");
        assert_eq!(utc(day, Time::midnight()), "20261130T150000Z");
    }

    #[test]
    fn the_index_page_escapes_names() {
        let html = index_page("<市>", &[("a".into(), "A&B".into(), "a.ics".into())]);
        assert!(html.contains("&lt;市&gt;") && html.contains("A&amp;B") && !html.contains("<市>"));
    }
}
