//! Timed messages survive `kill -9` at any point of a send: `oyako deliver` and `oyako serve`
//! run as real processes against the fake LINE API, which holds a request unanswered so the
//! process can be killed (SIGKILL) exactly there — before the `started` record, after it but
//! before LINE accepted, after LINE accepted but before the outcome record, and between two
//! sends. After a restart every due message has reached each child exactly once.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bundle::Anchor;
use jiff::civil::Date;
use serde_json::Value;

use runtime::timed::{Fact, JOURNAL_FILE, Sealer, Service};

use crate::fake_line::{FakeLine, Respond};
use crate::util::build_bundle;

const KEY_BYTE: u8 = 0x5a;
pub const UA: &str = "U00000000000000000000000000000a0a";
pub const UB: &str = "U00000000000000000000000000000b0b";
pub const UD: &str = "U00000000000000000000000000000d0d";
pub const MULTICAST: &str = "/v2/bot/message/multicast";
const PUSH: &str = "/v2/bot/message/push";

pub fn key() -> String {
    format!("{KEY_BYTE:02x}").repeat(32)
}

fn content(dir: &Path) {
    let w = |rel: &str, text: &str| {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    w("_index.md", "---\ntitle: テスト市\nfallback: 見つかりません\n---\nようこそ\n");
    w("k/_index.md", "---\ntitle: 健診\n---\n");
    w(
        "k/yon.md",
        "---\ntitle: 4か月児健診\ntimed: {from: birth, at: 3m3w, label: もうすぐ生後4か月}\n---\n本文\n",
    );
    w("k/one.md", "---\ntitle: 1歳の予防接種\ntimed: {from: birth, at: 1y}\n---\n本文\n");
}

/// A bundle and a state directory with four children of three parents, two steps due on
/// `day`: `k/one` to b and d (one multicast), `k/yon` to a and c (another).
pub struct Setup {
    pub dir: tempfile::TempDir,
}

impl Setup {
    pub fn new(day: Date) -> Setup {
        let dir = tempfile::tempdir().unwrap();
        content(&dir.path().join("content"));
        build_bundle(&dir.path().join("content"), &dir.path().join("dist"));
        let yon = birth_for("3m3w", day);
        let one = birth_for("1y", day);
        let service = Service::open(&dir.path().join("state"), Some(&key()), day, 0).unwrap();
        for (user, child, born) in [
            (UA, "00000000000a", yon),
            (UA, "00000000000b", one),
            (UB, "00000000000c", yon),
            (UD, "00000000000d", one),
        ] {
            service
                .store()
                .append(&[
                    Fact::Consent { u: user.into(), ts: 0 },
                    Fact::Child {
                        u: user.into(),
                        c: child.into(),
                        k: Anchor::Birth,
                        d: born.to_string(),
                        r: born.to_string(),
                        dl: vec![],
                        ts: 0,
                    },
                ])
                .unwrap();
        }
        Setup { dir }
    }

    pub fn state(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub fn command(&self, line: &FakeLine, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
        cmd.args(args)
            .arg("--bundle")
            .arg(self.dir.path().join("dist"))
            .arg("--state-dir")
            .arg(self.state());
        for var in ["OYAKO_LOG", "RUST_LOG", "OYAKO_LOG_FORMAT", "OYAKO_TIMED_DIR"] {
            cmd.env_remove(var);
        }
        cmd.env("LINE_CHANNEL_SECRET", crate::util::SECRET)
            .env("LINE_CHANNEL_ACCESS_TOKEN", crate::util::ACCESS_TOKEN)
            .env("LINE_API_BASE", &line.base)
            .env("OYAKO_DATA_KEY", key())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// The journal's facts, read without compacting it (the process may be running).
    pub fn facts(&self) -> Vec<Fact> {
        let sealer = Sealer::from_bytes(&[KEY_BYTE; 32]);
        let text = std::fs::read_to_string(self.state().join(JOURNAL_FILE)).unwrap_or_default();
        text.lines()
            .filter(|l| !l.is_empty())
            .filter_map(|l| serde_json::from_slice(&sealer.open(l.as_bytes())?).ok())
            .collect()
    }
}

/// A birthday whose `at` step falls on `day`.
pub fn birth_for(at: &str, day: Date) -> Date {
    let offset = bundle::Offset::parse(at).unwrap();
    let mut b = day.checked_sub(jiff::ToSpan::days(400)).unwrap();
    while offset.apply(b) != Some(day) {
        b = b.tomorrow().unwrap();
        assert!(b < day, "no birthday puts {at} on {day}");
    }
    b
}

/// A child process killed (SIGKILL, by its own id) when dropped.
struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Proc {
    fn kill_9(mut self) {
        self.0.kill().expect("SIGKILL");
        let status = self.0.wait().expect("wait");
        assert!(!status.success(), "killed, not exited: {status:?}");
    }
}

/// Waits until the fake has had `n` requests to `path`.
async fn wait_requests(line: &FakeLine, path: &str, n: usize) {
    let start = Instant::now();
    while line.requests_to(path).len() < n {
        assert!(start.elapsed() < Duration::from_secs(30), "no request to {path}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub fn quota(line: &FakeLine) {
    line.set_json("/v2/bot/message/quota", 200, r#"{"type":"limited","value":1000}"#);
    line.set_json("/v2/bot/message/quota/consumption", 200, r#"{"totalUsage":10}"#);
    line.set_json("/v2/bot/insight/followers", 200, r#"{"status":"unready"}"#);
}

/// `(altText, recipient)` of every message LINE accepted, counting each accepted retry key once.
pub fn delivered(line: &FakeLine) -> Vec<(String, String)> {
    let bodies: BTreeMap<String, Value> = line
        .requests()
        .iter()
        .filter_map(|r| {
            let key = r.headers.get("x-line-retry-key")?.to_str().ok()?.to_string();
            Some((key, serde_json::from_slice(&r.body).ok()?))
        })
        .collect();
    let mut out = Vec::new();
    for (_, key) in line.accepted() {
        let body = &bodies[&key];
        let alt = body["messages"][0]["altText"].as_str().unwrap_or("?").to_string();
        match &body["to"] {
            Value::String(s) => out.push((alt, s.clone())),
            Value::Array(a) => {
                out.extend(a.iter().map(|v| (alt.clone(), v.as_str().unwrap().to_string())))
            }
            _ => {}
        }
    }
    out.sort();
    out
}

pub fn want() -> Vec<(String, String)> {
    let mut w: Vec<(String, String)> = [
        ("1歳: 1歳の予防接種", UA),
        ("1歳: 1歳の予防接種", UD),
        ("もうすぐ生後4か月: 4か月児健診", UA),
        ("もうすぐ生後4か月: 4か月児健診", UB),
    ]
    .iter()
    .map(|(a, u)| (a.to_string(), u.to_string()))
    .collect();
    w.sort();
    w
}

/// Where in a send the process is killed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Point {
    /// Before any `started` record: the quota request hangs.
    BeforeStarted,
    /// `started` is synced, the request is out, LINE has not accepted it.
    BeforeAccepted,
    /// LINE accepted the request; its answer never comes, so no outcome record.
    AfterAccepted,
    /// The first send is done and journalled; LINE accepted the second, no answer.
    SecondAfterAccepted,
}

async fn deliver_killed_at(point: Point) {
    let day: Date = "2026-05-01".parse().unwrap();
    let setup = Setup::new(day);
    let line = FakeLine::start().await;
    let date = day.to_string();
    let args = ["deliver", "--date", date.as_str()];
    match point {
        Point::BeforeStarted => line.respond([Respond::Stall]),
        Point::BeforeAccepted => {
            quota(&line);
            line.respond([Respond::Stall]);
        }
        Point::AfterAccepted => {
            quota(&line);
            line.respond([Respond::AcceptThenStall]);
        }
        Point::SecondAfterAccepted => {
            quota(&line);
            line.respond([Respond::status(200, "{}"), Respond::AcceptThenStall]);
        }
    }
    let running = Proc(setup.command(&line, &args).spawn().expect("spawn oyako deliver"));
    match point {
        Point::BeforeStarted => wait_requests(&line, "/v2/bot/message/quota", 1).await,
        Point::SecondAfterAccepted => wait_requests(&line, MULTICAST, 2).await,
        _ => wait_requests(&line, MULTICAST, 1).await,
    }
    running.kill_9();
    // The journal shows exactly where the process died.
    let facts = setup.facts();
    let started = facts.iter().filter(|f| matches!(f, Fact::Started { .. })).count();
    let outcomes =
        facts.iter().filter(|f| matches!(f, Fact::Sent { .. } | Fact::Failed { .. })).count();
    let accepted = line.accepted().len();
    let expected = match point {
        Point::BeforeStarted => (0, 0, 0),
        Point::BeforeAccepted => (1, 0, 0),
        Point::AfterAccepted => (1, 0, 1),
        Point::SecondAfterAccepted => (2, 1, 2),
    };
    assert_eq!((started, outcomes, accepted), expected, "{point:?}: {facts:?}");

    // Restarted, with LINE answering normally: everything due arrives, nothing twice.
    quota(&line);
    let out = setup.command(&line, &args).output().expect("run oyako deliver");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{point:?}: {stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(delivered(&line), want(), "{point:?}");
    let keys: Vec<String> = line.accepted().into_iter().map(|(_, k)| k).collect();
    let mut unique = keys.clone();
    unique.dedup();
    assert_eq!(keys.len(), unique.len(), "a retry key accepted twice");
    // Each send once, plus the one repeat of the send left open (same key: 409 when LINE
    // had it).
    let sends = if point == Point::BeforeStarted { 2 } else { 3 };
    assert_eq!(line.requests_to(MULTICAST).len(), sends, "{point:?}");
    // A third run finds nothing left to send.
    let before = line.requests_to(MULTICAST).len() + line.requests_to(PUSH).len();
    let out = setup.command(&line, &args).output().expect("run oyako deliver");
    assert!(out.status.success());
    assert_eq!(line.requests_to(MULTICAST).len() + line.requests_to(PUSH).len(), before);
    // The process wrote no user ID or date in clear.
    for entry in std::fs::read_dir(setup.state()).unwrap() {
        let path = entry.unwrap().path();
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        for secret in [UA, UB, UD, "2026-05-01"] {
            assert!(!text.contains(secret), "{} contains {secret}", path.display());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_killed_before_the_started_record() {
    deliver_killed_at(Point::BeforeStarted).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_killed_after_started_before_line_accepted() {
    deliver_killed_at(Point::BeforeAccepted).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_killed_after_line_accepted_before_the_outcome() {
    deliver_killed_at(Point::AfterAccepted).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliver_killed_between_two_sends() {
    deliver_killed_at(Point::SecondAfterAccepted).await;
}

/// `oyako serve` delivers on start (the day's time has passed), is killed after LINE accepted
/// the first send, and resumes it after a restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_killed_after_line_accepted_resumes_once() {
    let today = bundle::japan::today();
    let setup = Setup::new(today);
    let line = FakeLine::start().await;
    quota(&line);
    line.respond([Respond::AcceptThenStall]);
    let serve = |line: &FakeLine| {
        let mut cmd = setup.command(line, &["serve", "--listen", "127.0.0.1:0"]);
        cmd.env("OYAKO_TIMED_AT", "00:00").env("OYAKO_QUIET_HOURS", "off");
        cmd.stdout(Stdio::null()).stderr(Stdio::null());
        Proc(cmd.spawn().expect("spawn oyako serve"))
    };
    let running = serve(&line);
    wait_requests(&line, MULTICAST, 1).await;
    running.kill_9();
    assert_eq!(line.accepted().len(), 1);
    let _running = serve(&line);
    let start = Instant::now();
    while delivered(&line).len() < want().len() {
        assert!(start.elapsed() < Duration::from_secs(30), "not resumed: {:?}", delivered(&line));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Wait for the outcome records, then check nothing went twice.
    while setup.facts().iter().filter(|f| matches!(f, Fact::Sent { .. })).count() < 2 {
        assert!(start.elapsed() < Duration::from_secs(30), "outcomes not journalled");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(delivered(&line), want());
    assert_eq!(
        line.requests_to(MULTICAST).len(),
        3,
        "the first send once more (409), the second once"
    );
}
