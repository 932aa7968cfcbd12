//! Bundle reload (the SIGHUP path) and graceful shutdown.

use std::time::Duration;

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt, Full};
use serde_json::json;

use crate::fake_line::Respond;
use crate::util::{self, event, postback_event, text_event};

/// Copies the fixture content and adds one page.
fn content_with_extra_page() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    util::copy_dir(&util::fixture_content(), dir.path());
    let page = "---\ntitle: 一時預かり\nsummary: 急な用事のときに\nkeywords: [いちじあずかり]\n---\n本文です。\n";
    std::fs::write(dir.path().join("teate/ichiji.md"), page).unwrap();
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_swaps_in_a_good_bundle() {
    let server = util::start_with(|c| c.limits.workers = 1).await;
    let old_hash = server.state.current().bundle.content_hash.clone();
    let content = content_with_extra_page();
    util::build_bundle(content.path(), &server.bundle_dir());
    let loaded = server.state.reload().expect("reload");
    assert_ne!(loaded.bundle.content_hash, old_hash);
    let ready = server.get("/readyz").await;
    assert_eq!(ready.body, format!("ready {}\n", loaded.bundle.content_hash));
    let expected = loaded.bundle.messages_value(&loaded.bundle.postbacks["page:teate/ichiji"]);
    let with_image = &loaded.bundle.postbacks["page:kenshin/nyuuji-kenshin"];
    let with_image = loaded.bundle.messages_value(with_image).to_string();
    assert!(with_image.contains(&format!("{}/assets/hiroba.png", util::PUBLIC_URL)));
    assert!(!with_image.contains("oyako-asset:"), "asset URLs are rewritten on reload too");
    assert_eq!(
        server.post_events(vec![postback_event("tok-new", "page:teate/ichiji")]).await,
        StatusCode::OK
    );
    let reply = server.line.single_reply().await;
    assert_eq!(reply["messages"], expected);
    let metrics = server.metrics().await;
    assert_eq!(util::metric_value(&metrics, "oyako_bundle_reloads_total{result=\"ok\"}"), 1);
    assert!(metrics.contains(&format!("content_hash=\"{}\"", loaded.bundle.content_hash)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reload_keeps_the_old_bundle_when_the_new_one_is_broken() {
    let server = util::start().await;
    let old_hash = server.state.current().bundle.content_hash.clone();
    let manifest = server.bundle_dir().join("bundle.json");
    let original = std::fs::read_to_string(&manifest).unwrap();
    let broken = [
        "{".to_owned(),
        original.replacen(
            &format!("\"format_version\":{}", bundle::FORMAT_VERSION),
            "\"format_version\":999",
            1,
        ),
        original.replacen("\"page:teate/jidou-teate\"", "\"page:gone\"", 1),
    ];
    for (i, text) in broken.iter().enumerate() {
        assert_ne!(text, &original, "case {i} changes the manifest");
        std::fs::write(&manifest, text).unwrap();
        assert!(server.state.reload().is_err(), "case {i} is rejected");
        assert_eq!(server.state.current().bundle.content_hash, old_hash);
    }
    std::fs::write(&manifest, &original).unwrap();
    let replies = server.bundle_dir().join(bundle::REPLIES);
    let replies_bytes = std::fs::read(&replies).unwrap();
    std::fs::write(&replies, &replies_bytes[..replies_bytes.len() / 2]).unwrap();
    assert!(server.state.reload().is_err(), "a truncated replies file is rejected");
    std::fs::write(&replies, &replies_bytes).unwrap();
    std::fs::remove_file(server.bundle_dir().join("assets/hiroba.png")).unwrap();
    assert!(server.state.reload().is_err(), "a missing asset is rejected");
    assert_eq!(server.metric("oyako_bundle_reloads_total{result=\"error\"}").await, 5);
    // The old bundle still answers, assets included.
    assert_eq!(server.get("/assets/hiroba.png").await.status, StatusCode::OK);
    assert_eq!(server.post_events(vec![text_event("tok-still", "児童手当")]).await, StatusCode::OK);
    let reply = server.line.single_reply().await;
    let loaded = server.state.current();
    assert_eq!(
        reply["messages"],
        loaded.bundle.messages_value(&loaded.bundle.postbacks["page:teate/jidou-teate"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_delivers_queued_replies_first() {
    let server = util::start_with(|c| c.limits.workers = 1).await;
    let slow = Respond::slow(Duration::from_millis(300));
    server.line.respond([slow.clone(), slow.clone(), slow]);
    let events = vec![
        text_event("tok-s1", "児童手当"),
        text_event("tok-s2", "予防接種"),
        event("follow", Some("tok-s3"), json!({})),
    ];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    let state = server.state.clone();
    let line = server.line.clone();
    server.stop().await;
    assert_eq!(line.requests().len(), 3, "every queued reply was sent before serve returned");
    assert_eq!(state.metrics().replies.get("delivered"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn router_works_without_sockets() {
    let server = util::start().await;
    let req = Request::get("/healthz").body(Full::<Bytes>::default()).unwrap();
    let response = runtime::handle(&server.state, req).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.into_body().collect().await.unwrap().to_bytes(), "ok\n");
    let req = Request::post("/webhook").body(Full::new(Bytes::from("{}"))).unwrap();
    assert_eq!(runtime::handle(&server.state, req).await.status(), StatusCode::UNAUTHORIZED);
}
