//! `oyako richmenu deploy` against a stateful fake of LINE's rich-menu API: the full
//! sequence, idempotency, a content change replacing the old menu, and a failure half-way
//! that leaves the old menu live.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use runtime::api::Api;
use runtime::richmenu;

use crate::util;

/// The channel's rich-menu state as LINE keeps it.
#[derive(Debug, Default)]
struct Channel {
    /// id → (name, has image, request).
    menus: BTreeMap<String, (String, bool, Value)>,
    aliases: BTreeMap<String, String>,
    default: Option<String>,
    next: u32,
    /// Every call: "METHOD path".
    calls: Vec<String>,
    /// Answer image uploads with 500.
    fail_upload: bool,
}

type Shared = Arc<Mutex<Channel>>;

async fn start() -> (SocketAddr, Shared) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let channel: Shared = Arc::default();
    let shared = channel.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let ch = shared.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req| handle(ch.clone(), req));
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
        }
    });
    (addr, channel)
}

async fn handle(
    ch: Shared,
    req: Request<hyper::body::Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let content_type =
        req.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    let body = req.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
    let mut c = ch.lock().unwrap();
    c.calls.push(format!("{method} {path}"));
    let parts: Vec<&str> = path.trim_start_matches("/v2/bot/").split('/').collect();
    let json_body = || serde_json::from_slice::<Value>(&body).unwrap_or(Value::Null);
    let (status, answer) = match (&method, parts.as_slice()) {
        (&Method::GET, ["richmenu", "list"]) => {
            let list: Vec<Value> = c
                .menus
                .iter()
                .map(|(id, (name, _, _))| json!({"richMenuId": id, "name": name}))
                .collect();
            (200, json!({ "richmenus": list }))
        }
        (&Method::POST, ["richmenu", "validate"]) => (200, json!({})),
        (&Method::POST, ["richmenu"]) => {
            c.next += 1;
            let id = format!("richmenu-{:032}", c.next);
            let req = json_body();
            let name = req["name"].as_str().unwrap_or_default().to_string();
            c.menus.insert(id.clone(), (name, false, req));
            (200, json!({ "richMenuId": id }))
        }
        (&Method::POST, ["richmenu", _, "content"]) if c.fail_upload => {
            (500, json!({"message": "Internal error"}))
        }
        (&Method::POST, ["richmenu", _, "content"]) if content_type != "image/png" => {
            (415, json!({"message": "Unsupported media type"}))
        }
        (&Method::POST, ["richmenu", id, "content"]) => match c.menus.get_mut(*id) {
            Some((_, has, _)) if *has => {
                (400, json!({"message": "An image has already been uploaded"}))
            }
            Some((_, has, _)) => {
                *has = true;
                (200, json!({}))
            }
            None => (404, json!({"message": "Not found"})),
        },
        (&Method::GET, ["richmenu", "alias", "list"]) => {
            let list: Vec<Value> = c
                .aliases
                .iter()
                .map(|(a, id)| json!({"richMenuAliasId": a, "richMenuId": id}))
                .collect();
            (200, json!({ "aliases": list }))
        }
        (&Method::POST, ["richmenu", "alias"]) => {
            let b = json_body();
            let (alias, id) = (
                b["richMenuAliasId"].as_str().unwrap_or("").to_string(),
                b["richMenuId"].as_str().unwrap_or("").to_string(),
            );
            match c.menus.get(&id) {
                _ if c.aliases.contains_key(&alias) => {
                    (400, json!({"message": "conflict richmenu alias id"}))
                }
                Some((_, true, _)) => {
                    c.aliases.insert(alias, id);
                    (200, json!({}))
                }
                _ => (400, json!({"message": "richmenu not found or has no image"})),
            }
        }
        (&Method::POST, ["richmenu", "alias", alias]) => {
            let id = json_body()["richMenuId"].as_str().unwrap_or("").to_string();
            match (c.aliases.contains_key(*alias), c.menus.get(&id)) {
                (true, Some((_, true, _))) => {
                    c.aliases.insert(alias.to_string(), id);
                    (200, json!({}))
                }
                _ => (400, json!({"message": "bad alias update"})),
            }
        }
        (&Method::GET, ["user", "all", "richmenu"]) => match &c.default {
            Some(id) => (200, json!({ "richMenuId": id })),
            None => (404, json!({"message": "no default richmenu"})),
        },
        (&Method::POST, ["user", "all", "richmenu", id]) => match c.menus.get(*id) {
            Some((_, true, _)) => {
                c.default = Some(id.to_string());
                (200, json!({}))
            }
            _ => (400, json!({"message": "must upload richmenu image before applying it to user"})),
        },
        (&Method::DELETE, ["richmenu", id]) => match c.menus.remove(*id) {
            Some(_) => (200, json!({})),
            None => (404, json!({"message": "Not found"})),
        },
        _ => (404, json!({"message": "Not found"})),
    };
    let mut res = Response::new(Full::new(Bytes::from(answer.to_string())));
    *res.status_mut() = hyper::StatusCode::from_u16(status).unwrap();
    Ok(res)
}

fn api(addr: SocketAddr) -> Api {
    let base = format!("http://{addr}");
    Api::from_env(|name| match name {
        "LINE_CHANNEL_ACCESS_TOKEN" => Some("token".into()),
        "LINE_API_BASE" | "LINE_DATA_API_BASE" => Some(base.clone()),
        _ => None,
    })
    .unwrap()
}

/// Builds the sample content (optionally with one rich-menu label changed) into `out`.
fn build(out: &Path, rename: Option<(&str, &str)>) {
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../content");
    let content = tmp.path().join("content");
    util::copy_dir(&src, &content);
    if let Some((from, to)) = rename {
        let index = content.join("_index.md");
        let text = std::fs::read_to_string(&index).unwrap().replace(from, to);
        std::fs::write(index, text).unwrap();
    }
    let opts = compiler::BuildOptions {
        content_dir: content,
        out_dir: out.to_path_buf(),
        today: "2026-11-27".parse().unwrap(),
    };
    compiler::build(&opts).unwrap_or_else(|d| panic!("{d}"));
}

fn mutating(calls: &[String]) -> Vec<String> {
    calls.iter().filter(|c| !c.starts_with("GET")).cloned().collect()
}

#[tokio::test]
async fn deploys_in_order_then_does_nothing_when_unchanged() {
    let (addr, ch) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let dist = dir.path().join("dist");
    build(&dist, None);
    let done = richmenu::deploy(&api(addr), &dist).await.unwrap();
    assert_eq!(done.created.len(), 1);
    assert!(done.default_changed);
    {
        let c = ch.lock().unwrap();
        let id = c.default.clone().unwrap();
        assert_eq!(c.aliases.get("oyako-main"), Some(&id));
        let (name, has_image, request) = &c.menus[&id];
        assert!(*has_image);
        assert!(name.starts_with("oyako-main "), "{name}");
        let problems = openapi::problems("RichMenuRequest", request);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            mutating(&c.calls),
            [
                "POST /v2/bot/richmenu/validate".to_string(),
                "POST /v2/bot/richmenu".into(),
                format!("POST /v2/bot/richmenu/{id}/content"),
                "POST /v2/bot/richmenu/alias".into(),
                format!("POST /v2/bot/user/all/richmenu/{id}"),
            ]
        );
    }
    ch.lock().unwrap().calls.clear();
    let again = richmenu::deploy(&api(addr), &dist).await.unwrap();
    assert!(again.is_noop(), "{again:?}");
    assert_eq!(mutating(&ch.lock().unwrap().calls), Vec::<String>::new());
    let status = richmenu::status(&api(addr), Some(&dist)).await.unwrap();
    assert!(
        status[0].contains("default")
            && status[0].contains("alias oyako-main")
            && status[0].contains("matches the bundle"),
        "{status:?}"
    );
}

#[tokio::test]
async fn a_content_change_replaces_the_old_menu() {
    let (addr, ch) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    build(&old, None);
    build(&new, Some(("label: イベント", "label: 催し・教室")));
    richmenu::deploy(&api(addr), &old).await.unwrap();
    let old_id = ch.lock().unwrap().default.clone().unwrap();
    let done = richmenu::deploy(&api(addr), &new).await.unwrap();
    assert_eq!(done.deleted, vec![old_id.clone()]);
    let c = ch.lock().unwrap();
    let new_id = c.default.clone().unwrap();
    assert_ne!(new_id, old_id);
    assert_eq!(c.aliases["oyako-main"], new_id);
    assert_eq!(c.menus.len(), 1);
}

#[tokio::test]
async fn a_failure_half_way_leaves_the_old_menu_live() {
    let (addr, ch) = start().await;
    let dir = tempfile::tempdir().unwrap();
    let (old, new) = (dir.path().join("old"), dir.path().join("new"));
    build(&old, None);
    build(&new, Some(("label: 相談", "label: 相談窓口")));
    richmenu::deploy(&api(addr), &old).await.unwrap();
    let old_id = ch.lock().unwrap().default.clone().unwrap();
    ch.lock().unwrap().fail_upload = true;
    let err = richmenu::deploy(&api(addr), &new).await.unwrap_err();
    assert!(err.to_string().contains("500"), "{err}");
    {
        let c = ch.lock().unwrap();
        assert_eq!(c.default.as_ref(), Some(&old_id));
        assert_eq!(c.aliases["oyako-main"], old_id);
        assert_eq!(c.menus.len(), 1, "the half-made menu was deleted: {:?}", c.menus.keys());
    }
    ch.lock().unwrap().fail_upload = false;
    let done = richmenu::deploy(&api(addr), &new).await.unwrap();
    assert_eq!(done.deleted, vec![old_id]);
}
