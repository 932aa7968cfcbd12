//! Replies that change with the day: a centre's weekly programme, holidays and closures, events
//! leaving every menu and search the day after, and every day's replies valid for LINE.

mod common;

use bundle::{Bundle, Special};
use common::{Site, TODAY, assert_line_valid};
use jiff::civil::Date;
use serde_json::Value;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

const CENTRE: &str = "---
title: 子育て支援センターひまわり
summary: 親子で遊べる場所
keywords: [ひまわり]
schedule:
  name: ひまわり
  hours: \"8:30〜17:15\"
  open: [月, 火, 水, 木, 金, 土]
  closed: [祝日, \"2026-12-29〜2027-01-03 年末年始\", \"2026-12-11 設備点検\"]
  programmes:
    - {name: ひろば, time: \"9:30〜11:30\", place: プレイルーム, weekly: [月, 木]}
    - {name: 身体測定, time: \"10:00〜11:00\", monthly: 第2水}
  changes:
    - {date: 2026-12-10, programme: ひろば, cancel: true, note: 職員研修のため}
---
0〜3歳ごろのお子さんと保護者が遊べる場所です。
";

/// A closure announced on the day: a notice sent at once, even in quiet hours.
const CLOSED_TODAY: &str = "---
title: 本日ひまわりは臨時休館します
expires: 2026-12-11
notify: {at: 2026-12-11T07:30:00+09:00, force: true}
---
設備の点検のため、12月11日（金）は臨時休館します。
";

fn event(title: &str, date: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: 親子で楽しむ{title}\nevent: {{date: {date}, time: \"10:00〜11:00\", place: ひまわり}}\n---\n{title}を開きます。\n"
    )
}

/// The test site's bundle, built once for all tests of this file (a window is 400 days).
fn bundle() -> &'static Bundle {
    static BUNDLE: std::sync::LazyLock<Bundle> = std::sync::LazyLock::new(|| site().bundle());
    &BUNDLE
}

fn site() -> Site {
    Site::new(&[
        ("s/center.md", CENTRE),
        ("events/_index.md", "---\ntitle: イベント\n---\n"),
        ("events/christmas.md", &event("クリスマス会", "2026-12-19")),
        ("events/setsubun.md", &event("節分あそび", "2027-02-03")),
        ("s/kyukan.md", CLOSED_TODAY),
    ])
}

/// The text of every text component of a reply on `day`, joined.
fn text_on(b: &Bundle, key: &str, day: &str) -> String {
    let reply = b.reply_on(key, d(day)).unwrap_or_else(|| panic!("no reply {key}"));
    texts(&b.messages_value(reply))
}

fn texts(v: &Value) -> String {
    let mut out = String::new();
    collect(v, &mut out);
    out
}

fn collect(v: &Value, out: &mut String) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(t)) = m.get("text") {
                out.push_str(t);
                out.push('\n');
            }
            m.values().for_each(|v| collect(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

#[test]
fn a_weekly_programme_shows_on_its_weekdays_not_on_holidays_or_closures() {
    let b = bundle();
    // Monday 2026-11-30 and Thursday 2026-12-03: ひろば.
    for day in ["2026-11-30", "2026-12-03", "2027-01-07"] {
        let today = text_on(b, "cal:today", day);
        assert!(
            today.contains("ひろば（プレイルーム）") && today.contains("開館 8:30〜17:15"),
            "{day}: {today}"
        );
    }
    // Tuesday: open, no programme.
    let tuesday = text_on(b, "cal:today", "2026-12-01");
    assert!(tuesday.contains("開館") && !tuesday.contains("ひろば"), "{tuesday}");
    // 成人の日 (Monday 2027-01-11): closed, no ひろば.
    let holiday = text_on(b, "cal:today", "2027-01-11");
    assert!(
        holiday.contains("休館日（祝日: 成人の日）") && !holiday.contains("ひろば"),
        "{holiday}"
    );
    // Year-end closure (Thursday 2026-12-31).
    let closed = text_on(b, "cal:today", "2026-12-31");
    assert!(closed.contains("休館日（年末年始）") && !closed.contains("ひろば"), "{closed}");
    // Sunday is not an opening day.
    assert!(text_on(b, "cal:today", "2026-12-06").contains("休館日"));
    // The cancelled session is shown struck through with its reason.
    let cancelled = text_on(b, "cal:today", "2026-12-10");
    assert!(cancelled.contains("中止: 職員研修のため"), "{cancelled}");
    // Second Wednesday: 身体測定.
    assert!(text_on(b, "cal:today", "2026-12-09").contains("身体測定"));
    // 明日 on Sunday is Monday's ひろば.
    assert!(text_on(b, "cal:tomorrow", "2026-12-06").contains("ひろば"));
    // The weekday views: next Thursday from Friday 2026-11-27 is 2026-12-03.
    let thursday = text_on(b, "cal:thu", TODAY);
    assert!(thursday.contains("12月3日（木）") && thursday.contains("ひろば"), "{thursday}");
}

#[test]
fn days_alike_share_one_stored_reply() {
    let b = bundle();
    let c = b.calendar.as_ref().expect("calendar");
    let same = |a: &str, z: &str| b.reply_on("cal:today", d(a)) == b.reply_on("cal:today", d(z));
    assert!(same("2026-11-30", "2026-12-07"), "two plain Mondays share a reply");
    assert!(!same("2026-11-30", "2026-12-01"));
    let runs = &c.replies["cal:today"];
    let distinct: std::collections::BTreeSet<u32> = runs.iter().map(|r| r.1).collect();
    assert!(distinct.len() < 40, "{} distinct 今日 replies over {} days", distinct.len(), c.days);
}

/// Every reply key and special of the bundle, as it is on `day`, with the event page's
/// postback data searched for in its actions.
fn mentions(b: &Bundle, day: &str, data: &str) -> Vec<String> {
    let mut found = Vec::new();
    let keys = b.postbacks.keys().filter(|k| !k.starts_with("page:"));
    for key in keys {
        let json = b.messages_value(b.reply_on(key, d(day)).unwrap()).to_string();
        if json.contains(&format!("\"{data}\"")) {
            found.push(key.clone());
        }
    }
    for s in
        [Special::Follow, Special::Fallback, Special::UnknownPostback, Special::UnsupportedMessage]
    {
        if b.messages_value(b.special_on(s, d(day))).to_string().contains(&format!("\"{data}\"")) {
            found.push(s.key().to_string());
        }
    }
    found
}

#[test]
fn an_event_leaves_every_menu_and_search_result_the_day_after() {
    let b = bundle();
    let data = "page:events/christmas";
    let on_the_day = mentions(b, "2026-12-19", data);
    for key in ["menu:events", "menu:", "follow", "cal:today", "cal:week"] {
        assert!(on_the_day.iter().any(|k| k == key), "{key} lists it on its day: {on_the_day:?}");
    }
    let hits = |day| b.search_on("クリスマス会", d(day), 5);
    assert!(hits("2026-12-19").iter().any(|&i| b.pages[i as usize].postback == data));
    assert!(b.shows_on(data, d("2026-12-19")));
    // The day after: in no menu, view or special reply, and not found by search.
    assert_eq!(mentions(b, "2026-12-20", data), Vec::<String>::new());
    assert!(!hits("2026-12-20").iter().any(|&i| b.pages[i as usize].postback == data));
    assert!(!b.shows_on(data, d("2026-12-20")));
    // The other event is still listed; the page itself still opens from an old message.
    assert!(mentions(b, "2026-12-20", "page:events/setsubun").iter().any(|k| k == "menu:events"));
    assert!(b.reply_on(data, d("2027-06-01")).is_some());
    // Once every event is over, the events menu says so instead of an empty carousel.
    let empty = text_on(b, "menu:events", "2027-02-04");
    assert!(empty.contains("いまご案内できるものはありません"), "{empty}");
}

#[test]
fn every_reply_of_every_day_is_valid_for_line() {
    let b = bundle();
    let c = b.calendar.as_ref().expect("calendar");
    assert_eq!((c.first_day, c.days), (d(TODAY), 400.min(c.days)));
    for blob in &c.blobs {
        assert_line_valid(&b.messages_value(blob));
    }
    // Every key has a reply on every day of the window, and past it.
    for key in c.replies.keys() {
        for offset in [0, 1, c.days / 2, c.days - 1, c.days + 30] {
            let day = c.first_day.checked_add(jiff::Span::new().days(offset)).unwrap();
            assert!(c.reply(key, day).is_some(), "{key} on {day}");
        }
    }
}

#[test]
fn past_the_window_views_say_a_rebuild_is_needed() {
    let b = bundle();
    let c = b.calendar.as_ref().unwrap();
    let after = c.last_day().tomorrow().unwrap().to_string();
    let text = text_on(b, "cal:today", &after);
    assert!(text.contains("までしか用意されていません"), "{text}");
    // Menus keep their last day's form.
    assert!(text_on(b, "menu:events", &after).contains("いまご案内"));
}

#[test]
fn the_holiday_table_limits_the_window_with_a_warning() {
    // The table ends on 2027-12-31: a centre closed on holidays gets replies up to then.
    let b = bundle();
    assert_eq!(b.calendar.as_ref().unwrap().last_day(), d("2027-12-31"));
    let warnings = |today: &str| {
        let site = Site::new(&[("s/center.md", CENTRE)]);
        let opts = compiler::BuildOptions { today: d(today), ..site.options() };
        let (_, report) = compiler::compile(&opts).expect("builds");
        report.warnings.to_string()
    };
    // A year and more ahead (the usual case until the next table is out): no warning.
    assert!(!warnings(TODAY).contains("祝日の表"), "{}", warnings(TODAY));
    // Under four months left: staff see it at every build, well before `/readyz` warns.
    let late = warnings("2027-10-01");
    assert!(
        late.contains("祝日の表が2027-12-31までなので、予定の案内は2027-12-31までの92日分です"),
        "{late}"
    );
}

#[test]
fn free_text_finds_the_views() {
    let b = bundle();
    let keyword = |w: &str| b.keywords.get(&bundle::search::normalize(w)).cloned();
    assert_eq!(keyword("今日").as_deref(), Some("cal:today"));
    assert_eq!(keyword("きょう").as_deref(), Some("cal:today"));
    assert_eq!(keyword("明日").as_deref(), Some("cal:tomorrow"));
    assert_eq!(keyword("今週").as_deref(), Some("cal:week"));
    assert_eq!(keyword("土曜日").as_deref(), Some("cal:sat"));
    assert_eq!(keyword("ひまわりの予定").as_deref(), Some("cal:center:s/center"));
    // The centre's page keeps its title; its short name is shared with its schedule, so typing
    // it shows both (by search), like a keyword two pages share.
    assert_eq!(keyword("子育て支援センターひまわり").as_deref(), Some("page:s/center"));
    assert_eq!(keyword("ひまわり"), None);
    assert_eq!(keyword("イベント").as_deref(), Some("menu:events"), "menus keep their names");
    let found = |q: &str| -> Vec<String> {
        b.search_on(q, d(TODAY), 5)
            .into_iter()
            .map(|i| b.pages[i as usize].postback.clone())
            .collect()
    };
    let both = found("ひまわり");
    assert!(
        both.contains(&"page:s/center".into()) && both.contains(&"cal:center:s/center".into()),
        "{both:?}"
    );
    let hiroba = found("ひろば");
    assert!(
        hiroba.contains(&"cal:center:s/center".into()) && hiroba.contains(&"cal:today".into()),
        "{hiroba:?}"
    );
    let question = found("今日ひろばやってる？");
    assert_eq!(question.first().map(String::as_str), Some("cal:today"), "{question:?}");
    assert!(found("きょうのてんき").is_empty(), "{:?}", found("きょうのてんき"));
}

#[test]
fn content_without_dates_keeps_its_bundle_as_before() {
    let plain = Site::new(&[("s/p.md", &common::page("", "本文\n"))]).bundle();
    assert!(plain.calendar.is_none());
    assert!(!plain.postbacks.keys().any(|k| k.starts_with("cal:")));
}

/// A calendar file of the bundle, as served under `/calendar/`.
fn file(b: &Bundle, name: &str) -> String {
    let c = b.calendar.as_ref().expect("calendar");
    c.file_text(&b.replies, b.dictionary, name)
        .unwrap_or_else(|| panic!("no file {name}: {:?}", c.files.keys()))
}

/// `(start, summary, status)` of every VEVENT, read back by a real iCalendar parser.
fn parsed_events(text: &str) -> Vec<(String, String, Option<String>, Option<String>)> {
    use icalendar::{Component, EventLike};
    let cal: icalendar::Calendar = text.parse().expect("the feed parses as iCalendar");
    cal.components
        .iter()
        .filter_map(|c| match c {
            icalendar::CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .map(|e| {
            let start = match e.get_start().expect("DTSTART") {
                icalendar::DatePerhapsTime::Date(d) => d.to_string(),
                icalendar::DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(t)) => {
                    t.to_rfc3339()
                }
                other => panic!("times are UTC or whole days: {other:?}"),
            };
            let status = e.property_value("STATUS").map(String::from);
            assert!(e.get_uid().is_some_and(|u| u.contains('@')), "every event has a UID");
            (
                start,
                e.get_summary().expect("SUMMARY").to_string(),
                status,
                e.get_location().map(String::from),
            )
        })
        .collect()
}

#[test]
fn the_centre_feed_parses_and_holds_the_right_occurrences() {
    let b = bundle();
    let text = file(b, "s-center.ics");
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{}", &text[..60]);
    assert!(text.lines().all(|l| l.len() <= 76), "lines are folded at 75 octets (+CR)");
    let events = parsed_events(&text);
    let hiroba: Vec<&str> = events
        .iter()
        .filter(|e| e.1 == "ひろば（ひまわり）" && e.2.is_none())
        .map(|e| e.0.as_str())
        .collect();
    // Monday 2026-11-30 9:30 in Japan is 00:30 UTC; Thursdays too; not 成人の日 (Monday
    // 2027-01-11), not the year-end closure (Thursday 2026-12-31), not the cancelled 12-10.
    assert!(hiroba.contains(&"2026-11-30T00:30:00+00:00"), "{:?}", &hiroba[..4]);
    assert!(hiroba.contains(&"2026-12-03T00:30:00+00:00"));
    assert!(hiroba.contains(&"2027-01-07T00:30:00+00:00"));
    for absent in [
        "2027-01-11T00:30:00+00:00",
        "2026-12-31T00:30:00+00:00",
        "2026-12-10T00:30:00+00:00",
        "2026-12-01T00:30:00+00:00",
    ] {
        assert!(!hiroba.contains(&absent), "{absent}");
    }
    assert!(hiroba.iter().all(|s| *s >= "2026-11-27" && *s < "2028-01-01"));
    // Two a week over about 57 weeks, less holidays and the closure.
    assert!((100..=116).contains(&hiroba.len()), "{} sessions", hiroba.len());
    let cancelled =
        events.iter().find(|e| e.0 == "2026-12-10T00:30:00+00:00").expect("the 12-10 session");
    assert_eq!(cancelled.2.as_deref(), Some("CANCELLED"));
    assert_eq!(
        cancelled.3.as_deref(),
        Some("プレイルーム（子育て支援センターひまわり）"),
        "unescaped location"
    );
    let closed =
        events.iter().find(|e| e.0 == "2027-01-11").expect("holiday closure as an all-day event");
    assert_eq!(closed.1, "休館日（祝日: 成人の日）（ひまわり）");
    assert!(
        events.iter().any(|e| e.0 == "2026-12-09T01:00:00+00:00" && e.1 == "身体測定（ひまわり）")
    );
    // Sundays (not an opening day) are not listed as closures.
    assert!(!events.iter().any(|e| e.0 == "2026-11-29"));
}

#[test]
fn the_events_feed_and_the_index_page() {
    let b = bundle();
    let events = parsed_events(&file(b, "events.ics"));
    assert_eq!(
        events.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect::<Vec<_>>(),
        [
            ("2026-12-19T01:00:00+00:00", "クリスマス会"),
            ("2027-02-03T01:00:00+00:00", "節分あそび")
        ]
    );
    let index = file(b, "index.html");
    assert!(
        index.contains("href=\"s-center.ics\"") && index.contains("id=\"s-center\""),
        "{index}"
    );
    assert!(index.contains("href=\"events.ics\""));
    // The centre's page links its schedule and its feed.
    let page = b.messages_value(&b.postbacks["page:s/center"]).to_string();
    assert!(page.contains("\"cal:center:s/center\""));
    assert!(page.contains(&format!("\"{}#s-center\"", bundle::CALENDAR_URL_PREFIX)));
}

#[test]
fn feeds_are_identical_from_one_build_to_the_next() {
    let again = site().bundle();
    for name in ["s-center.ics", "events.ics", "index.html"] {
        assert_eq!(file(bundle(), name), file(&again, name), "{name}");
    }
}

#[test]
fn a_same_day_closure_is_a_forced_notice_and_an_event_notice_is_unchanged() {
    let b = bundle();
    let notice = b.notices.iter().find(|n| n.id == "s/kyukan").expect("the closure notice");
    assert!(notice.force, "sent at once, even before 8:00");
    assert_eq!(notice.at, "2026-12-11T07:30:00+09:00");
    // The page leaves the menus the day after its `expires`, like an event.
    assert!(b.shows_on("page:s/kyukan", d("2026-12-11")));
    assert!(!b.shows_on("page:s/kyukan", d("2026-12-12")));
    assert!(text_on(b, "cal:today", "2026-12-11").contains("休館日（設備点検）"));
    // Its button still opens it from the notice afterwards.
    assert!(b.reply_on("page:s/kyukan", d("2026-12-12")).is_some());
}
