//! The `oyako serve` process itself: start-up refusals, SIGHUP reload, SIGTERM exit, and what
//! ends up in its logs.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::fake_line::FakeLine;
use crate::util::{self, callback, text_event};

/// A raw user ID that must never appear in logs.
const USER_ID: &str = "U4af4980629a1b2c3d4e5f60718293a4b";

fn oyako() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_oyako"));
    for var in [
        "LINE_CHANNEL_SECRET",
        "LINE_CHANNEL_ACCESS_TOKEN",
        "LINE_API_BASE",
        "OYAKO_PUBLIC_URL",
        "OYAKO_LOG",
        "RUST_LOG",
        "OYAKO_LOG_FORMAT",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// A child process killed (by its own id) if a test fails before it exits.
struct Running {
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    fn spawn(mut cmd: Command) -> Running {
        let mut child =
            cmd.stderr(Stdio::piped()).stdout(Stdio::null()).spawn().expect("spawn oyako");
        let stderr = child.stderr.take().expect("stderr");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                sink.lock().unwrap().push(line);
            }
        });
        Running { child, lines }
    }

    /// Waits for a JSON log line whose message is `message`; returns it.
    async fn wait_log(&self, message: &str) -> Value {
        let start = Instant::now();
        loop {
            let found = self.lines.lock().unwrap().iter().find_map(|l| {
                let v: Value = serde_json::from_str(l).ok()?;
                (v["message"] == message).then_some(v)
            });
            if let Some(v) = found {
                return v;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no log {message:?} in {:?}",
                self.lines.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Waits for a plain stderr line containing `text` (`oyako dev` writes Japanese lines).
    fn wait_for_line(&self, text: &str) {
        let start = Instant::now();
        while !self.lines.lock().unwrap().iter().any(|l| l.contains(text)) {
            assert!(
                start.elapsed() < Duration::from_secs(120),
                "no line with {text:?} in {:?}",
                self.lines.lock().unwrap()
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    fn signal(&self, name: &str) {
        let status =
            Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status();
        assert!(status.expect("kill").success());
    }

    fn wait_exit(&mut self) -> std::process::ExitStatus {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            assert!(start.elapsed() < Duration::from_secs(20), "oyako did not exit");
            std::thread::sleep(Duration::from_millis(25));
        }
    }
}

fn stderr_of(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("run oyako");
    (out.status.success(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn serve_refuses_to_start_without_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, stderr) =
        stderr_of(oyako().args(["serve", "--listen", "127.0.0.1:0", "--bundle"]).arg(dir.path()));
    assert!(!ok);
    assert!(stderr.contains("LINE_CHANNEL_SECRET is required but not set"), "{stderr}");
}

#[test]
fn serve_refuses_a_missing_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = oyako();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--bundle"]).arg(dir.path().join("nope"));
    cmd.env("LINE_CHANNEL_SECRET", "s").env("LINE_CHANNEL_ACCESS_TOKEN", "t");
    let (ok, stderr) = stderr_of(&mut cmd);
    assert!(!ok);
    assert!(stderr.contains("cannot load the bundle in"), "{stderr}");
    assert!(stderr.contains("bundle.json"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_reloads_on_sighup_and_exits_cleanly_on_sigterm() {
    let line = FakeLine::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("dist");
    util::build_bundle(&util::fixture_content(), &bundle);
    let mut cmd = oyako();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--bundle"]).arg(&bundle);
    cmd.args(["--admin-listen", "127.0.0.1:0"]);
    cmd.arg("--state-dir").arg(dir.path().join("state"));
    cmd.env("LINE_CHANNEL_SECRET", util::SECRET)
        .env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
        .env("LINE_API_BASE", &line.base)
        .env("OYAKO_PUBLIC_URL", util::PUBLIC_URL)
        .env("OYAKO_LOG", "warn,runtime=debug");
    let mut running = Running::spawn(cmd);
    let listening = running.wait_log("listening").await;
    let addr = listening["addr"].as_str().expect("addr").to_owned();
    assert!(dir.path().join("state").is_dir(), "--state-dir is created");

    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let body = callback(vec![text_event("tok-process", "児童手当")]);
    let signature = runtime::sign(util::SECRET.as_bytes(), body.as_bytes());
    let req = http::Request::post(format!("http://{addr}/webhook"))
        .header("x-line-signature", signature)
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .unwrap();
    let response = client.request(req).await.expect("webhook");
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(line.wait_for(1).await.len(), 1);

    // Probes and metrics are on the admin listener only; the public one does not know them.
    let admin = running.wait_log("admin listening").await;
    let admin = admin["addr"].as_str().expect("admin addr").to_owned();
    assert_ne!(admin, addr);
    let get = |at: &str, path: &str| {
        let req = http::Request::get(format!("http://{at}{path}"))
            .body(http_body_util::Full::<bytes::Bytes>::default())
            .unwrap();
        let response = client.request(req);
        async move { response.await.expect("GET").status() }
    };
    for path in ["/metrics", "/healthz", "/readyz"] {
        assert_eq!(get(&addr, path).await, http::StatusCode::NOT_FOUND, "public {path}");
        assert_eq!(get(&admin, path).await, http::StatusCode::OK, "admin {path}");
    }
    assert_eq!(get(&admin, "/assets/hiroba.png").await, http::StatusCode::NOT_FOUND);
    assert_eq!(get(&addr, "/assets/hiroba.png").await, http::StatusCode::OK);
    // `oyako probe` (the unit's ExecStartPost, the image's HEALTHCHECK) asks the admin port.
    let probe = oyako().args(["probe", "--admin", &admin]).output().expect("probe");
    assert!(probe.status.success(), "{}", String::from_utf8_lossy(&probe.stderr));
    assert!(String::from_utf8_lossy(&probe.stdout).starts_with("ready "));
    let probe = oyako().args(["probe", "--admin", &addr, "--wait", "1s"]).output().expect("probe");
    assert!(!probe.status.success());
    assert!(String::from_utf8_lossy(&probe.stderr).contains("answered 404"));

    add_page_and_rebuild(&bundle);
    running.signal("HUP");
    let reloaded = running.wait_log("bundle reloaded").await;
    assert_eq!(reloaded["pages"], 5);

    running.signal("TERM");
    assert!(running.wait_exit().success(), "SIGTERM exits 0");
    let logs = running.lines.lock().unwrap().join("\n");
    assert!(logs.contains(&runtime::logging::hash_id(USER_ID)), "user is logged hashed");
    for secret in [USER_ID, util::SECRET, util::ACCESS_TOKEN, "tok-process"] {
        assert!(!logs.contains(secret), "{secret} leaked into the logs:\n{logs}");
    }
}

/// Taps are journalled in batches (up to a second in memory): SIGTERM right after them must
/// still leave every one on disk.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn taps_answered_just_before_sigterm_are_in_the_journal() {
    const TAPS: usize = 20;
    let line = FakeLine::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("dist");
    util::build_bundle(&util::fixture_content(), &bundle);
    let state = dir.path().join("state");
    let mut cmd = oyako();
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json", "--bundle"]).arg(&bundle);
    cmd.arg("--state-dir").arg(&state);
    cmd.env("LINE_CHANNEL_SECRET", util::SECRET)
        .env("LINE_CHANNEL_ACCESS_TOKEN", util::ACCESS_TOKEN)
        .env("LINE_API_BASE", &line.base)
        .env("OYAKO_PUBLIC_URL", util::PUBLIC_URL)
        .env("OYAKO_LOG", "info");
    let mut running = Running::spawn(cmd);
    let listening = running.wait_log("listening").await;
    let addr = listening["addr"].as_str().expect("addr").to_owned();

    let events = (0..TAPS)
        .map(|n| util::postback_event(&format!("tok-term-{n}"), "page:teate/jidou-teate"))
        .collect();
    let body = callback(events);
    let signature = runtime::sign(util::SECRET.as_bytes(), body.as_bytes());
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http();
    let req = http::Request::post(format!("http://{addr}/webhook"))
        .header("x-line-signature", signature)
        .body(http_body_util::Full::new(bytes::Bytes::from(body)))
        .unwrap();
    assert_eq!(client.request(req).await.expect("webhook").status(), http::StatusCode::OK);
    running.signal("TERM");
    assert!(running.wait_exit().success(), "SIGTERM exits 0");
    assert_eq!(line.wait_for(TAPS).await.len(), TAPS, "every tap was replied to");

    let journal = state.join(runtime::kpi::JOURNAL_DIR);
    let mut taps = 0;
    for entry in std::fs::read_dir(&journal).expect("journal dir").flatten() {
        let read = runtime::journal::read::<runtime::kpi::Record>(&entry.path()).expect("journal");
        taps +=
            read.records.iter().filter(|r| matches!(r, runtime::kpi::Record::Tap { .. })).count();
    }
    assert_eq!(taps, TAPS, "every tap answered before SIGTERM is in the journal");
}

fn add_page_and_rebuild(bundle: &Path) {
    let content = tempfile::tempdir().unwrap();
    let status =
        Command::new("cp").arg("-r").arg(util::fixture_content()).arg(content.path()).status();
    assert!(status.unwrap().success());
    let root = content.path().join("content");
    let page = "---\ntitle: 新しいページ\nsummary: 追加\n---\n本文\n";
    std::fs::write(root.join("teate/new.md"), page).unwrap();
    util::build_bundle(&root, bundle);
}

/// `oyako dev` stops on Ctrl-C even in the middle of a rebuild (a signal then used to be lost,
/// leaving the process running for good).
#[test]
fn dev_stops_on_ctrl_c_during_a_rebuild() {
    let dir = tempfile::tempdir().expect("tempdir");
    let content = dir.path().join("content");
    util::copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content"), &content);
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut cmd = oyako();
    cmd.arg("dev").arg("--port").arg(port.to_string()).arg("--content").arg(&content);
    cmd.arg("--out").arg(dir.path().join("dist"));
    let mut running = Running::spawn(cmd);
    running.wait_for_line("シミュレーター: ");
    let page = content.join("teate/jidou-teate.md");
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, format!("{text}\n追記しました。\n")).expect("edit");
    // The sample's day-dependent replies take a while to build: the signal lands mid-build.
    running.wait_for_line("ビルドしています");
    running.signal("INT");
    running.wait_exit();
}
