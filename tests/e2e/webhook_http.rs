//! Webhook HTTP handling: nothing unsigned or malformed gets past the router.

use http::StatusCode;
use serde_json::json;

use crate::util::{self, callback, text_event};

/// LINE's "Verify" request: signed, no events.
const VERIFY_BODY: &str = r#"{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verification_request_is_answered_without_api_calls() {
    let server = util::start().await;
    assert_eq!(server.post_signed(VERIFY_BODY).await, StatusCode::OK);
    assert_eq!(server.post_signed(r#"{"events":[]}"#).await, StatusCode::OK);
    assert_eq!(server.metric("oyako_webhooks_total{code=\"200\"}").await, 2);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert!(server.line.requests().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_are_refused_and_nothing_happens() {
    let server = util::start().await;
    let body = callback(vec![text_event("tok-sig", "予防接種")]);
    let good = runtime::sign(util::SECRET.as_bytes(), body.as_bytes());
    let modified = body.replace("予防接種", "児童手当");
    let other_secret = runtime::sign(b"another-secret", body.as_bytes());
    assert_eq!(server.post_webhook(&body, None).await, StatusCode::UNAUTHORIZED);
    assert_eq!(server.post_webhook(&body, Some("")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(server.post_webhook(&body, Some("bm90IGl0")).await, StatusCode::UNAUTHORIZED);
    assert_eq!(server.post_webhook(&body, Some(&other_secret)).await, StatusCode::UNAUTHORIZED);
    assert_eq!(server.post_webhook(&modified, Some(&good)).await, StatusCode::UNAUTHORIZED);
    let metrics = server.metrics().await;
    assert_eq!(util::metric_value(&metrics, "oyako_webhooks_total{code=\"401\"}"), 5);
    assert!(!metrics.contains("oyako_events_total{"), "no event was even counted");
    // The same body, correctly signed, is accepted and answered exactly once.
    assert_eq!(server.post_webhook(&body, Some(&good)).await, StatusCode::OK);
    let reply = server.line.single_reply().await;
    assert_eq!(reply["replyToken"], "tok-sig");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_signature_vector_is_accepted() {
    // LINE's own example secret, body and signature:
    // https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature/
    let server = util::start_with(|c| {
        c.channel_secret = runtime::Secret::new("8c570fa6dd201bb328f1c1eac23a96d8");
    })
    .await;
    let signature = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=";
    assert_eq!(server.post_webhook(VERIFY_BODY, Some(signature)).await, StatusCode::OK);
    let tampered = VERIFY_BODY.replace("U8e7", "U9e7");
    assert_eq!(server.post_webhook(&tampered, Some(signature)).await, StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_json_is_a_bad_request() {
    let server = util::start().await;
    for body in ["{", "[]", "null", r#"{"destination":"U1"}"#, r#"{"events":"none"}"#, ""] {
        assert_eq!(server.post_signed(body).await, StatusCode::BAD_REQUEST, "{body:?}");
    }
    assert_eq!(server.metric("oyako_webhooks_total{code=\"400\"}").await, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_body_is_refused() {
    let server = util::start().await;
    let filler = "x".repeat(1024 * 1024);
    let body = json!({"events": [], "padding": filler}).to_string();
    assert!(body.len() > 1024 * 1024);
    assert_eq!(server.post_signed(&body).await, StatusCode::PAYLOAD_TOO_LARGE);
    // Just under the limit is fine.
    let small = json!({"events": [], "padding": "x".repeat(1024 * 1000)}).to_string();
    assert_eq!(server.post_signed(&small).await, StatusCode::OK);
    assert_eq!(server.metric("oyako_webhooks_total{code=\"413\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn odd_events_do_not_spoil_the_batch() {
    let server = util::start().await;
    let body = callback(vec![
        json!({"type": "message", "message": "not an object"}),
        text_event("tok-ok", "児童手当"),
    ]);
    assert_eq!(server.post_signed(&body).await, StatusCode::OK);
    let reply = server.line.single_reply().await;
    assert_eq!(reply["replyToken"], "tok-ok");
    assert_eq!(server.metric("oyako_events_total{type=\"invalid\"}").await, 1);
}

/// Sends raw HTTP/1.1 bytes and returns the status line of the answer.
async fn raw_exchange(server: &util::Server, head: &str, body_parts: &[&[u8]]) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(server.addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write head");
    for part in body_parts {
        // A peer that stops sending gets a timeout instead; errors here mean it was cut off.
        if stream.write_all(part).await.is_err() {
            break;
        }
    }
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(std::time::Duration::from_secs(10), stream.read(&mut buf)).await
        {
            Ok(Ok(n)) if n > 0 => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            _ => break,
        }
    }
    let text = String::from_utf8_lossy(&answer).into_owned();
    text.lines().next().unwrap_or_default().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_chunked_body_is_refused() {
    let server = util::start().await;
    let head = "POST /webhook HTTP/1.1\r\nhost: test\r\nx-line-signature: AAAA\r\n\
                transfer-encoding: chunked\r\n\r\n";
    let chunk = vec![b'x'; 512 * 1024];
    let framed = [format!("{:x}\r\n", chunk.len()).into_bytes(), chunk, b"\r\n".to_vec()].concat();
    let parts: Vec<&[u8]> = vec![&framed, &framed, &framed];
    let status = raw_exchange(&server, head, &parts).await;
    assert_eq!(status, "HTTP/1.1 413 Payload Too Large");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_never_arrives_times_out() {
    let server =
        util::start_with(|c| c.limits.body_timeout = std::time::Duration::from_millis(300)).await;
    let head = "POST /webhook HTTP/1.1\r\nhost: test\r\nx-line-signature: AAAA\r\n\
                content-length: 100\r\n\r\n{\"events\":";
    let status = raw_exchange(&server, head, &[]).await;
    assert_eq!(status, "HTTP/1.1 408 Request Timeout");
    assert_eq!(server.metric("oyako_webhooks_total{code=\"408\"}").await, 1);
}
