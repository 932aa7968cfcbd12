//! Every kind of reply the server sends is a valid `ReplyMessageRequest` per LINE's OpenAPI
//! spec, with asset URLs pointing at the public URL.

use http::StatusCode;
use serde_json::{Value, json};

use crate::util::{self, event, postback_event, text_event};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reply_kind_matches_the_openapi_schema() {
    let server = util::start().await;
    let postbacks: Vec<String> = server.state.current().bundle.postbacks.keys().cloned().collect();
    let mut events = vec![
        event("follow", Some("tok-follow"), json!({})),
        postback_event("tok-unknown", "page:nowhere"),
        text_event("tok-keyword", "予防接種"),
        text_event("tok-search", "予防接種の受け方を知りたい"),
        text_event("tok-fallback", "宇宙旅行の予約"),
        event("message", Some("tok-image"), json!({"message": {"type": "image", "id": "3"}})),
    ];
    events.extend(
        postbacks.iter().enumerate().map(|(i, data)| postback_event(&format!("tok-pb-{i}"), data)),
    );
    let n = events.len();
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    let requests = server.line.wait_for(n).await;
    assert_eq!(requests.len(), n);
    let mut saw_image = false;
    for request in requests {
        let text = std::str::from_utf8(&request.body).expect("utf-8");
        assert!(!text.contains("oyako-asset:"), "asset URLs are rewritten: {text}");
        saw_image |= text.contains(&format!("{}/assets/hiroba.png", util::PUBLIC_URL));
        let value: Value = serde_json::from_str(text).expect("JSON");
        let errors = openapi::problems("ReplyMessageRequest", &value);
        assert!(errors.is_empty(), "{}: {errors:#?}", value["replyToken"]);
    }
    assert!(saw_image, "some reply shows the fixture image");
    // The validator does reject a broken request, so the empty error lists above mean something.
    let broken = json!({"replyToken": "x", "messages": [{"type": "flex", "altText": "a"}]});
    if let Some(api) = openapi::messaging_api() {
        assert!(!api.validate("ReplyMessageRequest", &broken).is_empty());
    }
}
