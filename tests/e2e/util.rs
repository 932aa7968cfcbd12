//! Shared helpers: build a fixture bundle, start the real server on loopback against a fake
//! LINE API, send signed webhooks, read `/metrics`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use runtime::clock::Clock;
use runtime::{Config, State};
use serde_json::{Value, json};
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::fake_line::FakeLine;

/// The channel secret every test server uses.
pub const SECRET: &str = "e2e-channel-secret";
/// The channel access token every test server uses.
pub const ACCESS_TOKEN: &str = "e2e-access-token";
/// The public URL asset links are rewritten to.
pub const PUBLIC_URL: &str = "https://oyako.example.jp";

/// The fixture content directory.
pub fn fixture_content() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/fixtures/content")
}

/// Builds `content` into `out` with a fixed "today".
pub fn build_bundle(content: &Path, out: &Path) {
    build_bundle_on(content, out, "2026-06-01");
}

/// Builds `content` into `out` as on `today` (`YYYY-MM-DD`).
pub fn build_bundle_on(content: &Path, out: &Path, today: &str) {
    let opts = compiler::BuildOptions {
        content_dir: content.to_path_buf(),
        out_dir: out.to_path_buf(),
        today: today.parse().expect("date"),
    };
    if let Err(diags) = compiler::build(&opts) {
        panic!(
            "fixture does not build:\n{}",
            diags.sorted().iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n")
        );
    }
}

/// A running server with its own bundle directory and fake LINE API.
pub struct Server {
    /// Where the server listens.
    pub addr: SocketAddr,
    /// The server's state (for reloads and direct bundle access).
    pub state: Arc<State>,
    /// The fake Reply API.
    pub line: FakeLine,
    /// Holds the bundle directory (`dir/dist`).
    pub dir: TempDir,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// Starts a server with test-sized limits; `tweak` may change the config further.
pub async fn start_with(tweak: impl FnOnce(&mut Config)) -> Server {
    let clock: Arc<dyn Clock> = Arc::new(runtime::clock::SystemClock);
    start_custom(&fixture_content(), "2026-06-01", clock, tweak).await
}

/// Starts a server on `content` built as on `today`, reading time from `clock`.
pub async fn start_custom(
    content: &Path,
    today: &str,
    clock: Arc<dyn Clock>,
    tweak: impl FnOnce(&mut Config),
) -> Server {
    let line = FakeLine::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = dir.path().join("dist");
    build_bundle_on(content, &bundle, today);
    let base = line.base.clone();
    let mut config = Config::from_env(bundle, None, |name| match name {
        "LINE_CHANNEL_SECRET" => Some(SECRET.into()),
        "LINE_CHANNEL_ACCESS_TOKEN" => Some(ACCESS_TOKEN.into()),
        "LINE_API_BASE" => Some(base.clone()),
        "OYAKO_PUBLIC_URL" => Some(PUBLIC_URL.into()),
        _ => None,
    })
    .expect("config");
    config.reply.first_backoff = Duration::from_millis(50);
    config.reply.max_backoff = Duration::from_millis(400);
    config.reply.deadline = Duration::from_secs(5);
    config.reply.attempt_timeout = Duration::from_secs(5);
    tweak(&mut config);
    let state = State::start_with_clock(config, clock).expect("server state");
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop, stopped) = oneshot::channel::<()>();
    let shutdown = async move {
        let _ = stopped.await;
    };
    let task = tokio::spawn(runtime::serve(listener, state.clone(), shutdown));
    let client = Client::builder(TokioExecutor::new()).build_http();
    Server { addr, state, line, dir, stop: Some(stop), task: Some(task), client }
}

/// Starts a server with the default test configuration.
pub async fn start() -> Server {
    start_with(|_| {}).await
}

/// A response as the tests look at it.
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Server {
    /// Sends `req` (its URI a path) and reads the whole answer.
    pub async fn send(&self, req: Request<Full<Bytes>>) -> Answer {
        let (mut parts, body) = req.into_parts();
        let pq = parts.uri.path_and_query().map_or("/", |p| p.as_str());
        parts.uri = format!("http://{}{pq}", self.addr).parse().expect("uri");
        let response =
            self.client.request(Request::from_parts(parts, body)).await.expect("request");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("body").to_bytes();
        Answer { status: parts.status, headers: parts.headers, body }
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Answer {
        self.send(Request::get(path).body(Full::default()).expect("request")).await
    }

    /// Posts `body` to `/webhook` with a correct signature.
    pub async fn post_signed(&self, body: &str) -> StatusCode {
        self.post_webhook(body, Some(&runtime::sign(SECRET.as_bytes(), body.as_bytes()))).await
    }

    /// Posts `body` to `/webhook` with the given signature header (or none).
    pub async fn post_webhook(&self, body: &str, signature: Option<&str>) -> StatusCode {
        let mut req = Request::post("/webhook").header("content-type", "application/json");
        if let Some(sig) = signature {
            req = req.header("x-line-signature", sig);
        }
        let req = req.body(Full::new(Bytes::from(body.to_owned()))).expect("request");
        self.send(req).await.status
    }

    /// Posts the given events as one signed webhook.
    pub async fn post_events(&self, events: Vec<Value>) -> StatusCode {
        self.post_signed(&callback(events)).await
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        String::from_utf8(self.get("/metrics").await.body.to_vec()).expect("utf-8")
    }

    /// The value of one metrics line such as `oyako_replies_total{outcome="delivered"}`.
    pub async fn metric(&self, series: &str) -> u64 {
        metric_value(&self.metrics().await, series)
    }

    /// Polls `/metrics` until `series` reaches `at_least` (or a 15 s timeout).
    pub async fn wait_metric(&self, series: &str, at_least: u64) -> u64 {
        let start = Instant::now();
        loop {
            let value = self.metric(series).await;
            if value >= at_least || start.elapsed() > Duration::from_secs(15) {
                return value;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Triggers shutdown and waits for `serve` to return.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            task.await.expect("serve task");
        }
    }

    /// The bundle directory.
    pub fn bundle_dir(&self) -> PathBuf {
        self.dir.path().join("dist")
    }
}

/// The counter value of `series` in metrics `text` (0 when absent).
pub fn metric_value(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.trim().parse().ok())
        .unwrap_or(0)
}

/// A webhook body carrying `events`.
pub fn callback(events: Vec<Value>) -> String {
    json!({"destination": "U0123456789abcdef0123456789abcdef", "events": events}).to_string()
}

/// A unique event id for tests.
pub fn event_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    format!("01E2E{:021}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// An active 1:1 event of `kind` with `token` and extra fields merged in.
pub fn event(kind: &str, token: Option<&str>, extra: Value) -> Value {
    let mut e = json!({
        "type": kind,
        "mode": "active",
        "timestamp": 1_767_225_600_000u64,
        "source": {"type": "user", "userId": "U4af4980629a1b2c3d4e5f60718293a4b"},
        "webhookEventId": event_id(),
        "deliveryContext": {"isRedelivery": false},
    });
    if let Some(token) = token {
        e["replyToken"] = json!(token);
    }
    if let (Some(obj), Value::Object(extra)) = (e.as_object_mut(), extra) {
        obj.extend(extra);
    }
    e
}

/// A text message event.
pub fn text_event(token: &str, text: &str) -> Value {
    event(
        "message",
        Some(token),
        json!({"message": {"type": "text", "id": "1", "text": text, "quoteToken": "q"}}),
    )
}

/// A postback event.
pub fn postback_event(token: &str, data: &str) -> Value {
    event("postback", Some(token), json!({"postback": {"data": data}}))
}

/// Copies a directory tree (a content folder to edit in a test).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
