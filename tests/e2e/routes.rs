//! The non-webhook routes: assets, health, readiness, metrics, and unknown paths.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;

use crate::util;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_from_memory_with_cache_headers() {
    let server = util::start().await;
    let on_disk = std::fs::read(server.bundle_dir().join("assets/hiroba.png")).unwrap();
    let answer = server.get("/assets/hiroba.png").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.headers["content-type"], "image/png");
    assert_eq!(answer.headers["cache-control"], "public, max-age=86400");
    assert_eq!(answer.body, on_disk);
    let etag = answer.headers["etag"].clone();
    let again =
        Request::get("/assets/hiroba.png").header("if-none-match", etag).body(Full::default());
    let again = server.send(again.unwrap()).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    // Served from memory: deleting the file changes nothing until a reload.
    std::fs::remove_file(server.bundle_dir().join("assets/hiroba.png")).unwrap();
    assert_eq!(server.get("/assets/hiroba.png").await.status, StatusCode::OK);
    let head = Request::head("/assets/hiroba.png").body(Full::<Bytes>::default()).unwrap();
    let head = server.send(head).await;
    assert_eq!(head.status, StatusCode::OK);
    assert!(head.body.is_empty());
    assert_eq!(head.headers["content-length"], on_disk.len().to_string().as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_bundle_assets_are_reachable() {
    let server = util::start().await;
    for path in [
        "/assets/",
        "/assets/missing.png",
        "/assets/../bundle.json",
        "/assets/..%2fbundle.json",
        "/assets/%2e%2e/bundle.json",
        "/assets//etc/passwd",
        "/assets/hiroba.png/",
        "/bundle.json",
    ] {
        assert_eq!(server.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_readiness_and_metrics() {
    let server = util::start().await;
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
    let ready = server.get("/readyz").await;
    assert_eq!(ready.status, StatusCode::OK);
    let hash = server.state.current().bundle.content_hash.clone();
    assert_eq!(ready.body, format!("ready {hash}\n"));
    let metrics = server.get("/metrics").await;
    assert_eq!(metrics.status, StatusCode::OK);
    assert!(
        metrics.headers["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4")
    );
    let text = String::from_utf8(metrics.body.to_vec()).unwrap();
    assert!(text.contains(&format!(
        "oyako_bundle_info{{content_hash=\"{hash}\",format_version=\"1\",pages=\"4\"}} 1"
    )));
    for family in [
        "oyako_webhooks_total",
        "oyako_events_total",
        "oyako_replies_total",
        "oyako_reply_latency_seconds",
        "oyako_taps_total",
        "oyako_searches_total",
        "oyako_reply_queue_depth",
    ] {
        assert!(text.contains(&format!("# TYPE {family} ")), "{family}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_paths_and_methods() {
    let server = util::start().await;
    assert_eq!(server.get("/").await.status, StatusCode::NOT_FOUND);
    assert_eq!(server.get("/webhook").await.status, StatusCode::METHOD_NOT_ALLOWED);
    let post = Request::post("/healthz").body(Full::<Bytes>::default()).unwrap();
    assert_eq!(server.send(post).await.status, StatusCode::METHOD_NOT_ALLOWED);
    let post = Request::post("/elsewhere").body(Full::<Bytes>::default()).unwrap();
    assert_eq!(server.send(post).await.status, StatusCode::NOT_FOUND);
}
