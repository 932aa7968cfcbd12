//! Replies that change with the day, on a running server whose clock the test moves: midnight
//! in Japan switches the answers without a reload; near and past the end of the bundle's
//! window `/readyz` warns and the views say a rebuild is needed.

use std::path::Path;
use std::sync::Arc;

use http::StatusCode;
use jiff::Timestamp;
use runtime::clock::ManualClock;
use serde_json::Value;
use tempfile::TempDir;

use crate::util::{self, Server, postback_event, text_event};

/// A small account: one centre open Monday to Saturday with ひろば on Mondays, and an event on
/// Sunday 2026-11-29.
fn content() -> TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = [
        (
            "_index.md",
            "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\n---\nようこそ。\n",
        ),
        ("center/_index.md", "---\ntitle: 子育て支援センター\n---\n"),
        (
            "center/himawari.md",
            "---\ntitle: 支援センターひまわり\nschedule:\n  name: ひまわり\n  hours: \"9:00〜16:00\"\n  open: [月, 火, 水, 木, 金, 土]\n  closed: [祝日]\n  programmes:\n    - {name: ひろば, time: \"10:00〜11:30\", weekly: [月]}\n---\n親子で遊べる場所です。\n",
        ),
        ("events/_index.md", "---\ntitle: イベント\n---\n"),
        (
            "events/ohanashi.md",
            "---\ntitle: おはなし会\nevent: {date: 2026-11-29, time: \"10:30〜11:00\", place: 図書館}\n---\n絵本の読み聞かせです。\n",
        ),
        (
            "events/ensoku.md",
            "---\ntitle: 親子遠足\nevent: {date: 2026-12-12, time: \"9:00〜12:00\", place: 公園}\n---\n公園に行きます。\n",
        ),
    ];
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn at(t: &str) -> Timestamp {
    t.parse().expect("timestamp")
}

async fn server(content: &Path, clock: Arc<ManualClock>) -> Server {
    util::start_custom(content, "2026-11-27", clock, |_| {}).await
}

/// Sends `event`, waits for its reply (the `n`-th Reply API call) and returns its texts.
async fn reply_texts(server: &Server, event: Value, n: usize) -> String {
    assert_eq!(server.post_events(vec![event]).await, StatusCode::OK);
    let requests = server.line.wait_for(n).await;
    assert_eq!(requests.len(), n, "one reply per event");
    let body: Value = serde_json::from_slice(&requests[n - 1].body).expect("json");
    let mut out = String::new();
    collect(&body["messages"], &mut out);
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn midnight_in_japan_switches_the_answers_without_a_reload() {
    let content = content();
    // Sunday 2026-11-29, half a minute before midnight in Japan.
    let clock = ManualClock::new(at("2026-11-29T23:59:30+09:00"));
    let server = server(content.path(), clock.clone()).await;
    let sunday = reply_texts(&server, text_event("t1", "今日"), 1).await;
    assert!(sunday.contains("休館日") && sunday.contains("おはなし会"), "{sunday}");
    let menu = reply_texts(&server, postback_event("t2", "menu:events"), 2).await;
    assert!(menu.contains("おはなし会") && menu.contains("親子遠足"), "{menu}");
    let found = reply_texts(&server, text_event("t3", "おはなし会"), 3).await;
    assert!(found.contains("絵本の読み聞かせ"), "the event's name opens it on its day: {found}");

    clock.set(at("2026-11-30T00:00:00+09:00"));
    let monday = reply_texts(&server, text_event("t4", "今日"), 4).await;
    assert!(monday.contains("ひろば") && !monday.contains("休館日"), "{monday}");
    assert!(!monday.contains("おはなし会"), "{monday}");
    let menu = reply_texts(&server, postback_event("t5", "menu:events"), 5).await;
    assert!(!menu.contains("おはなし会") && menu.contains("親子遠足"), "{menu}");
    let searched = reply_texts(&server, text_event("t6", "おはなし会"), 6).await;
    assert!(!searched.contains("おはなし会"), "no longer found: {searched}");
    let follow =
        reply_texts(&server, util::event("follow", Some("t7"), serde_json::json!({})), 7).await;
    assert!(!follow.contains("おはなし会"), "{follow}");
    assert_eq!(server.metric("oyako_bundle_reloads_total{result=\"ok\"}").await, 0);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_warns_weeks_before_the_window_ends_and_views_ask_for_a_rebuild_after() {
    let content = content();
    let clock = ManualClock::new(at("2026-11-30T12:00:00+09:00"));
    let server = server(content.path(), clock.clone()).await;
    let last = server.state.current().bundle.calendar.as_ref().expect("calendar").last_day();
    assert_eq!(last.to_string(), "2027-12-31", "a centre closed on holidays: to the table's end");
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    assert!(!String::from_utf8_lossy(&ready.body).contains("warning"));
    assert!(server.metrics().await.contains("oyako_calendar_days_left 396\n"));

    clock.set(at("2027-12-10T09:00:00+09:00"));
    let ready = server.get("/readyz").await;
    let body = String::from_utf8_lossy(&ready.body).to_string();
    assert_eq!(ready.status, StatusCode::OK, "still ready: only the calendar is ending");
    assert!(
        body.contains("warning: the schedule replies end on 2027-12-31 (21 days left)"),
        "{body}"
    );

    clock.set(at("2028-01-01T09:00:00+09:00"));
    let body = String::from_utf8_lossy(&server.get("/readyz").await.body).to_string();
    assert!(body.contains("ended on 2027-12-31"), "{body}");
    assert!(server.metrics().await.contains("oyako_calendar_days_left -1\n"));
    let today = reply_texts(&server, text_event("t1", "今日"), 1).await;
    assert!(today.contains("2027年12月31日の分までしか用意されていません"), "{today}");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calendar_feeds_are_served_and_linked_from_replies() {
    let content = content();
    let clock = ManualClock::new(at("2026-11-30T12:00:00+09:00"));
    let server = server(content.path(), clock).await;
    let loaded = server.state.current();
    let calendar = loaded.bundle.calendar.as_ref().expect("calendar");
    let file =
        |name| calendar.file_text(&loaded.bundle.replies, loaded.bundle.dictionary, name).unwrap();
    let feed = server.get("/calendar/center-himawari.ics").await;
    assert_eq!(feed.status, StatusCode::OK);
    assert_eq!(feed.headers["content-type"], "text/calendar; charset=utf-8");
    assert_eq!(feed.headers["cache-control"], "public, max-age=3600");
    assert_eq!(feed.body, file("center-himawari.ics").as_bytes());
    assert!(String::from_utf8_lossy(&feed.body).contains("SUMMARY:ひろば（ひまわり）"));
    let etag = feed.headers["etag"].clone();
    let again = http::Request::get("/calendar/center-himawari.ics")
        .header("if-none-match", etag)
        .body(http_body_util::Full::default())
        .unwrap();
    assert_eq!(server.send(again).await.status, StatusCode::NOT_MODIFIED);
    let events = server.get("/calendar/events.ics").await;
    assert!(String::from_utf8_lossy(&events.body).contains("SUMMARY:おはなし会"));
    for page in ["/calendar/", "/calendar/index.html"] {
        let index = server.get(page).await;
        assert_eq!(
            (index.status, &index.headers["content-type"]),
            (StatusCode::OK, &"text/html; charset=utf-8".parse().unwrap())
        );
        assert!(String::from_utf8_lossy(&index.body).contains("center-himawari.ics"));
    }
    for missing in
        ["/calendar/nothing.ics", "/calendar/../bundle.json", "/calendar/%2e%2e/bundle.json"]
    {
        assert_eq!(server.get(missing).await.status, StatusCode::NOT_FOUND, "{missing}");
    }
    // The centre's page links its week and its feed, at the server's public address.
    let page = serde_json::to_string(
        &loaded.bundle.messages_value(&loaded.bundle.postbacks["page:center/himawari"]),
    )
    .unwrap();
    assert!(page.contains(&format!("{}/calendar/#center-himawari", util::PUBLIC_URL)), "{page}");
    assert!(page.contains("cal:center:center/himawari"));
    server.stop().await;
}
