//! An in-process fake of LINE's Reply API: records every request and answers as programmed.
//!
//! For notices it also behaves like LINE's send endpoints: it remembers every `X-Line-Retry-Key` it
//! accepted and answers a repeated one with 409
//! (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request-response>), and it
//! can serve fixed JSON for read-only paths such as the quota endpoints.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderMap, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// How the fake answers one request.
#[derive(Debug, Clone)]
pub enum Respond {
    /// Wait, then answer with this status and body.
    Status { delay: Duration, status: u16, body: &'static str },
    /// Close the connection without answering.
    Drop,
    /// Answer with this status, body and extra headers (e.g. `Retry-After`).
    Headers { status: u16, body: &'static str, headers: Vec<(&'static str, String)> },
    /// Accept the request (its retry key is remembered, as if delivered) but close the
    /// connection before answering: the sender cannot know it was sent.
    AcceptThenDrop,
    /// Never answer, and do not accept: the request hangs (until the sender is killed).
    Stall,
    /// Accept the request (as if delivered), then never answer: the sender hangs after LINE
    /// has it (until the sender is killed).
    AcceptThenStall,
}

/// The fake API; clones share the same recording.
#[derive(Clone)]
pub struct FakeLine {
    /// `http://127.0.0.1:<port>`.
    pub base: String,
    inner: Arc<Inner>,
}

struct Inner {
    requests: Mutex<Vec<Recorded>>,
    plans: Mutex<VecDeque<Respond>>,
    arrived: Notify,
    /// Retry keys of accepted requests, with their path, in acceptance order.
    accepted: Mutex<Vec<(String, String)>>,
    /// Fixed answers by path (status, JSON body), served before any plan.
    fixed: Mutex<BTreeMap<String, (u16, String)>>,
}

/// LINE's success body for a reply.
const OK_BODY: &str = r#"{"sentMessages":[{"id":"1","quoteToken":"q"}]}"#;

impl Respond {
    /// An immediate answer.
    pub fn status(status: u16, body: &'static str) -> Respond {
        Respond::Status { delay: Duration::ZERO, status, body }
    }

    /// A 200 after `delay`.
    pub fn slow(delay: Duration) -> Respond {
        Respond::Status { delay, status: 200, body: OK_BODY }
    }
}

impl FakeLine {
    /// Starts the fake on a loopback port.
    pub async fn start() -> FakeLine {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind fake");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Inner {
            requests: Mutex::default(),
            plans: Mutex::default(),
            arrived: Notify::new(),
            accepted: Mutex::default(),
            fixed: Mutex::default(),
        });
        let shared = inner.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else { continue };
                let inner = shared.clone();
                let service = service_fn(move |req| answer(inner.clone(), req));
                tokio::spawn(http1::Builder::new().serve_connection(TokioIo::new(stream), service));
            }
        });
        FakeLine { base, inner }
    }

    /// Queues answers for the next requests (after them: immediate 200s).
    pub fn respond(&self, plans: impl IntoIterator<Item = Respond>) {
        self.inner.plans.lock().unwrap().extend(plans);
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.requests.lock().unwrap().clone()
    }

    /// Waits until at least `n` requests arrived (or 15 s) and returns them all.
    pub async fn wait_for(&self, n: usize) -> Vec<Recorded> {
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            let arrived = self.inner.arrived.notified();
            let requests = self.requests();
            if requests.len() >= n || Instant::now() >= deadline {
                return requests;
            }
            let _ = tokio::time::timeout(Duration::from_millis(100), arrived).await;
        }
    }

    /// Serves `body` with `status` for every request to `path` (query ignored), without
    /// using a planned answer.
    pub fn set_json(&self, path: &str, status: u16, body: &str) {
        self.inner.fixed.lock().unwrap().insert(path.to_owned(), (status, body.to_owned()));
    }

    /// Requests to `path` so far.
    pub fn requests_to(&self, path: &str) -> Vec<Recorded> {
        self.requests().into_iter().filter(|r| r.path == path).collect()
    }

    /// `(path, retry key)` of every accepted request carrying a retry key: what was delivered.
    pub fn accepted(&self) -> Vec<(String, String)> {
        self.inner.accepted.lock().unwrap().clone()
    }

    /// Waits for exactly one request and returns its JSON body.
    pub async fn single_reply(&self) -> Value {
        let requests = self.wait_for(1).await;
        assert_eq!(requests.len(), 1, "expected one Reply API call");
        serde_json::from_slice(&requests[0].body).expect("reply body is JSON")
    }
}

async fn answer(
    inner: Arc<Inner>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, std::io::Error> {
    let (parts, body) = req.into_parts();
    let body = body.collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let recorded = Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
    };
    let path = recorded.path.clone();
    let key =
        recorded.headers.get("x-line-retry-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    inner.requests.lock().unwrap().push(recorded);
    inner.arrived.notify_waiters();
    if let Some((status, body)) = inner.fixed.lock().unwrap().get(&path).cloned() {
        return Ok(respond(status, Bytes::from(body), Vec::new()));
    }
    if let Some(key) = &key
        && inner.accepted.lock().unwrap().iter().any(|(_, k)| k == key)
    {
        let body = Bytes::from_static(br#"{"message":"The retry key is already accepted"}"#);
        let headers = vec![("x-line-accepted-request-id", "fake-accepted-request-id".to_owned())];
        return Ok(respond(409, body, headers));
    }
    let plan = inner.plans.lock().unwrap().pop_front();
    let (delay, status, body, headers) = match plan {
        None => (Duration::ZERO, 200, OK_BODY, Vec::new()),
        Some(Respond::Status { delay, status, body }) => (delay, status, body, Vec::new()),
        Some(Respond::Headers { status, body, headers }) => (Duration::ZERO, status, body, headers),
        Some(Respond::Drop) => {
            // An error from the service makes hyper close the connection unanswered.
            return Err(std::io::Error::other("dropping the connection"));
        }
        Some(Respond::AcceptThenDrop) => {
            if let Some(key) = key {
                inner.accepted.lock().unwrap().push((path, key));
            }
            return Err(std::io::Error::other("accepted, then dropping the connection"));
        }
        Some(Respond::Stall) => {
            std::future::pending::<()>().await;
            unreachable!("a stalled request is never answered")
        }
        Some(Respond::AcceptThenStall) => {
            if let Some(key) = key {
                inner.accepted.lock().unwrap().push((path, key));
            }
            std::future::pending::<()>().await;
            unreachable!("a stalled request is never answered")
        }
    };
    tokio::time::sleep(delay).await;
    if let Some(key) = key.filter(|_| (200..300).contains(&status)) {
        inner.accepted.lock().unwrap().push((path, key));
    }
    Ok(respond(status, Bytes::from_static(body.as_bytes()), headers))
}

fn respond(
    status: u16,
    body: Bytes,
    headers: Vec<(&'static str, String)>,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = StatusCode::from_u16(status).expect("status");
    response.headers_mut().insert("x-line-request-id", "fake-request-id".parse().expect("hv"));
    for (name, value) in headers {
        response.headers_mut().insert(name, value.parse().expect("header value"));
    }
    response
}
