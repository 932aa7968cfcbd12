//! Notices (`notify:` pages) against the fake LINE API: sent at their time and exactly once
//! across restarts and crashes, quiet hours, the grace window, LINE's error answers, the 24 h
//! retry cutoff, the quota check, `oyako send` (dry run, test pushes) and `oyako serve`.
//!
//! The scheduler is driven with explicit times (`tick(now)`) or a manual clock, so no test
//! waits for real hours; only the `oyako serve` test uses the real clock.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use bundle::Notice;
use jiff::Timestamp;
use runtime::clock::ManualClock;
use runtime::notices::{Api, ApiConfig, Policy, Record, RecordKind, Scheduler, retry_key};
use runtime::{Config, Secret, State};
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::fake_line::{FakeLine, Recorded, Respond};
use crate::util;

const BROADCAST: &str = "/v2/bot/message/broadcast";
const NARROWCAST: &str = "/v2/bot/message/narrowcast";
const PUSH: &str = "/v2/bot/message/push";
const STAFF: &str = "U0123456789abcdef0123456789abcdef";

/// An event page due at `at`, with `extra` lines of `notify`.
fn event_page(title: &str, at: &str, extra: &str) -> String {
    format!(
        "---\ntitle: {title}\nsummary: 親子で参加できます\nevent: {{date: 2026-12-12, time: \"10:00〜11:30\", place: 保健センター}}\nnotify: {{at: \"{at}\"{extra}}}\n---\n{title}のお知らせです。\n"
    )
}

/// An account with a narrowcast audience, replacing the fixture's `_index.md`.
const ACCOUNT: &str = "---
title: テスト市 子育てLINE
fallback: \"見つかりませんでした。\"
audiences:
  mama: {type: gender, oneOf: [female]}
---
友だち追加ありがとうございます！
";

/// A bundle of the fixture content plus `pages` under `events/`, and a fake LINE API whose
/// quota endpoints say "no limit".
struct Setup {
    line: FakeLine,
    dir: TempDir,
    notices: Vec<Notice>,
}

impl Setup {
    async fn new(pages: &[(&str, String)]) -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        let content = dir.path().join("content");
        util::copy_dir(&util::fixture_content(), &content);
        std::fs::write(content.join("_index.md"), ACCOUNT).expect("account");
        std::fs::create_dir_all(content.join("events")).expect("events");
        std::fs::write(content.join("events/_index.md"), "---\ntitle: イベント\n---\n").unwrap();
        for (name, text) in pages {
            std::fs::write(content.join("events").join(format!("{name}.md")), text).unwrap();
        }
        util::build_bundle(&content, &dir.path().join("dist"));
        let notices = bundle::load(&dir.path().join("dist")).expect("bundle").notices;
        let line = FakeLine::start().await;
        set_quota(&line, r#"{"type":"none"}"#, 0, None);
        Setup { line, dir, notices }
    }

    fn bundle(&self) -> PathBuf {
        self.dir.path().join("dist")
    }

    fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    fn journal(&self) -> PathBuf {
        self.state().join(runtime::notices::JOURNAL_FILE)
    }

    fn api_config(&self) -> ApiConfig {
        ApiConfig {
            api_base: self.line.base.clone(),
            access_token: Some(Secret::new(util::ACCESS_TOKEN)),
            public_url: Some(util::PUBLIC_URL.into()),
        }
    }

    /// A scheduler as after a (re)start: fresh memory, the journal on disk.
    fn scheduler(&self, policy: Policy) -> Scheduler {
        let api = Api::new(&self.api_config(), Duration::from_secs(5)).expect("api");
        Scheduler::open(api, &self.state(), policy).expect("scheduler")
    }

    fn notice(&self, id: &str) -> &Notice {
        self.notices.iter().find(|n| n.id == id).expect("notice")
    }

    fn records(&self) -> Vec<Record> {
        runtime::journal::read::<Record>(&self.journal()).expect("journal").records
    }

    /// Sends to `path` so far, each checked against LINE's OpenAPI schema.
    fn sends(&self, path: &str) -> Vec<Recorded> {
        let sends = self.line.requests_to(path);
        sends.iter().for_each(assert_valid);
        sends
    }

    /// Runs `oyako <args>` with the test credentials; returns the output.
    async fn oyako(&self, args: &[&str]) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
        cmd.args(args).arg("--bundle").arg(self.bundle()).arg("--state-dir").arg(self.state());
        for var in ["OYAKO_NOTICE_GRACE", "OYAKO_QUIET_HOURS", "LINE_DATA_API_BASE"] {
            cmd.env_remove(var);
        }
        cmd.env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
            .env("LINE_API_BASE", &self.line.base)
            .env("OYAKO_PUBLIC_URL", util::PUBLIC_URL);
        tokio::task::spawn_blocking(move || cmd.output().expect("run oyako")).await.unwrap()
    }
}

fn set_quota(line: &FakeLine, quota: &str, used: u64, reach: Option<(u64, u64)>) {
    line.set_json("/v2/bot/message/quota", 200, quota);
    line.set_json("/v2/bot/message/quota/consumption", 200, &format!("{{\"totalUsage\":{used}}}"));
    let followers = match reach {
        Some((f, b)) => {
            json!({"status": "ready", "followers": f, "targetedReaches": f, "blocks": b})
        }
        None => {
            json!({"status": "unready", "followers": null, "targetedReaches": null, "blocks": null})
        }
    };
    line.set_json("/v2/bot/insight/followers", 200, &followers.to_string());
}

fn t(s: &str) -> Timestamp {
    compiler::parse_time(s).expect("time")
}

fn key_of(r: &Recorded) -> String {
    r.headers.get("x-line-retry-key").expect("retry key").to_str().unwrap().to_owned()
}

fn body(r: &Recorded) -> Value {
    serde_json::from_slice(&r.body).expect("JSON body")
}

fn kinds(records: &[Record], id: &str) -> Vec<RecordKind> {
    records.iter().filter(|r| r.notice == id).map(|r| r.event).collect()
}

/// The request body passes LINE's schema for its endpoint, and the retry key is a hex UUID.
fn assert_valid(r: &Recorded) {
    let schema = match r.path.as_str() {
        BROADCAST => "BroadcastRequest",
        NARROWCAST => "NarrowcastRequest",
        PUSH => "PushMessageRequest",
        _ => "MulticastRequest",
    };
    let value = body(r);
    let problems = openapi::problems(schema, &value);
    assert!(problems.is_empty(), "{schema}: {problems:#?}\n{value:#}");
    let key = key_of(r);
    let groups: Vec<usize> = key.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "retry key {key} is a hex UUID");
    assert_eq!(r.headers["authorization"], format!("Bearer {}", util::ACCESS_TOKEN));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_is_sent_at_its_time_and_only_once_across_restarts() {
    let s = Setup::new(&[("kyoushitsu", event_page("妊婦教室", "2026-12-05T09:00:00+09:00", ""))])
        .await;
    let n = s.notice("events/kyoushitsu").clone();
    let mut first = s.scheduler(Policy::default());
    let tick = first.tick(&s.notices, t("2026-12-05 08:59")).await;
    assert_eq!(tick.next, Some(t("2026-12-05 09:00")), "wakes at the notice's time");
    assert!(s.sends(BROADCAST).is_empty(), "nothing before its time");
    let tick = first.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert_eq!(tick.sent, ["events/kyoushitsu"]);
    let sends = s.sends(BROADCAST);
    assert_eq!(sends.len(), 1);
    assert_eq!(key_of(&sends[0]), retry_key(&n.id, &n.hash));
    let sent = body(&sends[0]);
    assert_eq!(
        sent["messages"][0]["altText"],
        "【お知らせ】妊婦教室（2026年12月12日（土） 10:00〜11:30）"
    );
    let text = sent.to_string();
    assert!(text.contains("page:events/kyoushitsu") && text.contains("詳しく見る"), "{text}");
    first.tick(&s.notices, t("2026-12-05 09:01")).await;
    drop(first);
    // A restart (or a second replica on the same volume) sends nothing again.
    let mut second = s.scheduler(Policy::default());
    for now in ["2026-12-05 09:02", "2026-12-05 12:00", "2026-12-06 09:00"] {
        assert_eq!(second.tick(&s.notices, t(now)).await.next, None);
    }
    assert_eq!(s.line.requests_to(BROADCAST).len(), 1);
    assert_eq!(kinds(&s.records(), &n.id), [RecordKind::Started, RecordKind::Sent]);
    assert_eq!(s.line.accepted().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filtered_audience_goes_out_as_a_narrowcast() {
    let page = event_page("ママ向け講座", "2026-12-05T09:00:00+09:00", ", audience: mama");
    let s = Setup::new(&[("mama", page)]).await;
    s.line.respond([Respond::status(202, "{}")]);
    let mut sched = s.scheduler(Policy::default());
    assert_eq!(sched.tick(&s.notices, t("2026-12-05 09:00")).await.sent, ["events/mama"]);
    let sends = s.sends(NARROWCAST);
    assert_eq!(sends.len(), 1);
    assert_eq!(
        body(&sends[0])["filter"],
        json!({"demographic": {"type": "gender", "oneOf": ["female"]}})
    );
    assert!(s.line.requests_to(BROADCAST).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_line_accepted_does_not_send_twice() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    // LINE delivers, but the answer never reaches us; then the process dies.
    s.line.respond([Respond::AcceptThenDrop]);
    let mut before = s.scheduler(Policy::default());
    let tick = before.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert!(tick.sent.is_empty() && tick.next.is_some(), "{tick:?}");
    drop(before);
    assert_eq!(kinds(&s.records(), "events/a"), [RecordKind::Started]);
    // After the restart the same retry key goes out again; LINE answers 409 = already sent.
    let mut after = s.scheduler(Policy::default());
    assert_eq!(after.tick(&s.notices, t("2026-12-05 09:10")).await.sent, ["events/a"]);
    let sends = s.sends(BROADCAST);
    assert_eq!(sends.len(), 2);
    assert_eq!(key_of(&sends[0]), key_of(&sends[1]));
    assert_eq!(s.line.accepted().len(), 1, "delivered once");
    let records = s.records();
    assert_eq!(kinds(&records, "events/a"), [RecordKind::Started, RecordKind::Sent]);
    assert_eq!(records[1].status, Some(409));
    assert_eq!(records[1].request_id.as_deref(), Some("fake-accepted-request-id"));
    assert!(after.tick(&s.notices, t("2026-12-05 10:00")).await.sent.is_empty());
    assert_eq!(s.line.requests_to(BROADCAST).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_last_journal_line_loses_no_earlier_record() {
    let s = Setup::new(&[
        ("a", event_page("講座A", "2026-12-05T09:00:00+09:00", "")),
        ("b", event_page("講座B", "2026-12-05T10:00:00+09:00", "")),
    ])
    .await;
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-05 10:00")).await;
    assert_eq!(s.line.requests_to(BROADCAST).len(), 2);
    drop(sched);
    // The `sent` line of B was half written when the machine lost power.
    let text = std::fs::read_to_string(s.journal()).unwrap();
    let cut = text.trim_end().rfind('\n').unwrap() + 1 + 20;
    std::fs::write(s.journal(), &text[..cut]).unwrap();
    let read = runtime::journal::read::<Record>(&s.journal()).unwrap();
    assert_eq!((read.records.len(), read.skipped), (3, 1));
    assert_eq!(kinds(&read.records, "events/a"), [RecordKind::Started, RecordKind::Sent]);
    // A is untouched; B's attempt is resumed with its key, LINE says 409, B is sent once.
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 10:05")).await;
    assert_eq!(tick.sent, ["events/b"]);
    let sends = s.sends(BROADCAST);
    assert_eq!(sends.len(), 3);
    assert_eq!(key_of(&sends[2]), key_of(&sends[1]));
    assert_eq!(s.line.accepted().len(), 2);
    let read = runtime::journal::read::<Record>(&s.journal()).unwrap();
    assert_eq!(read.skipped, 1);
    assert_eq!(kinds(&read.records, "events/b"), [RecordKind::Started, RecordKind::Sent]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quiet_hours_hold_until_eight_and_force_sends_at_once() {
    let s = Setup::new(&[
        ("yoru", event_page("夜の案内", "2026-12-05T21:30:00+09:00", "")),
        ("kinkyu", event_page("休館のお知らせ", "2026-12-05T21:30:00+09:00", ", force: true")),
    ])
    .await;
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 21:30")).await;
    assert_eq!(tick.sent, ["events/kinkyu"]);
    assert_eq!(tick.next, Some(t("2026-12-06 08:00")));
    assert!(sched.tick(&s.notices, t("2026-12-06 07:59")).await.sent.is_empty());
    assert_eq!(sched.tick(&s.notices, t("2026-12-06 08:00")).await.sent, ["events/yoru"]);
    assert_eq!(s.sends(BROADCAST).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limited_answers_wait_for_retry_after() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    let headers = vec![("retry-after", "120".to_owned())];
    s.line.respond([Respond::Headers {
        status: 429,
        body: r#"{"message":"Too many requests"}"#,
        headers,
    }]);
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert_eq!(tick.next, Some(t("2026-12-05 09:02")), "Retry-After: 120 is honoured");
    assert!(sched.tick(&s.notices, t("2026-12-05 09:01")).await.sent.is_empty());
    assert_eq!(s.line.requests_to(BROADCAST).len(), 1, "no request before Retry-After");
    assert_eq!(sched.tick(&s.notices, t("2026-12-05 09:02")).await.sent, ["events/a"]);
    let sends = s.sends(BROADCAST);
    assert_eq!(key_of(&sends[0]), key_of(&sends[1]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_back_off_and_retry_under_the_same_key() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    s.line.respond([
        Respond::status(500, r#"{"message":"Internal error"}"#),
        Respond::status(503, "<html>unavailable</html>"),
        Respond::Drop,
    ]);
    let mut sched = s.scheduler(Policy::default());
    let mut now = t("2026-12-05 09:00");
    let mut waits = Vec::new();
    loop {
        let tick = sched.tick(&s.notices, now).await;
        if !tick.sent.is_empty() {
            break;
        }
        let next = tick.next.expect("a retry is scheduled");
        waits.push(next.duration_since(now).as_secs());
        now = next;
    }
    assert_eq!(waits, [30, 60, 120], "exponential backoff");
    let sends = s.sends(BROADCAST);
    assert_eq!(sends.len(), 4);
    assert!(sends.iter().all(|r| key_of(r) == key_of(&sends[0])));
    assert_eq!(kinds(&s.records(), "events/a"), [RecordKind::Started, RecordKind::Sent]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_request_is_failed_with_lines_details_and_never_retried() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    s.line.respond([Respond::status(
        400,
        r#"{"message":"The request body has 1 error(s)","details":[{"message":"Length must be between 0 and 1500","property":"messages[0].altText"}]}"#,
    )]);
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert_eq!(tick, runtime::notices::Tick::default());
    for now in ["2026-12-05 09:01", "2026-12-05 10:00", "2026-12-06 09:00"] {
        sched.tick(&s.notices, t(now)).await;
    }
    assert_eq!(s.line.requests_to(BROADCAST).len(), 1, "a 400 is never repeated");
    let records = s.records();
    assert_eq!(kinds(&records, "events/a"), [RecordKind::Started, RecordKind::Failed]);
    let detail = records[1].detail.as_deref().unwrap();
    assert!(detail.contains("400") && detail.contains("messages[0].altText"), "{detail}");
    let listing = s.oyako(&["notices", "--now", "2026-12-05T12:00:00+09:00"]).await;
    let listing = String::from_utf8_lossy(&listing.stdout);
    assert!(listing.contains("failed") && listing.contains("messages[0].altText"), "{listing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_grace_window_sends_late_notices_and_reports_older_ones_missed() {
    let s = Setup::new(&[
        ("early", event_page("講座（朝）", "2026-12-05T09:00:00+09:00", "")),
        ("later", event_page("講座（昼）", "2026-12-05T10:00:00+09:00", "")),
    ])
    .await;
    // The runtime was down from 08:00 to 15:30: 6 h 30 min late is missed, 5 h 30 min is sent.
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 15:30")).await;
    assert_eq!(tick.sent, ["events/later"]);
    assert_eq!(s.sends(BROADCAST).len(), 1);
    let records = s.records();
    assert_eq!(kinds(&records, "events/early"), [RecordKind::Missed]);
    assert!(sched.tick(&s.notices, t("2026-12-05 16:00")).await.sent.is_empty());
    assert_eq!(kinds(&s.records(), "events/early"), [RecordKind::Missed], "journalled once");
    let out = s.oyako(&["notices", "--now", "2026-12-05T16:00:00+09:00"]).await;
    assert!(out.status.success());
    let listing = String::from_utf8_lossy(&out.stdout);
    let line_of = |id: &str| listing.lines().find(|l| l.contains(id)).unwrap_or("").to_owned();
    assert!(line_of("events/early").starts_with("missed"), "{listing}");
    assert!(line_of("events/later").starts_with("sent"), "{listing}");
    // A longer grace window (OYAKO_NOTICE_GRACE) would have sent both.
    let wide = Policy { grace: Duration::from_secs(8 * 3600), ..Policy::default() };
    let s =
        Setup::new(&[("early", event_page("講座（朝）", "2026-12-05T09:00:00+09:00", ""))]).await;
    assert_eq!(
        s.scheduler(wide).tick(&s.notices, t("2026-12-05 15:30")).await.sent,
        ["events/early"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_stop_24_hours_after_the_first_attempt_even_across_restarts() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    s.line.respond([Respond::status(500, "{}"), Respond::status(500, "{}")]);
    let mut sched = s.scheduler(Policy::default());
    assert!(sched.tick(&s.notices, t("2026-12-05 09:00")).await.next.is_some());
    drop(sched);
    // Restarted much later: the first attempt time comes from the journal.
    let mut sched = s.scheduler(Policy::default());
    assert!(sched.tick(&s.notices, t("2026-12-06 08:00")).await.sent.is_empty());
    assert_eq!(s.line.requests_to(BROADCAST).len(), 2, "still inside the 24 h window");
    let tick = sched.tick(&s.notices, t("2026-12-06 09:00")).await;
    assert_eq!(tick, runtime::notices::Tick::default());
    assert_eq!(s.line.requests_to(BROADCAST).len(), 2, "no attempt after 24 h");
    let records = s.records();
    assert_eq!(kinds(&records, "events/a"), [RecordKind::Started, RecordKind::Failed]);
    assert!(records[1].detail.as_deref().unwrap().contains("24時間"));
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-07 09:00")).await;
    assert_eq!(s.line.requests_to(BROADCAST).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hourly_rate_limit_defers_sends() {
    let pages: Vec<(String, String)> = (0..3)
        .map(|i| {
            (format!("k{i}"), event_page(&format!("講座{i}"), "2026-12-05T09:00:00+09:00", ""))
        })
        .collect();
    let pages: Vec<(&str, String)> = pages.iter().map(|(n, p)| (n.as_str(), p.clone())).collect();
    let s = Setup::new(&pages).await;
    let mut sched = s.scheduler(Policy { per_hour: 2, ..Policy::default() });
    let tick = sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert_eq!(tick.sent.len(), 2);
    assert_eq!(tick.next, Some(t("2026-12-05 09:30")));
    assert_eq!(sched.tick(&s.notices, t("2026-12-05 09:30")).await.sent.len(), 1);
    assert_eq!(s.sends(BROADCAST).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exceeding_the_monthly_quota_is_refused() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    // 1000 a month, 990 used, 45 reachable friends (50 − 5 blocks): 45 > 10 left.
    set_quota(&s.line, r#"{"type":"limited","value":1000}"#, 990, Some((50, 5)));
    let out = s.oyako(&["send", "events/a"]).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("今月の送信上限を超えるため"), "{stderr}");
    assert!(stderr.contains("残り 10 通") && stderr.contains("約 45 人"), "{stderr}");
    assert!(s.line.requests_to(BROADCAST).is_empty());
    assert!(s.records().is_empty(), "a refused manual send is not journalled");
    let followers = s.line.requests().into_iter().find(|r| r.path.contains("followers"));
    assert!(followers.is_some(), "the recipients estimate comes from insight/followers");
    // The scheduler refuses too, and journals why.
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert!(s.line.requests_to(BROADCAST).is_empty());
    let records = s.records();
    assert_eq!(kinds(&records, "events/a"), [RecordKind::Failed]);
    assert!(records[0].detail.as_deref().unwrap().contains("今月の送信上限"));
    // With room left it goes out.
    set_quota(&s.line, r#"{"type":"limited","value":1000}"#, 900, Some((50, 5)));
    let out = s.oyako(&["send", "events/a"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.sends(BROADCAST).len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_prints_the_request_and_sends_nothing() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    let n = s.notice("events/a").clone();
    let out = s.oyako(&["send", "events/a", "--dry-run"]).await;
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(&format!("POST {}{BROADCAST}", s.line.base)), "{stdout}");
    assert!(stdout.contains("Authorization: Bearer ***"), "{stdout}");
    assert!(stdout.contains(&format!("X-Line-Retry-Key: {}", retry_key(&n.id, &n.hash))));
    assert!(!stdout.contains(util::ACCESS_TOKEN), "the token is masked");
    let json_start = stdout.find("\n{").expect("a JSON body") + 1;
    let request: Value = serde_json::from_str(&stdout[json_start..]).expect("the body is JSON");
    assert!(openapi::problems("BroadcastRequest", &request).is_empty());
    let out = s.oyako(&["send", "events/a", "--dry-run", "--to", STAFF]).await;
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("POST {}{PUSH}", s.line.base)));
    assert!(s.line.requests().is_empty(), "a dry run makes no request at all");
    assert!(!s.journal().exists());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn send_now_tests_on_staff_phones_then_sends_once() {
    let s = Setup::new(&[("a", event_page("講座A", "2099-12-05T09:00:00+09:00", ""))]).await;
    let out = s.oyako(&["send", "events/a", "--to", STAFF]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pushes = s.sends(PUSH);
    assert_eq!(pushes.len(), 1);
    assert_eq!(body(&pushes[0])["to"], STAFF);
    assert!(s.records().is_empty(), "a test push is not the notice's send");
    let out = s.oyako(&["send", "events/a", "--to", "nobody"]).await;
    assert!(!out.status.success());
    let other = "Ufedcba9876543210fedcba9876543210";
    let out = s.oyako(&["send", "events/a", "--to", STAFF, other]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let multicasts = s.sends("/v2/bot/message/multicast");
    assert_eq!(body(&multicasts[0])["to"], json!([STAFF, other]));
    // The real send, long before its time; then never again, by hand or by the scheduler.
    let out = s.oyako(&["send", "events/a"]).await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(s.sends(BROADCAST).len(), 1);
    let again = s.oyako(&["send", "events/a"]).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("送信済み"));
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2099-12-05 09:00")).await;
    assert_eq!(s.line.requests_to(BROADCAST).len(), 1);
    let records = s.records();
    assert_eq!(records[1].by.as_deref(), Some("oyako send"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_serve_scheduler_follows_its_clock_and_needs_a_state_dir() {
    let s = Setup::new(&[("a", event_page("講座A", "2026-12-05T09:00:00+09:00", ""))]).await;
    let config = |state_dir: Option<PathBuf>| {
        Config::from_env(s.bundle(), state_dir, |name| match name {
            "LINE_CHANNEL_SECRET" => Some(util::SECRET.into()),
            "LINE_CHANNEL_ACCESS_TOKEN" => Some(util::ACCESS_TOKEN.into()),
            "LINE_API_BASE" => Some(s.line.base.clone()),
            "OYAKO_PUBLIC_URL" => Some(util::PUBLIC_URL.into()),
            _ => None,
        })
        .expect("config")
    };
    let clock = ManualClock::new(t("2026-12-05 08:00"));
    let without = State::start_with_clock(config(None), clock.clone()).expect("state");
    assert!(runtime::notices::spawn(without, Policy::default()).is_none());
    let state = State::start_with_clock(config(Some(s.state())), clock.clone()).expect("state");
    let task = runtime::notices::spawn(state, Policy::default()).expect("spawned");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(s.line.requests_to(BROADCAST).is_empty());
    clock.set(t("2026-12-05 09:00"));
    let requests = s.line.wait_for(4).await;
    assert_eq!(requests.iter().filter(|r| r.path == BROADCAST).count(), 1);
    clock.set(t("2026-12-05 10:00"));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(s.sends(BROADCAST).len(), 1);
    task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oyako_serve_sends_a_due_notice_once_across_restarts() {
    let due = Timestamp::now().checked_sub(jiff::SignedDuration::from_mins(1)).unwrap();
    let page = event_page("講座A", &bundle::japan::format(due), ", force: true");
    let s = Setup::new(&[("a", page)]).await;
    for round in 1..=2 {
        let log = s.dir.path().join(format!("serve-{round}.log"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--bundle"])
            .arg(s.bundle())
            .args(["--admin-listen", "127.0.0.1:0"])
            .arg("--state-dir")
            .arg(s.state())
            .env("LINE_CHANNEL_SECRET", util::SECRET)
            .env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
            .env("LINE_API_BASE", &s.line.base)
            .env("OYAKO_PUBLIC_URL", util::PUBLIC_URL)
            .env("OYAKO_LOG", "info")
            .env_remove("OYAKO_NOTICE_GRACE")
            .env_remove("OYAKO_QUIET_HOURS")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).expect("log file"));
        let mut child = cmd.spawn().expect("spawn oyako");
        let logged = |what: &str| std::fs::read_to_string(&log).unwrap_or_default().contains(what);
        let deadline = Instant::now() + Duration::from_secs(20);
        // Round 1 waits for the journalled send; round 2 for the scheduler's first look and more.
        let done = |round: u32| match round {
            1 => std::fs::read_to_string(s.journal()).is_ok_and(|j| j.contains("\"sent\"")),
            _ => logged("notice scheduler started"),
        };
        while !done(round) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
        let _ = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status();
        let status = child.wait().expect("oyako exits");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        assert!(status.success(), "round {round}:\n{text}");
        assert!(logged("notice scheduler started"), "round {round}:\n{text}");
        assert_eq!(s.sends(BROADCAST).len(), 1, "round {round}:\n{text}");
    }
    assert_eq!(kinds(&s.records(), "events/a"), [RecordKind::Started, RecordKind::Sent]);
}

#[test]
fn serve_without_a_state_dir_warns_that_notices_are_not_sent() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let s = rt.block_on(Setup::new(&[("a", event_page("講座A", "2099-12-05T09:00:00+09:00", ""))]));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--bundle"])
        .arg(s.bundle())
        .args(["--admin-listen", "127.0.0.1:0"])
        .env("LINE_CHANNEL_SECRET", util::SECRET)
        .env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
        .env("LINE_API_BASE", &s.line.base)
        .env("OYAKO_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn oyako");
    let stderr = child.stderr.take().expect("stderr");
    let mut found = None;
    for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)).map_while(Result::ok) {
        if line.contains("notices will NOT be sent") {
            found = Some(line);
            break;
        }
        if line.contains("listening") {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let line = found.expect("a warning about --state-dir");
    assert!(line.contains("--state-dir") && line.contains("WARN"), "{line}");
}

const PROGRESS: &str = "/v2/bot/message/progress/narrowcast";
/// LINE's progress answers (`NarrowcastProgressResponse`), as the fake gives them.
const WAITING: &str = r#"{"phase":"waiting","acceptedTime":"2026-12-05T00:00:00.121Z"}"#;
const SENDING: &str = r#"{"phase":"sending","successCount":10,"failureCount":0,"targetCount":100,"acceptedTime":"2026-12-05T00:00:00.121Z"}"#;
const FAILED: &str = r#"{"phase":"failed","successCount":0,"failureCount":0,"targetCount":40,"failedDescription":"not enough recipients","errorCode":2,"acceptedTime":"2026-12-05T00:00:00.121Z","completedTime":"2026-12-05T00:00:31.456Z"}"#;
const PARTIAL: &str = r#"{"phase":"succeeded","successCount":95,"failureCount":5,"targetCount":100,"acceptedTime":"2026-12-05T00:00:00.121Z","completedTime":"2026-12-05T00:00:31.456Z"}"#;
const SUCCEEDED: &str = r#"{"phase":"succeeded","successCount":40,"failureCount":0,"targetCount":40,"acceptedTime":"2026-12-06T00:00:00.121Z","completedTime":"2026-12-06T00:00:09.000Z"}"#;

/// The progress reads so far: each asks for the narrowcast's request id; the fake's answers
/// are LINE's schema.
fn progress_reads(s: &Setup) -> usize {
    for body in [WAITING, SENDING, FAILED, PARTIAL, SUCCEEDED] {
        let value: Value = serde_json::from_str(body).unwrap();
        let problems = openapi::problems("NarrowcastProgressResponse", &value);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    let reads = s.line.requests_to(PROGRESS);
    for r in &reads {
        assert_eq!(
            (r.method.as_str(), r.query.as_deref()),
            ("GET", Some("requestId=fake-request-id"))
        );
    }
    reads.len()
}

async fn listing(s: &Setup, now: &str) -> String {
    let out = s.oyako(&["notices", "--now", now]).await;
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrowcast_failing_after_its_202_is_journalled_reported_and_never_sent_again() {
    let page = event_page("ママ向け講座", "2026-12-05T09:00:00+09:00", ", audience: mama");
    let s = Setup::new(&[("mama", page)]).await;
    s.line.respond([
        Respond::status(202, "{}"),
        Respond::status(200, WAITING),
        Respond::status(200, SENDING),
        Respond::status(200, FAILED),
    ]);
    let mut sched = s.scheduler(Policy::default());
    let tick = sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert_eq!(tick.sent, ["events/mama"]);
    assert_eq!(tick.next, Some(t("2026-12-05 09:00:15")), "the first look is 15 s after the 202");
    let listed = listing(&s, "2026-12-05T09:00:10+09:00").await;
    assert!(
        listed.starts_with("お知らせ")
            && listed.contains("accepted")
            && listed.contains("配信結果を確認中"),
        "{listed}"
    );
    // waiting, then sending, then failed: reads back off 15 s, 30 s, …
    let mut now = t("2026-12-05 09:00:15");
    let mut looks = Vec::new();
    loop {
        let tick = sched.tick(&s.notices, now).await;
        looks.push(now);
        if !tick.outcomes.is_empty() {
            assert_eq!(tick.outcomes, ["events/mama"]);
            break;
        }
        now = tick.next.expect("another look is scheduled");
    }
    assert_eq!(
        looks,
        [t("2026-12-05 09:00:15"), t("2026-12-05 09:00:30"), t("2026-12-05 09:01:00")]
    );
    assert_eq!(progress_reads(&s), 3);
    let records = s.records();
    assert_eq!(
        kinds(&records, "events/mama"),
        [RecordKind::Started, RecordKind::Sent, RecordKind::Completed]
    );
    assert!(records[1].narrowcast && records[1].status == Some(202));
    let done = &records[2];
    let delivery = done.delivery.as_ref().expect("delivery");
    assert_eq!(delivery.phase, runtime::notices::Phase::Failed);
    assert_eq!(
        (delivery.error_code, delivery.success_count, delivery.target_count),
        (Some(2), Some(0), Some(40))
    );
    assert_eq!(delivery.completed_time.as_deref(), Some("2026-12-05T00:00:31.456Z"));
    assert_eq!(done.detail.as_deref(), Some("not enough recipients"));
    assert_eq!(done.retry_key, records[1].retry_key);
    // Never sent again, never read again: by the scheduler, after a restart, or by hand.
    for now in ["2026-12-05 10:00", "2026-12-06 09:00", "2026-12-20 09:00"] {
        assert_eq!(sched.tick(&s.notices, t(now)).await, runtime::notices::Tick::default());
    }
    let mut restarted = s.scheduler(Policy::default());
    assert_eq!(
        restarted.tick(&s.notices, t("2026-12-06 12:00")).await,
        runtime::notices::Tick::default()
    );
    assert_eq!(s.line.requests_to(NARROWCAST).len(), 1);
    assert_eq!(progress_reads(&s), 3);
    let listed = listing(&s, "2026-12-05T12:00:00+09:00").await;
    let line = listed.lines().find(|l| l.contains("events/mama")).unwrap();
    assert!(line.starts_with("failed"), "{listed}");
    for part in [
        "配信に失敗",
        "エラー 2",
        "送信対象の人数が足りません",
        "not enough recipients",
        "対象 40 人",
        "oyako send events/mama --resend",
    ] {
        assert!(line.contains(part), "{part} in {line}");
    }
    let again = s.oyako(&["send", "events/mama"]).await;
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--resend を付けて"));
    assert_eq!(s.line.requests_to(NARROWCAST).len(), 1, "no second send without the operator");

    // The operator decides: a resend goes out under a new retry key, and its outcome is read.
    s.line.respond([Respond::status(202, "{}"), Respond::status(200, SUCCEEDED)]);
    let resend = s.oyako(&["send", "events/mama", "--resend"]).await;
    let stdout = String::from_utf8_lossy(&resend.stdout);
    assert!(resend.status.success(), "{stdout}{}", String::from_utf8_lossy(&resend.stderr));
    assert!(stdout.contains("配信完了") && stdout.contains("配信 40 人"), "{stdout}");
    let sends = s.sends(NARROWCAST);
    assert_eq!(sends.len(), 2);
    assert_ne!(key_of(&sends[0]), key_of(&sends[1]), "a resend needs a new key");
    let records = s.records();
    assert_eq!(
        kinds(&records, "events/mama")[3..],
        [RecordKind::Started, RecordKind::Sent, RecordKind::Completed]
    );
    let listed = listing(&s, "2026-12-06T12:00:00+09:00").await;
    assert!(listed.lines().any(|l| l.starts_with("sent") && l.contains("配信完了")), "{listed}");
    let again = s.oyako(&["send", "events/mama", "--resend"]).await;
    assert!(String::from_utf8_lossy(&again.stderr).contains("送信済み"));
    assert_eq!(s.line.requests_to(NARROWCAST).len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partly_delivered_narrowcast_shows_its_counts_and_is_not_resent() {
    let page = event_page("ママ向け講座", "2026-12-05T09:00:00+09:00", ", audience: mama");
    let s = Setup::new(&[("mama", page)]).await;
    s.line.respond([Respond::status(202, "{}"), Respond::status(200, PARTIAL)]);
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    let tick = sched.tick(&s.notices, t("2026-12-05 09:00:15")).await;
    assert_eq!(
        (tick.outcomes.as_slice(), tick.next),
        (["events/mama".to_owned()].as_slice(), None)
    );
    let records = s.records();
    let delivery = records[2].delivery.as_ref().expect("delivery");
    assert_eq!(
        (delivery.success_count, delivery.failure_count, delivery.target_count),
        (Some(95), Some(5), Some(100))
    );
    let listed = listing(&s, "2026-12-05T12:00:00+09:00").await;
    let line = listed.lines().find(|l| l.contains("events/mama")).unwrap();
    assert!(line.starts_with("partial"), "{listed}");
    assert!(
        line.contains("一部の人に届きませんでした")
            && line.contains("配信 95 人、失敗 5 人、対象 100 人"),
        "{line}"
    );
    let again = s.oyako(&["send", "events/mama", "--resend"]).await;
    assert!(!again.status.success(), "a delivery that succeeded is not sent again");
    sched.tick(&s.notices, t("2026-12-05 10:00")).await;
    assert_eq!((s.line.requests_to(NARROWCAST).len(), progress_reads(&s)), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn progress_errors_are_retried_and_a_refusal_leaves_the_outcome_unconfirmed() {
    let page = event_page("ママ向け講座", "2026-12-05T09:00:00+09:00", ", audience: mama");
    let s = Setup::new(&[("mama", page)]).await;
    let headers = vec![("retry-after", "120".to_owned())];
    s.line.respond([
        Respond::status(202, "{}"),
        Respond::Drop,
        Respond::Headers { status: 429, body: r#"{"message":"Too many requests"}"#, headers },
        Respond::status(500, r#"{"message":"Internal error"}"#),
        Respond::status(404, r#"{"message":"Not found"}"#),
    ]);
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    let mut now = t("2026-12-05 09:00:15");
    let mut waits = Vec::new();
    loop {
        let tick = sched.tick(&s.notices, now).await;
        if !tick.outcomes.is_empty() {
            break;
        }
        let next = tick.next.expect("another look");
        waits.push(next.duration_since(now).as_secs());
        now = next;
    }
    assert_eq!(waits, [15, 120, 30], "backoff, Retry-After, backoff");
    let records = s.records();
    assert_eq!(kinds(&records, "events/mama")[2], RecordKind::Unconfirmed);
    assert!(records[2].detail.as_deref().unwrap().contains("404"));
    let listed = listing(&s, "2026-12-05T12:00:00+09:00").await;
    let line = listed.lines().find(|l| l.contains("events/mama")).unwrap();
    assert!(line.starts_with("unconfirmed") && line.contains("配信結果は不明"), "{line}");
    sched.tick(&s.notices, t("2026-12-06 09:00")).await;
    assert_eq!((s.line.requests_to(NARROWCAST).len(), progress_reads(&s)), (1, 4));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outcome_never_reported_is_unconfirmed_after_lines_14_days() {
    let page = event_page("ママ向け講座", "2026-12-05T09:00:00+09:00", ", audience: mama");
    let s = Setup::new(&[("mama", page)]).await;
    s.line.respond([Respond::status(202, "{}")]);
    s.line.set_json(PROGRESS, 200, WAITING);
    let mut sched = s.scheduler(Policy::default());
    sched.tick(&s.notices, t("2026-12-05 09:00")).await;
    assert!(sched.tick(&s.notices, t("2026-12-18 09:00")).await.outcomes.is_empty());
    let tick = sched.tick(&s.notices, t("2026-12-19 09:00")).await;
    assert_eq!(tick.outcomes, ["events/mama"]);
    let records = s.records();
    assert_eq!(records[2].event, RecordKind::Unconfirmed);
    assert!(records[2].detail.as_deref().unwrap().contains("14 日"));
    assert_eq!(s.line.requests_to(PROGRESS).len(), 1, "no read once LINE no longer keeps it");
}
