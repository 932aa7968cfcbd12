//! A minimal stand-in for LINE's API for benchmarks and the multi-replica test: answers
//! replies `200 {}` and counts them, and deduplicates broadcasts by `X-Line-Retry-Key` like
//! LINE (the first is accepted, a repeat gets 409), so a test can check that several
//! replicas sending the same notice deliver it once.
//!
//! `bench_fake_line ADDR` — fake API; `GET /count` returns
//! `{"replies":N,"broadcasts":N,"duplicates":N,"without_key":N}`.
//! `bench_fake_line ADDR --bare` — a bare hyper server answering every request 200: the
//! ceiling of what a hyper server on this machine can answer.

use std::collections::HashSet;
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
    let _ = req.into_body().collect().await;
    let (status, body) = match (post, path.as_str()) {
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

fn count_json(c: &Counts) -> String {
    format!(
        r#"{{"replies":{},"broadcasts":{},"duplicates":{},"without_key":{}}}"#,
        c.replies.load(Ordering::Relaxed),
        c.broadcasts.load(Ordering::Relaxed),
        c.duplicates.load(Ordering::Relaxed),
        c.without_key.load(Ordering::Relaxed)
    )
}
