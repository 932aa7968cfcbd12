//! The non-webhook routes: assets, health, readiness, metrics, and unknown paths.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::Full;

use bundle::FORMAT_VERSION;

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
        "oyako_bundle_info{{content_hash=\"{hash}\",format_version=\"{FORMAT_VERSION}\",pages=\"4\"}} 1"
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

/// `oyako serve`'s two listeners: the public one answers only what LINE and parents need,
/// the admin one only probes and metrics; each answers 404 for the other's routes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_admin_listeners_each_answer_only_their_routes() {
    let server = util::start().await;
    let public = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (public_addr, admin_addr) = (public.local_addr().unwrap(), admin.local_addr().unwrap());
    let listeners = runtime::Listeners { public, tls: None, admin: Some(admin) };
    let task =
        tokio::spawn(runtime::serve_on(listeners, server.state.clone(), std::future::pending()));
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let get = |at, path: &str| {
        let req = Request::get(format!("http://{at}{path}")).body(Full::<Bytes>::default());
        let response = client.request(req.unwrap());
        async move { response.await.expect("request").status() }
    };
    for path in ["/metrics", "/healthz", "/readyz"] {
        assert_eq!(get(public_addr, path).await, StatusCode::NOT_FOUND, "public {path}");
        assert_eq!(get(admin_addr, path).await, StatusCode::OK, "admin {path}");
    }
    let post = |at, path: &str| {
        let req = Request::post(format!("http://{at}{path}")).body(Full::<Bytes>::default());
        let response = client.request(req.unwrap());
        async move { response.await.expect("request").status() }
    };
    // A wrong method on the other side's route is still "no such route".
    assert_eq!(post(public_addr, "/healthz").await, StatusCode::NOT_FOUND);
    assert_eq!(post(admin_addr, "/healthz").await, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get(public_addr, "/webhook").await, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(get(admin_addr, "/webhook").await, StatusCode::NOT_FOUND);
    assert_eq!(get(public_addr, "/assets/hiroba.png").await, StatusCode::OK);
    assert_eq!(get(admin_addr, "/assets/hiroba.png").await, StatusCode::NOT_FOUND);
    // The webhook itself is public: an unsigned post is refused there, unknown on admin.
    assert_eq!(post(public_addr, "/webhook").await, StatusCode::UNAUTHORIZED);
    assert_eq!(post(admin_addr, "/webhook").await, StatusCode::NOT_FOUND);
    let events = vec![util::text_event("tok-split", "児童手当")];
    let body = util::callback(events);
    let signature = runtime::sign(util::SECRET.as_bytes(), body.as_bytes());
    let req = Request::post(format!("http://{public_addr}/webhook"))
        .header("x-line-signature", signature)
        .body(Full::new(Bytes::from(body)));
    assert_eq!(client.request(req.unwrap()).await.unwrap().status(), StatusCode::OK);
    assert_eq!(server.line.wait_for(1).await.len(), 1);
    task.abort();
    server.stop().await;
}
