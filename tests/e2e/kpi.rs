//! KPIs without a database: survey answers, follows, taps and failed searches go through the
//! real server into the journal, and `oyako report` turns them into exact numbers — also after
//! a `kill -9` in the middle of a load of answers.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::StatusCode;
use http_body_util::Full;
use runtime::kpi::{Record, Salt};
use runtime::report::{LineFriends, Period, Report, ReportOptions};
use serde_json::{Value, json};

use crate::fake_line::{FakeLine, Respond};
use crate::util::{self, Server, callback, event, postback_event, text_event};

/// The survey of the test content.
const SURVEY: &str = "e2e-manzoku";
/// The salt the in-process servers use (so tests can compute user hashes).
const SALT: &str = "e2e-salt-0123456789";
/// 2026-11-27 00:00 in Japan, in Unix ms.
const T0: i64 = 1_795_705_200_000;
const HOUR: i64 = 3_600_000;

/// A page with a survey, added to the fixture content.
const SURVEY_PAGE: &str = "---
title: アンケート
survey:
  id: e2e-manzoku
  question: この LINE は役に立っていますか？
  choices: [とても満足, 満足, ふつう, 不満]
  satisfied: [とても満足, 満足]
  followup: ご意見をどうぞ
---
";

/// The fixture content plus the survey page, built into `dir/dist`; returns the bundle path.
fn build_survey_bundle(dir: &Path) -> PathBuf {
    let status = Command::new("cp").arg("-r").arg(util::fixture_content()).arg(dir).status();
    assert!(status.expect("cp").success());
    let content = dir.join("content");
    std::fs::write(content.join("teate/anketo.md"), SURVEY_PAGE).unwrap();
    let dist = dir.join("dist");
    util::build_bundle(&content, &dist);
    dist
}

/// A server answering from the survey bundle with a journal in `state`.
async fn start(state: &Path, salt: Option<&str>, instance: &str) -> (Server, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let dist = build_survey_bundle(dir.path());
    let state = state.to_path_buf();
    let (salt, instance) = (salt.map(runtime::Secret::new), instance.to_string());
    let server = util::start_with(move |c| {
        c.bundle_dir = dist;
        c.state_dir = Some(state);
        c.hash_salt = salt;
        c.instance = Some(instance);
    })
    .await;
    (server, dir)
}

fn from(user: &str, ts: i64, mut e: Value) -> Value {
    e["source"] = json!({"type": "user", "userId": user});
    e["timestamp"] = json!(ts);
    e
}

fn answer(user: &str, choice: usize, ts: i64) -> Value {
    let data = format!("survey:{SURVEY}:{choice}");
    from(user, ts, postback_event(&format!("tok-{user}-{ts}"), &data))
}

fn follow(user: &str, ts: i64) -> Value {
    from(user, ts, event("follow", Some("tok-f"), json!({"follow": {"isUnblocked": false}})))
}

fn unfollow(user: &str, ts: i64) -> Value {
    from(user, ts, event("unfollow", None, json!({})))
}

fn user(n: usize) -> String {
    format!("U{n:032x}")
}

/// Runs the report in a blocking thread (it may start its own runtime for LINE's API).
async fn report(opts: ReportOptions, env: Vec<(&'static str, String)>) -> Report {
    tokio::task::spawn_blocking(move || {
        let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        runtime::report::build(&opts, lookup).expect("report")
    })
    .await
    .expect("report thread")
}

fn options(dirs: &[&Path]) -> ReportOptions {
    ReportOptions {
        state_dirs: dirs.iter().map(|d| d.to_path_buf()).collect(),
        ..Default::default()
    }
}

/// Every KPI record of the journals under `state`.
fn journal_records(state: &Path) -> Vec<Record> {
    let mut out = Vec::new();
    for entry in walk(state) {
        if entry.extension().is_some_and(|e| e == "jsonl") {
            out.extend(runtime::journal::read::<Record>(&entry).expect("journal").records);
        }
    }
    out
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn survey_answers_and_events_become_exact_report_numbers() {
    let state = tempfile::tempdir().unwrap();
    let (server, dir) = start(state.path(), Some(SALT), "web-1").await;
    let day1 = T0 + 10 * HOUR;
    let day2 = day1 + 24 * HOUR;
    let events = vec![
        follow(&user(1), day1),
        follow(&user(2), day1),
        follow(&user(3), day1),
        unfollow(&user(3), day2),
        follow(&user(4), day2),
        answer(&user(1), 0, day1),
        answer(&user(2), 2, day1),
        answer(&user(4), 1, day2),
        from(&user(1), day1, postback_event("tok-tap", "page:teate/jidou-teate")),
        from(&user(2), day2, postback_event("tok-tap2", "page:teate/jidou-teate")),
        from(&user(2), day2, postback_event("tok-tap3", "menu:kenshin")),
        from(&user(5), day2, text_event("tok-miss", "宇宙旅行の予約")),
        from(&user(5), day2, text_event("tok-hit", "予防接種")),
    ];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    // Answers are on disk as soon as the webhook is answered, without any flush.
    let answers = journal_records(state.path())
        .into_iter()
        .filter(|r| matches!(r, Record::Answer { .. }))
        .count();
    assert_eq!(answers, 3);
    server.state.flush_journal().await.unwrap();
    // 4 follows, 1 unfollow, 3 answers, 3 taps, 1 search with no hit.
    assert_eq!(server.metric("oyako_journal_records_total").await, 12);
    assert_eq!(server.metric("oyako_journal_dropped_total").await, 0);

    let mut opts = options(&[state.path()]);
    opts.bundle = Some(dir.path().join("dist"));
    let r = report(opts, Vec::new()).await;
    let friends: Vec<(String, u64, u64, i64)> = r
        .tables
        .friends
        .iter()
        .map(|d| (d.day.to_string(), d.follows, d.unfollows, d.cumulative))
        .collect();
    assert_eq!(friends, [("2026-11-27".into(), 3, 0, 3), ("2026-11-28".into(), 1, 1, 3)]);
    let s = &r.tables.surveys[0];
    assert_eq!((s.id.as_str(), s.answers, s.satisfied), (SURVEY, 3, 2));
    assert_eq!(s.question, "この LINE は役に立っていますか？");
    let choices: Vec<(&str, bool, u64)> =
        s.choices.iter().map(|c| (c.label.as_str(), c.satisfied, c.count)).collect();
    assert_eq!(
        choices,
        [("とても満足", true, 1), ("満足", true, 1), ("ふつう", false, 1), ("不満", false, 0)]
    );
    let (lo, hi) = s.interval().unwrap();
    assert!((lo - 0.207_659_6).abs() < 1e-6 && (hi - 0.938_508_1).abs() < 1e-6, "{lo} {hi}");
    let taps: Vec<(&str, &str, u64)> =
        r.tables.taps.iter().map(|t| (t.key.as_str(), t.title.as_str(), t.count)).collect();
    assert_eq!(
        taps,
        [("page:teate/jidou-teate", "児童手当", 2), ("menu:kenshin", "メニュー kenshin", 1)]
    );
    assert_eq!(r.tables.misses, [("宇宙旅行の予約".to_string(), 1)]);
    assert_eq!(r.line, LineFriends::NotAsked);
    let text = r.text();
    assert!(
        text.contains("回答 3 人、満足 2 人 = 66.7%（95% 信頼区間 20.8%〜93.9%）目標未達"),
        "{text}"
    );

    let later = Period { from: Some("2026-11-28".parse().unwrap()), to: None };
    let r = report(ReportOptions { period: later, ..options(&[state.path()]) }, Vec::new()).await;
    assert_eq!(r.tables.surveys[0].answers, 1);
    assert_eq!(r.tables.friends.len(), 1);
    assert_eq!(r.tables.friends[0].cumulative, 3, "the cumulative count includes earlier days");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_last_answer_by_event_time_counts_and_parents_are_thanked() {
    let state = tempfile::tempdir().unwrap();
    let (server, _dir) = start(state.path(), Some(SALT), "web-1").await;
    // Arrival order differs from event order: the answer at T0+3h is the one that counts.
    for (choice, ts) in [(3, T0 + 2 * HOUR), (0, T0 + 3 * HOUR), (2, T0 + HOUR)] {
        assert_eq!(server.post_events(vec![answer(&user(7), choice, ts)]).await, StatusCode::OK);
    }
    // A redelivery of the same event (same webhookEventId) is not counted twice.
    let again = answer(&user(8), 3, T0);
    assert_eq!(server.post_events(vec![again.clone()]).await, StatusCode::OK);
    assert_eq!(server.post_events(vec![again]).await, StatusCode::OK);

    let requests = server.line.wait_for(4).await;
    let thanks = {
        let loaded = server.state.current();
        let entry = &loaded.bundle.surveys[SURVEY];
        loaded.bundle.messages_value(&entry.thanks)
    };
    for r in &requests {
        let body: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(body["messages"], thanks);
    }
    assert_eq!(thanks[1]["text"], "ご意見をどうぞ");

    server.state.flush_journal().await.unwrap();
    let r = report(options(&[state.path()]), Vec::new()).await;
    let s = &r.tables.surveys[0];
    assert_eq!((s.answers, s.satisfied), (2, 1));
    let counts: Vec<u64> = s.choices.iter().map(|c| c.count).collect();
    assert_eq!(counts, [1, 0, 0, 1]);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_comment_after_the_followup_is_journalled_and_thanked() {
    let state = tempfile::tempdir().unwrap();
    let (server, _dir) = start(state.path(), Some(SALT), "web-1").await;
    assert_eq!(server.post_events(vec![answer(&user(1), 1, T0)]).await, StatusCode::OK);
    let hostile = "<script>alert('x')</script> 駐車場が & 少ないです";
    let comment = from(&user(1), T0 + 1000, text_event("tok-comment", hostile));
    assert_eq!(server.post_events(vec![comment]).await, StatusCode::OK);
    // Someone else's text is still a search.
    let other = from(&user(2), T0 + 2000, text_event("tok-other", "宇宙旅行"));
    assert_eq!(server.post_events(vec![other]).await, StatusCode::OK);
    let requests = server.line.wait_for(3).await;
    let expected = {
        let loaded = server.state.current();
        let entry = &loaded.bundle.surveys[SURVEY];
        loaded.bundle.messages_value(entry.comment_thanks.as_ref().unwrap())
    };
    let bodies: Vec<Value> =
        requests.iter().map(|r| serde_json::from_slice(&r.body).unwrap()).collect();
    let comment_reply = bodies.iter().find(|b| b["replyToken"] == "tok-comment").unwrap();
    assert_eq!(comment_reply["messages"], expected);

    server.state.flush_journal().await.unwrap();
    let hash = Salt::new(SALT).hash(&user(1));
    let comments: Vec<Record> = journal_records(state.path())
        .into_iter()
        .filter(|r| matches!(r, Record::Comment { .. }))
        .collect();
    assert_eq!(comments.len(), 1);
    let Record::Comment { user, survey, text, .. } = &comments[0] else { unreachable!() };
    assert_eq!((user.as_str(), survey.as_str(), text.as_str()), (hash.as_str(), SURVEY, hostile));

    let r = report(options(&[state.path()]), Vec::new()).await;
    assert_eq!(r.tables.misses, [("宇宙旅行".to_string(), 1)]);
    let html = r.html();
    assert!(!html.contains("<script>"), "raw script in the report");
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; 駐車場が &amp; 少ないです")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_cannot_be_journalled_is_refused_and_its_redelivery_counts() {
    let state = tempfile::tempdir().unwrap();
    let (server, _dir) = start(state.path(), Some(SALT), "web-1").await;
    // Nothing has been written yet, so the journal file is not open: make it impossible.
    let journal = state.path().join(runtime::kpi::JOURNAL_DIR);
    std::fs::remove_dir(&journal).unwrap();
    std::fs::write(&journal, "not a directory").unwrap();
    let event = answer(&user(1), 0, T0);
    assert_eq!(server.post_events(vec![event.clone()]).await, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(server.metric("oyako_events_skipped_total{reason=\"journal_error\"}").await, 1);
    assert_eq!(server.metric("oyako_journal_failures_total").await, 1);

    // LINE redelivers the same event once the disk is back: it is journalled and thanked.
    std::fs::remove_file(&journal).unwrap();
    std::fs::create_dir(&journal).unwrap();
    assert_eq!(server.post_events(vec![event]).await, StatusCode::OK);
    let requests = server.line.wait_for(1).await;
    assert_eq!(requests.len(), 1, "no thanks for the refused answer, one for the redelivery");
    let r = report(options(&[state.path()]), Vec::new()).await;
    assert_eq!(r.tables.surveys[0].answers, 1);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_raw_user_id_anywhere_in_the_state_directory() {
    let state = tempfile::tempdir().unwrap();
    // No OYAKO_HASH_SALT: the salt is generated into the state directory.
    let (server, _dir) = start(state.path(), None, "web-1").await;
    let raw = "U4af4980629a1b2c3d4e5f60718293a4b".to_string();
    let events = vec![
        follow(&raw, T0),
        from(&raw, T0 + 1, postback_event("tok-t", "page:teate/jidou-teate")),
        answer(&raw, 0, T0 + 2),
        from(&raw, T0 + 3, text_event("tok-c", "とても助かっています")),
        from(&raw, T0 + 4, text_event("tok-s", "宇宙旅行")),
        unfollow(&raw, T0 + 5),
    ];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    server.state.flush_journal().await.unwrap();
    server.stop().await;

    let files = walk(state.path());
    assert!(files.iter().any(|f| f.ends_with(runtime::kpi::SALT_FILE)));
    let records = journal_records(state.path());
    assert_eq!(records.len(), 6, "{records:?}");
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(&raw), "{} holds the raw user ID", file.display());
        assert!(!text.contains(&raw[1..]), "{} holds the user ID's digits", file.display());
    }
    let salt = std::fs::read_to_string(state.path().join(runtime::kpi::SALT_FILE)).unwrap();
    let hashed = Salt::new(salt.trim()).hash(&raw);
    let users: BTreeSet<&str> = records
        .iter()
        .filter_map(|r| match r {
            Record::Follow { user, .. }
            | Record::Unfollow { user, .. }
            | Record::Answer { user, .. }
            | Record::Comment { user, .. } => Some(user.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(users, BTreeSet::from([hashed.as_str()]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journals_of_several_replicas_merge_and_a_torn_line_is_skipped() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (one, _d1) = start(a.path(), Some(SALT), "web-1").await;
    let (two, _d2) = start(b.path(), Some(SALT), "web-2").await;
    // The same parent answers on both replicas; the later answer counts.
    assert_eq!(one.post_events(vec![answer(&user(1), 3, T0)]).await, StatusCode::OK);
    assert_eq!(two.post_events(vec![answer(&user(1), 0, T0 + HOUR)]).await, StatusCode::OK);
    assert_eq!(two.post_events(vec![answer(&user(2), 1, T0 + HOUR)]).await, StatusCode::OK);
    // One event delivered to both replicas (same webhookEventId) counts once.
    let shared = follow(&user(3), T0);
    assert_eq!(one.post_events(vec![shared.clone()]).await, StatusCode::OK);
    assert_eq!(two.post_events(vec![shared]).await, StatusCode::OK);
    one.state.flush_journal().await.unwrap();
    two.state.flush_journal().await.unwrap();
    one.stop().await;
    two.stop().await;

    // A crash in the middle of a write leaves a torn last line in replica b's journal.
    let torn = walk(b.path()).into_iter().find(|f| f.to_string_lossy().contains("web-2")).unwrap();
    let mut bytes = std::fs::read(&torn).unwrap();
    bytes.extend_from_slice(br#"{"kpi":"answer","ts":17957052000"#);
    std::fs::write(&torn, bytes).unwrap();

    let r = report(options(&[a.path(), b.path()]), Vec::new()).await;
    assert_eq!((r.files, r.skipped, r.duplicates), (2, 1, 1));
    let s = &r.tables.surveys[0];
    assert_eq!((s.answers, s.satisfied), (2, 2));
    assert_eq!(r.tables.friends.last().map(|d| d.cumulative), Some(1));

    // A server restarted on the torn journal starts a fresh line and loses nothing.
    let (again, _d3) = start(b.path(), Some(SALT), "web-2").await;
    assert_eq!(again.post_events(vec![answer(&user(9), 2, T0 + 2 * HOUR)]).await, StatusCode::OK);
    again.stop().await;
    let r = report(options(&[a.path(), b.path()]), Vec::new()).await;
    assert_eq!((r.skipped, r.tables.surveys[0].answers), (1, 3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn report_writes_html_and_csv_and_asks_line_for_followers() {
    let state = tempfile::tempdir().unwrap();
    let journal = state.path().join("journal");
    std::fs::create_dir_all(&journal).unwrap();
    let hostile = r#"<script>alert("x")</script>&'"#;
    let lines = [
        json!({"kpi": "follow", "ts": T0, "user": "h1"}),
        json!({"kpi": "answer", "ts": T0, "user": "h1", "survey": "s<1>", "choice": 0,
               "label": "<b>満足</b>", "satisfied": true}),
        json!({"kpi": "search_miss", "ts": T0, "query": hostile}),
        json!({"kpi": "search_miss", "ts": T0, "query": "=cmd|' /C calc'!A0"}),
    ];
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(journal.join("2026-11-27.x.jsonl"), text).unwrap();

    let line = FakeLine::start().await;
    line.respond([Respond::status(
        200,
        r#"{"status":"ready","followers":512,"targetedReaches":400,"blocks":20}"#,
    )]);
    let out = tempfile::tempdir().unwrap();
    let mut opts = options(&[state.path()]);
    opts.html = Some(out.path().join("report.html"));
    opts.csv = Some(out.path().join("csv"));
    let env = [
        ("LINE_CHANNEL_ACCESS_TOKEN", "report-token".to_string()),
        ("LINE_API_BASE", line.base.clone()),
    ];
    let text = tokio::task::spawn_blocking(move || {
        let lookup = |name: &str| env.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone());
        runtime::report::run(&opts, lookup).expect("report")
    })
    .await
    .unwrap();
    let yesterday = bundle::japan::today().yesterday().unwrap();
    assert!(
        text.contains(&format!(
            "LINE の集計（{yesterday}）: 友だち追加 512 人、ブロック 20 人、届く人数 ≈ 492 人"
        )),
        "{text}"
    );
    let requests = line.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/v2/bot/insight/followers");
    assert_eq!(requests[0].headers["authorization"], "Bearer report-token");

    let html = std::fs::read_to_string(out.path().join("report.html")).unwrap();
    assert!(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;"));
    assert!(html.contains("s&lt;1&gt;") && html.contains("&lt;b&gt;満足&lt;/b&gt;"));
    assert!(!html.contains("<script") && !html.contains("<b>満足"), "{html}");
    assert_eq!(html.matches("<svg").count(), 2, "friends and satisfaction charts");
    for external in ["https://", "<link", "@import", "url(", "src="] {
        assert!(!html.contains(external), "the page must be self-contained: {external}");
    }
    let csv = |name: &str| std::fs::read_to_string(out.path().join("csv").join(name)).unwrap();
    assert_eq!(
        csv("search_misses.csv"),
        "\u{feff}query,count\r\n\"<script>alert(\"\"x\"\")</script>&'\",1\r\n'=cmd|' /C calc'!A0,1\r\n"
    );
    assert!(
        csv("surveys.csv").contains("s<1>,,1,1,1.0000,0.2065,1.0000"),
        "{}",
        csv("surveys.csv")
    );
    assert!(csv("friends.csv").ends_with("2026-11-27,1,0,1,1,1,0\r\n"));
    assert!(csv("line_friends.csv").contains(&format!("{yesterday},ready,512,400,20")));
}

/// `oyako serve` as a child process, killed with SIGKILL when dropped.
struct Process {
    child: Child,
    addr: Arc<Mutex<Option<String>>>,
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Process {
    fn spawn(bundle: &Path, state: &Path, line: &FakeLine) -> Process {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--bundle"])
            .arg(bundle)
            .args(["--admin-listen", "127.0.0.1:0"])
            .arg("--state-dir")
            .arg(state)
            .env("LINE_CHANNEL_SECRET", util::SECRET)
            .env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
            .env("LINE_API_BASE", &line.base)
            .env("OYAKO_HASH_SALT", SALT)
            .env("OYAKO_INSTANCE", "crash")
            .env("OYAKO_LOG", "warn,runtime=info")
            .env_remove("OYAKO_PUBLIC_URL")
            .env_remove("OYAKO_LOG_FORMAT");
        let mut child = cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn");
        let stderr = child.stderr.take().expect("stderr");
        let addr = Arc::new(Mutex::new(None));
        let sink = addr.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let Ok(v) = serde_json::from_str::<Value>(&line) else { continue };
                if v["message"] == "listening" {
                    *sink.lock().unwrap() = v["addr"].as_str().map(String::from);
                }
            }
        });
        Process { child, addr }
    }

    async fn addr(&self) -> String {
        let start = Instant::now();
        loop {
            if let Some(addr) = self.addr.lock().unwrap().clone() {
                return addr;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "oyako did not start");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

/// Posts one signed webhook to `addr`; true when it was answered 200.
async fn post(
    client: &hyper_util::client::legacy::Client<
        hyper_util::client::legacy::connect::HttpConnector,
        Full<Bytes>,
    >,
    addr: &str,
    events: Vec<Value>,
) -> bool {
    let body = callback(events);
    let signature = runtime::sign(util::SECRET.as_bytes(), body.as_bytes());
    let req = http::Request::post(format!("http://{addr}/webhook"))
        .header("x-line-signature", signature)
        .body(Full::new(Bytes::from(body)))
        .unwrap();
    let answered = tokio::time::timeout(Duration::from_secs(5), client.request(req)).await;
    matches!(answered, Ok(Ok(r)) if r.status() == StatusCode::OK)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_answer_survives_kill_9() {
    const USERS: usize = 3000;
    const KILL_AFTER: usize = 300;
    const CONCURRENCY: usize = 32;
    let dir = tempfile::tempdir().unwrap();
    let bundle = build_survey_bundle(dir.path());
    let state = dir.path().join("state");
    let line = FakeLine::start().await;
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();

    let mut server = Process::spawn(&bundle, &state, &line);
    let addr = server.addr().await;
    let next = Arc::new(AtomicUsize::new(0));
    let acked = Arc::new(Mutex::new(Vec::<usize>::new()));
    let killed = Arc::new(AtomicBool::new(false));
    let failed = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (next, acked, killed) = (next.clone(), acked.clone(), killed.clone());
            let failed = failed.clone();
            let (client, addr) = (client.clone(), addr.clone());
            tokio::spawn(async move {
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= USERS || killed.load(Ordering::Relaxed) {
                        return;
                    }
                    let tap =
                        from(&user(n), T0, postback_event("tok-tap", "page:teate/jidou-teate"));
                    let events = vec![answer(&user(n), n % 4, T0 + n as i64), tap];
                    match post(&client, &addr, events).await {
                        true => acked.lock().unwrap().push(n),
                        false => _ = failed.fetch_add(1, Ordering::Relaxed),
                    }
                }
            })
        })
        .collect();
    let start = Instant::now();
    while acked.lock().unwrap().len() < KILL_AFTER {
        assert!(start.elapsed() < Duration::from_secs(60), "load did not get going");
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    server.child.kill().expect("kill -9");
    server.child.wait().expect("wait");
    killed.store(true, Ordering::Relaxed);
    for t in tasks {
        t.await.unwrap();
    }
    let acked_before = acked.lock().unwrap().clone();
    let sent = next.load(Ordering::Relaxed).min(USERS);
    assert!(acked_before.len() >= KILL_AFTER);
    assert!(failed.load(Ordering::Relaxed) > 0, "the kill must hit webhooks in flight");

    // Restart on the same state directory and answer a few more.
    let server = Process::spawn(&bundle, &state, &line);
    let addr = server.addr().await;
    let later: Vec<usize> = (USERS..USERS + 5).collect();
    for &n in &later {
        assert!(post(&client, &addr, vec![answer(&user(n), 0, T0 + n as i64)]).await);
    }
    drop(server);

    let salt = Salt::new(SALT);
    let journalled: BTreeSet<String> = journal_records(&state)
        .into_iter()
        .filter_map(|r| match r {
            Record::Answer { user, .. } => Some(user),
            _ => None,
        })
        .collect();
    let lost: Vec<usize> = acked_before
        .iter()
        .chain(&later)
        .copied()
        .filter(|&n| !journalled.contains(&salt.hash(&user(n))))
        .collect();
    assert!(lost.is_empty(), "acknowledged answers lost after kill -9: {lost:?}");

    // `oyako report` counts each of them once.
    let out = dir.path().join("csv");
    let status = Command::new(env!("CARGO_BIN_EXE_oyako"))
        .args(["report", "--state-dir"])
        .arg(&state)
        .arg("--csv")
        .arg(&out)
        .env_remove("LINE_CHANNEL_ACCESS_TOKEN")
        .stdout(Stdio::null())
        .status()
        .expect("oyako report");
    assert!(status.success());
    let surveys = std::fs::read_to_string(out.join("surveys.csv")).unwrap();
    let row = surveys.lines().nth(1).expect("a survey row");
    let answers: usize = row.split(',').nth(2).unwrap().parse().unwrap();
    assert_eq!(answers, journalled.len());
    assert!(answers >= acked_before.len() + later.len());
    assert!(answers <= sent + later.len());
}
