//! A minimal stand-in for LINE's API for benchmarks: answers every request `200 {}` and
//! counts reply calls, so a benchmark can check that every webhook's reply was delivered.
//!
//! `bench_fake_line ADDR` — fake API; `GET /count` returns the number of replies received.
//! `bench_fake_line ADDR --bare` — a bare hyper server answering every request 200: the
//! ceiling of what a hyper server on this machine can answer.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:9090".into());
    let bare = args.next().as_deref() == Some("--bare");
    let listener = TcpListener::bind(&addr).await?;
    let replies = Arc::new(AtomicU64::new(0));
    loop {
        let (stream, _) = listener.accept().await?;
        let replies = replies.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| handle(req, replies.clone(), bare));
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(
    req: Request<hyper::body::Incoming>,
    replies: Arc<AtomicU64>,
    bare: bool,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if bare {
        return Ok(Response::new(Full::new(Bytes::new())));
    }
    let is_reply = req.method() == Method::POST && req.uri().path() == "/v2/bot/message/reply";
    let is_count = req.uri().path() == "/count";
    let _ = req.into_body().collect().await;
    if is_reply {
        replies.fetch_add(1, Ordering::Relaxed);
    }
    let body =
        if is_count { replies.load(Ordering::Relaxed).to_string() } else { "{}".to_string() };
    Ok(Response::new(Full::new(Bytes::from(body))))
}
