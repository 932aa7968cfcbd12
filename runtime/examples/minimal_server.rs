//! The hand-written minimum for the serve benchmark (`tests/bench/serve.py`): what a webhook
//! server must do at the least — check the signature over the raw body, read the events, look
//! up each postback's stored reply, call the Reply API — and nothing else: no dedupe, no
//! metrics, no reply queue, no journal, no limits or timeouts. `oyako serve` is measured
//! against it in the same run, so its cost per webhook is a ratio, not an absolute figure.
//!
//! `minimal_server BUNDLE_DIR LISTEN_ADDR API_BASE` (env: LINE_CHANNEL_SECRET,
//! LINE_CHANNEL_ACCESS_TOKEN).

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use serde::Deserialize;
use tokio::net::TcpListener;

struct App {
    bundle: bundle::Bundle,
    secret: Vec<u8>,
    auth: String,
    reply_url: hyper::Uri,
    client: Client<HttpConnector, Full<Bytes>>,
}

#[derive(Deserialize)]
struct Webhook {
    events: Vec<Event>,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "replyToken")]
    reply_token: Option<String>,
    postback: Option<Postback>,
}

#[derive(Deserialize)]
struct Postback {
    data: String,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(dir), Some(listen), Some(api)) = (args.next(), args.next(), args.next()) else {
        return Err("usage: minimal_server BUNDLE_DIR LISTEN_ADDR API_BASE".into());
    };
    let app = Arc::new(App {
        bundle: bundle::load(dir.as_ref())?,
        secret: std::env::var("LINE_CHANNEL_SECRET")?.into_bytes(),
        auth: format!("Bearer {}", std::env::var("LINE_CHANNEL_ACCESS_TOKEN")?),
        reply_url: format!("{api}/v2/bot/message/reply").parse()?,
        client: Client::builder(TokioExecutor::new()).build_http(),
    });
    tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
        let listener = TcpListener::bind(&listen).await?;
        loop {
            let (stream, _) = listener.accept().await?;
            let app = app.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req| handle(app.clone(), req));
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    })
}

async fn handle(
    app: Arc<App>,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let signature = req.headers().get("x-line-signature").cloned();
    let body = match req.into_body().collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
    };
    let valid = signature.is_some_and(|s| runtime::verify(&app.secret, &body, s.as_bytes()));
    if !valid {
        return Ok(status(StatusCode::UNAUTHORIZED));
    }
    let Ok(webhook) = serde_json::from_slice::<Webhook>(&body) else {
        return Ok(status(StatusCode::BAD_REQUEST));
    };
    for event in webhook.events {
        let (Some(token), Some(postback)) = (event.reply_token, event.postback) else { continue };
        let Some(reply) = app.bundle.postbacks.get(&postback.data) else { continue };
        let mut out = Vec::with_capacity(reply.plain_len as usize + 64);
        out.extend_from_slice(b"{\"replyToken\":");
        out.extend_from_slice(serde_json::to_string(&token).unwrap_or_default().as_bytes());
        out.extend_from_slice(b",\"messages\":");
        app.bundle.write_messages(reply, &mut out);
        out.push(b'}');
        let request = Request::post(app.reply_url.clone())
            .header("authorization", &app.auth)
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(out)));
        if let Ok(request) = request {
            let client = app.client.clone();
            tokio::spawn(async move {
                if let Ok(res) = client.request(request).await {
                    let _ = res.into_body().collect().await;
                }
            });
        }
    }
    Ok(status(StatusCode::OK))
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut res = Response::new(Full::new(Bytes::new()));
    *res.status_mut() = code;
    res
}
