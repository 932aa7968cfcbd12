//! The simulator's HTTP server: the page itself, its small JSON API, the fake LINE Reply API
//! the runtime talks to, and the build preview.

use std::convert::Infallible;
use std::sync::Arc;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use http::{Method, Request, Response, StatusCode};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use runtime::clock::Clock as _;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::Dev;
use super::platform::{Action, read_body};

type Reply = Response<Full<Bytes>>;

/// Static files of the simulator: (path, content type, body).
const STATIC: &[(&str, &str, &str)] = &[
    ("/", "text/html; charset=utf-8", include_str!("../../web/sim.html")),
    ("/sim.js", "text/javascript; charset=utf-8", include_str!("../../web/sim.js")),
    ("/sim.css", "text/css; charset=utf-8", include_str!("../../web/sim.css")),
    ("/flex.js", "text/javascript; charset=utf-8", compiler::FLEX_JS),
    ("/flex.css", "text/css; charset=utf-8", compiler::FLEX_CSS),
];

/// Serves the simulator until the process ends.
pub async fn serve(listener: TcpListener, dev: Arc<Dev>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let dev = dev.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req| {
                let dev = dev.clone();
                async move { Ok::<_, Infallible>(handle(&dev, req).await) }
            });
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
    }
}

async fn handle(dev: &Dev, req: Request<Incoming>) -> Reply {
    let path = req.uri().path().to_string();
    match (req.method(), path.as_str()) {
        (&Method::GET, p) if STATIC.iter().any(|(s, _, _)| *s == p) => {
            let (_, ty, body) =
                STATIC.iter().find(|(s, _, _)| *s == p).copied().unwrap_or_default();
            respond(StatusCode::OK, ty, Bytes::from_static(body.as_bytes()))
        }
        (&Method::GET, "/_sim/state") => json_reply(200, state(dev)),
        (&Method::GET, "/_sim/messages") => {
            let after = query_usize(req.uri().query(), "after");
            let items = dev.platform.items_after(after).await;
            json_reply(200, json!({ "items": items }))
        }
        (&Method::POST, "/_sim/send") => send(dev, req).await,
        (&Method::GET, "/_sim/clock") => json_reply(200, clock(dev)),
        (&Method::POST, "/_sim/clock") => set_clock(dev, req).await,
        (&Method::POST, "/v2/bot/message/reply") => {
            let auth =
                req.headers().get(AUTHORIZATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
            let body = read_body(req.into_body()).await;
            let (status, value) = dev.platform.reply(auth.as_deref(), &body);
            json_reply(status, value)
        }
        (&Method::POST, path @ ("/v2/bot/message/push" | "/v2/bot/message/multicast")) => {
            let multicast = path.ends_with("multicast");
            let header = |name: &str| {
                req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_owned)
            };
            let (auth, key) = (header(AUTHORIZATION.as_str()), header("x-line-retry-key"));
            let body = read_body(req.into_body()).await;
            let (status, value) =
                dev.platform.send_messages(auth.as_deref(), key.as_deref(), &body, multicast);
            json_reply(status, value)
        }
        // The month's quota: unlimited in the simulator.
        (&Method::GET, "/v2/bot/message/quota") => json_reply(200, json!({ "type": "none" })),
        (&Method::GET, "/v2/bot/message/quota/consumption") => {
            json_reply(200, json!({ "totalUsage": 0 }))
        }
        (&Method::GET, p)
            if p.starts_with("/preview/")
                || p.starts_with("/richmenu/")
                || p.starts_with("/promo/") =>
        {
            file(dev, p).await
        }
        (_, p) if p.starts_with("/v2/") => json_reply(404, json!({ "message": "Not found" })),
        _ => respond(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            Bytes::from_static(b"not found\n"),
        ),
    }
}

fn state(dev: &Dev) -> Value {
    let runtime = dev.runtime();
    let loaded = runtime.as_ref().map(|s| s.current());
    let title = loaded.as_ref().map_or(String::new(), |l| l.bundle.title.clone());
    let richmenu = loaded.as_ref().and_then(|l| serde_json::to_value(&l.bundle.richmenu).ok());
    let promo = loaded.as_ref().is_some_and(|l| l.bundle.promo.is_some());
    json!({
        "title": title,
        "running": runtime.is_some(),
        "build": dev.status(),
        "assetBase": format!("http://{}/assets/", dev.runtime_addr),
        "richmenu": richmenu,
        "promo": promo,
    })
}

/// The runtime's clock as the simulator shows it.
fn clock(dev: &Dev) -> Value {
    let now = dev.clock.now();
    json!({
        "now": bundle::japan::format(now),
        "date": bundle::japan::date_of(now).to_string(),
        "moved": dev.clock.is_moved(),
    })
}

/// What the date control asks for: a day (the time of day keeps running), an instant, or the
/// real time again.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ClockRequest {
    date: Option<String>,
    at: Option<String>,
    #[serde(default)]
    reset: bool,
}

/// Moves the runtime's clock (`{"date": "2027-04-01"}`, `{"at": RFC 3339}` or
/// `{"reset": true}`): replies that depend on the date, notices and timed messages then behave
/// as on that day, without a rebuild.
async fn set_clock(dev: &Dev, req: Request<Incoming>) -> Reply {
    let body = read_body(req.into_body()).await;
    let request: ClockRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return json_reply(400, json!({ "error": format!("日付を読めません: {e}") })),
    };
    let bad =
        |e: jiff::Error| json_reply(400, json!({ "error": format!("日付を読めません: {e}") }));
    match (request.reset, request.date, request.at) {
        (true, None, None) => dev.clock.reset(),
        (false, Some(date), None) => {
            let date: jiff::civil::Date = match date.parse() {
                Ok(d) => d,
                Err(e) => return bad(e),
            };
            let now = dev.clock.now().to_zoned_datetime(bundle::japan::zone());
            let moved = date.to_datetime(now.time()).to_zoned_datetime(bundle::japan::zone());
            match moved {
                Ok(z) => dev.clock.set(z.timestamp()),
                Err(e) => return bad(e),
            }
        }
        (false, None, Some(at)) => match at.parse() {
            Ok(at) => dev.clock.set(at),
            Err(e) => return bad(e),
        },
        _ => {
            return json_reply(
                400,
                json!({ "error": "date・at・reset のどれか一つを指定してください" }),
            );
        }
    }
    json_reply(200, clock(dev))
}

async fn send(dev: &Dev, req: Request<Incoming>) -> Reply {
    let body = read_body(req.into_body()).await;
    let action: Action = match serde_json::from_slice(&body) {
        Ok(a) => a,
        Err(e) => return json_reply(400, json!({ "error": e.to_string() })),
    };
    if dev.runtime().is_none() {
        return json_reply(
            503,
            json!({ "error": "ビルドが成功するまで、ランタイムは起動していません" }),
        );
    }
    match dev.platform.send(&action).await {
        Ok(status) => json_reply(200, json!({ "webhookStatus": status })),
        Err(e) => json_reply(502, json!({ "error": e })),
    }
}

/// Files of the bundle directory a browser may look at: the preview, the rich menu and the
/// printables (`promo/`).
async fn file(dev: &Dev, path: &str) -> Reply {
    let rel = path.trim_start_matches('/');
    let rel = if rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_string() };
    if rel.split('/').any(|seg| seg.is_empty() || seg == ".." || seg.starts_with('.')) {
        return respond(StatusCode::NOT_FOUND, "text/plain", Bytes::from_static(b"not found\n"));
    }
    match tokio::fs::read(dev.bundle_dir.join(&rel)).await {
        Ok(bytes) => respond(StatusCode::OK, content_type(&rel), Bytes::from(bytes)),
        Err(_) => respond(StatusCode::NOT_FOUND, "text/plain", Bytes::from_static(b"not found\n")),
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        _ => "application/octet-stream",
    }
}

fn query_usize(query: Option<&str>, key: &str) -> usize {
    query
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0)
}

fn json_reply(status: u16, value: Value) -> Reply {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    respond(status, "application/json", Bytes::from(value.to_string()))
}

fn respond(status: StatusCode, content_type: &'static str, body: Bytes) -> Reply {
    let mut res = Response::new(Full::new(body));
    *res.status_mut() = status;
    res.headers_mut().insert(CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    res.headers_mut().insert(CACHE_CONTROL, http::HeaderValue::from_static("no-store"));
    res
}
