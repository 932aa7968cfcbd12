//! Each event type gets the precomputed reply it should, byte for byte, or no reply at all.

use std::time::Duration;

use bundle::Blob;
use http::StatusCode;
use serde_json::{Value, json};

use crate::util::{self, Server, event, postback_event, text_event};

/// Posts one event, waits for the single Reply API call and checks it against `expected`.
async fn check_reply(server: &Server, event: Value, token: &str, expected: Value) {
    assert_eq!(server.post_events(vec![event]).await, StatusCode::OK);
    let requests = server.line.wait_for(1).await;
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v2/bot/message/reply");
    assert_eq!(request.headers["authorization"], format!("Bearer {}", util::ACCESS_TOKEN));
    assert_eq!(request.headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&request.body).expect("reply body is JSON");
    assert_eq!(body["replyToken"], token);
    assert_eq!(body["messages"], expected);
    assert_eq!(body.as_object().map(|o| o.len()), Some(2), "only replyToken and messages");
}

/// The messages array of a bundle reply, as the server should send it.
fn messages(server: &Server, pick: impl Fn(&bundle::Bundle) -> &Blob) -> Value {
    let loaded = server.state.current();
    loaded.bundle.messages_value(pick(&loaded.bundle))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_gets_the_welcome() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.special.follow);
    let follow = event("follow", Some("tok-follow"), json!({"follow": {"isUnblocked": false}}));
    check_reply(&server, follow, "tok-follow", expected).await;
    assert_eq!(server.wait_metric("oyako_replies_total{outcome=\"delivered\"}", 1).await, 1);
    assert_eq!(server.metric("oyako_events_total{type=\"follow\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_postback_gets_its_page() {
    let server = util::start().await;
    let data = "page:teate/jidou-teate";
    let expected = messages(&server, |b| &b.postbacks[data]);
    check_reply(&server, postback_event("tok-pb", data), "tok-pb", expected).await;
    assert_eq!(server.metric("oyako_taps_total{postback=\"page:teate/jidou-teate\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_postback_gets_the_unknown_reply() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.special.unknown_postback);
    check_reply(&server, postback_event("tok-old", "page:gone/away"), "tok-old", expected).await;
    assert_eq!(server.metric("oyako_taps_total{postback=\"unknown\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyword_text_gets_that_page() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.postbacks["page:kenshin/yobou-sesshu"]);
    // 「ワクチン」 normalises to the listed keyword 「わくちん」.
    check_reply(&server, text_event("tok-kw", "ワクチン！"), "tok-kw", expected).await;
    let series = "oyako_keyword_answers_total{postback=\"page:kenshin/yobou-sesshu\"}";
    assert_eq!(server.metric(series).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_text_gets_search_results() {
    let server = util::start().await;
    let text = "予防接種の受け方を知りたい";
    let expected = {
        let loaded = server.state.current();
        let bundle = &loaded.bundle;
        assert!(!bundle.keywords.contains_key(&bundle::search::normalize(text)));
        let hits = bundle.search.query(text, 5);
        assert!(!hits.is_empty(), "the fixture should find this");
        let mut out = Vec::new();
        bundle.write_search_messages(&hits, &mut out);
        serde_json::from_slice::<Value>(&out).expect("search messages")
    };
    check_reply(&server, text_event("tok-search", text), "tok-search", expected).await;
    assert_eq!(server.metric("oyako_searches_total{result=\"hit\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_with_no_hit_gets_the_fallback() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.special.fallback);
    check_reply(&server, text_event("tok-none", "宇宙旅行の予約"), "tok-none", expected).await;
    assert_eq!(server.metric("oyako_searches_total{result=\"no_hit\"}").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sticker_gets_the_unsupported_reply() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.special.unsupported_message);
    let sticker = event(
        "message",
        Some("tok-sticker"),
        json!({"message": {"type": "sticker", "id": "2", "packageId": "446", "stickerId": "1988",
            "stickerResourceType": "STATIC", "quoteToken": "q"}}),
    );
    check_reply(&server, sticker, "tok-sticker", expected).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_chats_are_answered() {
    let server = util::start().await;
    let expected = messages(&server, |b| &b.postbacks["page:teate/jidou-teate"]);
    let mut message = text_event("tok-group", "児童手当");
    message["source"] =
        json!({"type": "group", "groupId": "Ca56f94637cc4347f90a25382909b24b9", "userId": "U1"});
    check_reply(&server, message, "tok-group", expected).await;
    let mut room = text_event("tok-room", "児童手当");
    room["source"] = json!({"type": "room", "roomId": "Ra8dbf4673c4c812cd491258042226c99"});
    assert_eq!(server.post_events(vec![room]).await, StatusCode::OK);
    let requests = server.line.wait_for(2).await;
    assert_eq!(requests.len(), 2);
}

/// Events that must never be replied to, then one that must: with one worker, replies go out
/// in order, so if the first reply LINE sees is the sentinel's, none of the others was sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_events_are_counted_but_not_replied_to() {
    let server = util::start_with(|c| c.limits.workers = 1).await;
    let mut standby = text_event("tok-standby", "児童手当");
    standby["mode"] = json!("standby");
    let mut no_token = text_event("unused", "児童手当");
    no_token.as_object_mut().unwrap().remove("replyToken");
    let silent = vec![
        event("unfollow", None, json!({})),
        event("somethingFromTheFuture", Some("tok-future"), json!({"future": {"x": 1}})),
        event("leave", None, json!({})),
        standby,
        no_token,
        text_event("00000000000000000000000000000000", "児童手当"),
        text_event("ffffffffffffffffffffffffffffffff", "児童手当"),
        text_event("bad\"token", "児童手当"),
        postback_event("bad\\token", "page:teate/jidou-teate"),
    ];
    assert_eq!(server.post_events(silent).await, StatusCode::OK);
    let sentinel = event("follow", Some("tok-sentinel"), json!({"follow": {"isUnblocked": true}}));
    assert_eq!(server.post_events(vec![sentinel]).await, StatusCode::OK);
    let reply = server.line.single_reply().await;
    assert_eq!(reply["replyToken"], "tok-sentinel");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(server.line.requests().len(), 1);
    let metrics = server.metrics().await;
    for (series, n) in [
        ("oyako_events_total{type=\"unfollow\"}", 1),
        ("oyako_events_total{type=\"other\"}", 1),
        ("oyako_events_total{type=\"leave\"}", 1),
        ("oyako_events_total{type=\"message\"}", 5),
        ("oyako_events_skipped_total{reason=\"not_replied\"}", 3),
        ("oyako_events_skipped_total{reason=\"standby\"}", 1),
        ("oyako_events_skipped_total{reason=\"no_reply_token\"}", 1),
        ("oyako_events_skipped_total{reason=\"dummy_token\"}", 2),
        ("oyako_events_skipped_total{reason=\"bad_reply_token\"}", 2),
    ] {
        assert_eq!(util::metric_value(&metrics, series), n, "{series}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redelivered_events_are_replied_to_once() {
    let server = util::start_with(|c| c.limits.workers = 1).await;
    let first = text_event("tok-once", "児童手当");
    let mut again = first.clone();
    again["deliveryContext"] = json!({"isRedelivery": true});
    assert_eq!(server.post_events(vec![first.clone()]).await, StatusCode::OK);
    assert_eq!(server.post_events(vec![again]).await, StatusCode::OK);
    assert_eq!(server.post_events(vec![first]).await, StatusCode::OK);
    let sentinel = event("follow", Some("tok-after"), json!({}));
    assert_eq!(server.post_events(vec![sentinel]).await, StatusCode::OK);
    let requests = server.line.wait_for(2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let tokens: Vec<Value> = server
        .line
        .requests()
        .iter()
        .map(|r| serde_json::from_slice::<Value>(&r.body).unwrap()["replyToken"].clone())
        .collect();
    assert_eq!(requests.len(), 2);
    assert_eq!(tokens, [json!("tok-once"), json!("tok-after")]);
    assert_eq!(server.metric("oyako_events_skipped_total{reason=\"duplicate\"}").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn several_events_in_one_webhook_each_get_a_reply() {
    let server = util::start().await;
    let events = vec![
        text_event("tok-a", "児童手当"),
        postback_event("tok-b", "menu:"),
        event("follow", Some("tok-c"), json!({})),
    ];
    assert_eq!(server.post_events(events).await, StatusCode::OK);
    let requests = server.line.wait_for(3).await;
    let mut tokens: Vec<String> = requests
        .iter()
        .map(|r| {
            serde_json::from_slice::<Value>(&r.body).unwrap()["replyToken"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    tokens.sort();
    assert_eq!(tokens, ["tok-a", "tok-b", "tok-c"]);
}
