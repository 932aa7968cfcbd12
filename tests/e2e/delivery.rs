//! Reply delivery against a misbehaving LINE API: webhooks stay fast, transient failures are
//! retried within the token's lifetime, refusals are not, and nothing panics.

use std::time::{Duration, Instant};

use http::StatusCode;

use crate::fake_line::Respond;
use crate::util::{self, text_event};

const DELIVERED: &str = "oyako_replies_total{outcome=\"delivered\"}";
const RETRIES: &str = "oyako_reply_retries_total";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_api_does_not_slow_webhooks() {
    let server = util::start().await;
    server
        .line
        .respond([Respond::slow(Duration::from_secs(3)), Respond::slow(Duration::from_secs(3))]);
    let start = Instant::now();
    assert_eq!(
        server.post_events(vec![text_event("tok-slow-1", "児童手当")]).await,
        StatusCode::OK
    );
    server.line.wait_for(1).await;
    // The API is now sleeping on the first reply; a second webhook is still answered at once.
    let second = Instant::now();
    assert_eq!(
        server.post_events(vec![text_event("tok-slow-2", "児童手当")]).await,
        StatusCode::OK
    );
    let second = second.elapsed();
    assert!(second < Duration::from_secs(1), "webhook took {second:?} while the API sleeps 3 s");
    assert!(start.elapsed() < Duration::from_secs(2));
    assert_eq!(server.wait_metric(DELIVERED, 2).await, 2);
    assert!(start.elapsed() >= Duration::from_secs(3), "replies waited for the slow API");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_are_retried_and_delivered_once() {
    let server = util::start().await;
    server.line.respond([
        Respond::status(500, r#"{"message":"Internal error"}"#),
        Respond::status(503, "busy"),
    ]);
    assert_eq!(server.post_events(vec![text_event("tok-retry", "児童手当")]).await, StatusCode::OK);
    assert_eq!(server.wait_metric(DELIVERED, 1).await, 1);
    let requests = server.line.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(|r| r.body == requests[0].body), "retries resend the same bytes");
    assert_eq!(server.metric(RETRIES).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried() {
    let server = util::start().await;
    server.line.respond([Respond::Drop]);
    assert_eq!(server.post_events(vec![text_event("tok-drop", "児童手当")]).await, StatusCode::OK);
    assert_eq!(server.wait_metric(DELIVERED, 1).await, 1);
    assert_eq!(server.line.requests().len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_errors_are_counted_and_not_retried() {
    let server = util::start().await;
    server.line.respond([
        Respond::status(429, r#"{"message":"You have reached your monthly limit."}"#),
        Respond::status(400, r#"{"message":"Invalid reply token"}"#),
    ]);
    assert_eq!(server.post_events(vec![text_event("tok-429", "児童手当")]).await, StatusCode::OK);
    let rate_limited = "oyako_replies_total{outcome=\"rate_limited\"}";
    assert_eq!(server.wait_metric(rate_limited, 1).await, 1);
    assert_eq!(server.post_events(vec![text_event("tok-400", "児童手当")]).await, StatusCode::OK);
    assert_eq!(server.wait_metric("oyako_replies_total{outcome=\"rejected\"}", 1).await, 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(server.line.requests().len(), 2, "no retries after 4xx");
    assert_eq!(server.metric(RETRIES).await, 0);
    assert_eq!(server.metric(DELIVERED).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_api_gives_up_at_the_deadline() {
    let dead = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let server = util::start_with(|c| {
        c.api_base = format!("http://{dead}");
        c.reply.deadline = Duration::from_millis(800);
    })
    .await;
    assert_eq!(server.post_events(vec![text_event("tok-dead", "児童手当")]).await, StatusCode::OK);
    assert_eq!(server.wait_metric("oyako_replies_total{outcome=\"failed\"}", 1).await, 1);
    assert!(server.metric(RETRIES).await >= 1);
    assert_eq!(server.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(
        server.post_events(vec![text_event("tok-dead-2", "児童手当")]).await,
        StatusCode::OK
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_queue_drops_replies_but_answers_200() {
    let server = util::start_with(|c| {
        c.limits.workers = 1;
        c.limits.queue_capacity = 1;
    })
    .await;
    server.line.respond([Respond::slow(Duration::from_millis(800))]);
    assert_eq!(server.post_events(vec![text_event("tok-q1", "児童手当")]).await, StatusCode::OK);
    server.line.wait_for(1).await;
    let events = vec![text_event("tok-q2", "児童手当"), text_event("tok-q3", "児童手当")];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    assert_eq!(server.metric("oyako_replies_total{outcome=\"dropped\"}").await, 1);
    assert_eq!(server.wait_metric(DELIVERED, 2).await, 2);
}
