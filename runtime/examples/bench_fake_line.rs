//! A minimal stand-in for LINE's API for benchmarks and the multi-replica test: answers
//! replies `200 {}` and counts them, and deduplicates broadcasts, pushes and multicasts by
//! `X-Line-Retry-Key` like LINE (the first is accepted, a repeat gets 409), so a test can
//! check that several replicas sending the same notice or timed message deliver it once.
//!
//! `bench_fake_line ADDR` — fake API; `GET /count` returns
//! `{"replies":N,"broadcasts":N,"duplicates":N,"without_key":N,"sends":N,"send_duplicates":N,"recipients":N}`
//! (`sends`: accepted pushes and multicasts; `recipients`: messages in them, one per user);
//! `GET /recipients` returns `{"<userId>":N,…}`, the accepted messages per user.
//! `bench_fake_line ADDR --bare` — a bare hyper server answering every request 200: the
//! ceiling of what a hyper server on this machine can answer.

use std::collections::{BTreeMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[derive(Default)]
struct Counts {
    replies: AtomicU64,
    broadcasts: AtomicU64,
    duplicates: AtomicU64,
    without_key: AtomicU64,
    keys: Mutex<HashSet<String>>,
    sends: AtomicU64,
    send_duplicates: AtomicU64,
    recipients: Mutex<BTreeMap<String, u64>>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9090".into());
    let bare = args.next().as_deref() == Some("--bare");
    let listener = TcpListener::bind(&addr).await?;
    let counts = Arc::new(Counts::default());
    loop {
        let (stream, _) = listener.accept().await?;
        let counts = counts.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, counts.clone(), bare));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    counts: Arc<Counts>,
    bare: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if bare {
        return Ok(Response::new(Full::new(Bytes::new())));
    }
    let post = req.method() == Method::POST;
    let path = req.uri().path().to_string();
    let key =
        req.headers().get("x-line-retry-key").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let bytes = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let (status, body) = match (post, path.as_str()) {
        (true, "/v2/bot/message/push" | "/v2/bot/message/multicast") => send(&counts, key, &bytes),
        (false, "/recipients") => (StatusCode::OK, recipients_json(&counts)),
        (true, "/v2/bot/message/reply") => {
            counts.replies.fetch_add(1, Ordering::Relaxed);
            (StatusCode::OK, "{}".to_string())
        }
        (true, "/v2/bot/message/broadcast" | "/v2/bot/message/narrowcast") => {
            broadcast(&counts, key)
        }
        (false, "/v2/bot/message/quota") => (StatusCode::OK, r#"{"type":"none"}"#.into()),
        (false, "/v2/bot/message/quota/consumption") => {
            (StatusCode::OK, r#"{"totalUsage":0}"#.into())
        }
        (false, "/count") => (StatusCode::OK, count_json(&counts)),
        _ => (StatusCode::OK, "{}".into()),
    };
    let mut res = Response::new(Full::new(Bytes::from(body)));
    *res.status_mut() = status;
    Ok(res)
}

fn broadcast(counts: &Counts, key: Option<String>) -> (StatusCode, String) {
    let Some(key) = key else {
        counts.without_key.fetch_add(1, Ordering::Relaxed);
        counts.broadcasts.fetch_add(1, Ordering::Relaxed);
        return (StatusCode::OK, "{}".into());
    };
    if counts.keys.lock().unwrap_or_else(|p| p.into_inner()).insert(key) {
        counts.broadcasts.fetch_add(1, Ordering::Relaxed);
        (StatusCode::OK, "{}".into())
    } else {
        counts.duplicates.fetch_add(1, Ordering::Relaxed);
        (StatusCode::CONFLICT, r#"{"message":"The retry key is already accepted"}"#.into())
    }
}

/// A push or multicast: a new retry key delivers to every user in `to`, a known one gets 409.
fn send(counts: &Counts, key: Option<String>, body: &[u8]) -> (StatusCode, String) {
    let Ok(req) = serde_json::from_slice::<serde_json::Value>(body) else {
        return (StatusCode::BAD_REQUEST, r#"{"message":"The request body is invalid"}"#.into());
    };
    let to: Vec<String> = match &req["to"] {
        serde_json::Value::String(one) => vec![one.clone()],
        serde_json::Value::Array(many) => {
            many.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()
        }
        _ => Vec::new(),
    };
    if to.is_empty() || to.len() > 500 {
        return (StatusCode::BAD_REQUEST, r#"{"message":"The property, 'to', is invalid"}"#.into());
    }
    match key {
        Some(key) => {
            if !counts.keys.lock().unwrap_or_else(|p| p.into_inner()).insert(key) {
                counts.send_duplicates.fetch_add(1, Ordering::Relaxed);
                let body = r#"{"message":"The retry key is already accepted"}"#;
                return (StatusCode::CONFLICT, body.into());
            }
        }
        None => {
            counts.without_key.fetch_add(1, Ordering::Relaxed);
        }
    }
    counts.sends.fetch_add(1, Ordering::Relaxed);
    let mut recipients = counts.recipients.lock().unwrap_or_else(|p| p.into_inner());
    for user in to {
        *recipients.entry(user).or_default() += 1;
    }
    (StatusCode::OK, "{}".into())
}

fn recipients_json(c: &Counts) -> String {
    let recipients = c.recipients.lock().unwrap_or_else(|p| p.into_inner());
    serde_json::to_string(&*recipients).unwrap_or_else(|_| "{}".into())
}

fn count_json(c: &Counts) -> String {
    let recipients: u64 = c.recipients.lock().unwrap_or_else(|p| p.into_inner()).values().sum();
    format!(
        r#"{{"replies":{},"broadcasts":{},"duplicates":{},"without_key":{},"sends":{},"send_duplicates":{},"recipients":{}}}"#,
        c.replies.load(Ordering::Relaxed),
        c.broadcasts.load(Ordering::Relaxed),
        c.duplicates.load(Ordering::Relaxed),
        c.without_key.load(Ordering::Relaxed),
        c.sends.load(Ordering::Relaxed),
        c.send_duplicates.load(Ordering::Relaxed),
        recipients
    )
}
