//! An in-process fake of LINE's Reply API: records every request and answers as programmed.

use std::collections::VecDeque;
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
        headers: parts.headers,
        body,
    };
    inner.requests.lock().unwrap().push(recorded);
    inner.arrived.notify_waiters();
    let plan = inner.plans.lock().unwrap().pop_front();
    let (delay, status, body) = match plan {
        None => (Duration::ZERO, 200, OK_BODY),
        Some(Respond::Status { delay, status, body }) => (delay, status, body),
        Some(Respond::Drop) => {
            // An error from the service makes hyper close the connection unanswered.
            return Err(std::io::Error::other("dropping the connection"));
        }
    };
    tokio::time::sleep(delay).await;
    let mut response = Response::new(Full::new(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = StatusCode::from_u16(status).expect("status");
    response.headers_mut().insert("x-line-request-id", "fake-request-id".parse().expect("hv"));
    Ok(response)
}
