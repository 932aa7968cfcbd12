//! The embedded fake LINE platform of `oyako dev`: it plays the parent's phone (turns a tap or
//! typed text into a real, signed webhook POSTed to the runtime) and LINE's Reply API (checks
//! the token and the messages like LINE does, and shows what the runtime sent).
//!
//! The simulator takes no shortcut around the runtime: every reply on screen went through
//! signature check, dispatch, the reply queue and an HTTP call, exactly as on LINE.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::Notify;

/// Longest a `/_sim/messages` request waits for something new.
pub const LONG_POLL: Duration = Duration::from_secs(20);

/// What the simulated parent does.
#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Adds the account as a friend.
    Follow,
    /// Blocks the account.
    Unfollow,
    /// Types and sends text.
    Message {
        /// The text.
        text: String,
    },
    /// Sends a sticker.
    Sticker,
    /// Taps a postback action (or picks a date in a datetimepicker).
    Postback {
        /// The postback data.
        data: String,
        /// Text shown in the chat as if typed, when the action has one.
        #[serde(default, rename = "displayText")]
        display_text: Option<String>,
        /// What a datetimepicker returns (`{"date": "2026-05-01"}`), as in LINE's
        /// postback event (<https://developers.line.biz/en/reference/messaging-api/#postback-params-object>).
        #[serde(default)]
        params: Option<BTreeMap<String, String>>,
    },
}

/// One entry of the chat: what the parent sent or what the runtime replied.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Item {
    /// Position in the chat, from 0.
    pub id: usize,
    /// `user`, `bot`, or `system` (a note from the fake platform, e.g. a refused reply).
    pub from: &'static str,
    /// LINE message objects.
    pub messages: Value,
    /// How a bot message came: `push` or `multicast` (not a reply), e.g. a timed message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<&'static str>,
}

#[derive(Default)]
struct Inner {
    log: Vec<Item>,
    /// Reply tokens handed out, and whether each was used.
    tokens: HashMap<String, bool>,
    /// Retry keys of accepted pushes and multicasts (a repeat gets 409, as on LINE).
    retry_keys: HashSet<String>,
    next_event: u64,
    /// The parent blocked the account (their next follow is an unblock).
    blocked: bool,
}

/// The fake platform's state.
pub struct Platform {
    /// Channel secret shared with the runtime (generated per run).
    pub secret: String,
    /// Channel access token shared with the runtime (generated per run).
    pub token: String,
    webhook_url: String,
    /// The runtime's plain-http loopback asset URL prefix: LINE requires https images, so
    /// for the limit check these are read as if served over https (only in `oyako dev`).
    asset_base: String,
    inner: Mutex<Inner>,
    changed: Notify,
    client: Client<HttpConnector, Full<Bytes>>,
}

/// A random hex string from the process's hash seed: good enough for throw-away local
/// credentials, and no extra crate.
pub fn random_hex(words: usize) -> String {
    (0..words).map(|i| format!("{:016x}", RandomState::new().hash_one(i))).collect()
}

impl Platform {
    /// A platform that sends webhooks to `webhook_url`; images under `asset_base` are the
    /// runtime's own assets.
    pub fn new(webhook_url: String, asset_base: String) -> Platform {
        Platform {
            secret: random_hex(2),
            token: random_hex(4),
            webhook_url,
            asset_base,
            inner: Mutex::new(Inner::default()),
            changed: Notify::new(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn push(&self, from: &'static str, messages: Value) {
        self.push_via(from, messages, None);
    }

    fn push_via(&self, from: &'static str, messages: Value, via: Option<&'static str>) {
        let mut inner = self.lock();
        let id = inner.log.len();
        inner.log.push(Item { id, from, messages, via });
        drop(inner);
        self.changed.notify_waiters();
    }

    /// Chat entries from `after` on, waiting up to [`LONG_POLL`] when there are none yet.
    pub async fn items_after(&self, after: usize) -> Vec<Item> {
        let wait = self.changed.notified();
        let now: Vec<Item> = self.lock().log.iter().skip(after).cloned().collect();
        if !now.is_empty() {
            return now;
        }
        let _ = tokio::time::timeout(LONG_POLL, wait).await;
        self.lock().log.iter().skip(after).cloned().collect()
    }

    /// Sends `action` to the runtime as a signed webhook; returns the HTTP status it answered.
    pub async fn send(&self, action: &Action) -> Result<u16, String> {
        let (event, shown) = self.event(action);
        if let Some(shown) = shown {
            self.push("user", shown);
        }
        let body =
            json!({ "destination": format!("U{}", "d".repeat(32)), "events": [event] }).to_string();
        let signature = runtime::sign(self.secret.as_bytes(), body.as_bytes());
        let req = http::Request::post(&self.webhook_url)
            .header("content-type", "application/json; charset=utf-8")
            .header("x-line-signature", signature)
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| e.to_string())?;
        let res = self
            .client
            .request(req)
            .await
            .map_err(|e| format!("the runtime did not answer: {e}"))?;
        Ok(res.status().as_u16())
    }

    /// The webhook event for `action`, and what the chat shows on the parent's side.
    fn event(&self, action: &Action) -> (Value, Option<Value>) {
        let mut inner = self.lock();
        inner.next_event += 1;
        let n = inner.next_event;
        let reply_token = random_hex(2);
        let replyable = !matches!(action, Action::Unfollow);
        if replyable {
            inner.tokens.insert(reply_token.clone(), false);
        }
        drop(inner);
        let ms = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
        let mut event = json!({
            "mode": "active",
            "timestamp": ms,
            "source": { "type": "user", "userId": user_id() },
            "webhookEventId": format!("01DEV{ms:013}{n:08}"),
            "deliveryContext": { "isRedelivery": false },
        });
        if replyable {
            event["replyToken"] = json!(reply_token);
        }
        let text = |t: &str| Some(json!([{ "type": "text", "text": t }]));
        let shown = match action {
            Action::Follow => {
                // Like LINE: a follow after a block is an unblock.
                let unblocked = std::mem::take(&mut self.lock().blocked);
                event["type"] = json!("follow");
                event["follow"] = json!({ "isUnblocked": unblocked });
                None
            }
            Action::Unfollow => {
                self.lock().blocked = true;
                event["type"] = json!("unfollow");
                None
            }
            Action::Message { text: t } => {
                event["type"] = json!("message");
                event["message"] = json!({ "type": "text", "id": format!("{n}"), "text": t, "quoteToken": random_hex(2) });
                text(t)
            }
            Action::Sticker => {
                event["type"] = json!("message");
                event["message"] = json!({
                    "type": "sticker", "id": format!("{n}"), "packageId": "446", "stickerId": "1988",
                    "stickerResourceType": "STATIC", "quoteToken": random_hex(2),
                });
                Some(json!([{ "type": "sticker", "packageId": "446", "stickerId": "1988" }]))
            }
            Action::Postback { data, display_text, params } => {
                event["type"] = json!("postback");
                event["postback"] = json!({ "data": data });
                if let Some(params) = params {
                    event["postback"]["params"] = json!(params);
                }
                display_text.as_deref().and_then(text)
            }
        };
        (event, shown)
    }

    fn unauthorized(&self, authorization: Option<&str>) -> Option<(u16, Value)> {
        (authorization != Some(&format!("Bearer {}", self.token))).then(|| {
            (
                401,
                json!({ "message": "Authentication failed due to the following reason: invalid token." }),
            )
        })
    }

    /// The messages as LINE would check them; a refusal is shown in the chat and answered 400.
    fn refuse_invalid(&self, messages: &[Value], what: &str) -> Option<(u16, Value)> {
        let as_served = serde_json::to_string(messages)
            .unwrap_or_default()
            .replace(&self.asset_base, "https://oyako-dev.invalid/assets/");
        let served: Vec<Value> = serde_json::from_str(&as_served).unwrap_or_default();
        let problems = compiler::check_messages(&served);
        if problems.is_empty() {
            return None;
        }
        let shown: Vec<String> =
            problems.iter().map(|p| format!("{}: {}", p.pointer, p.message)).collect();
        let note = format!("LINE はこの{what}を受け付けません（400）:\n{}", shown.join("\n"));
        self.push("system", json!([{ "type": "text", "text": note }]));
        let details: Vec<Value> = problems
            .iter()
            .map(|p| json!({ "message": p.message, "property": p.pointer }))
            .collect();
        Some((
            400,
            json!({ "message": "A message in the request body is invalid", "details": details }),
        ))
    }

    /// LINE's push and multicast APIs (`multicast` true): the token, the retry key (a repeat
    /// is answered 409) and the messages are checked like LINE does; what is sent to the
    /// simulated parent appears in the chat as a message that was not a reply. Other
    /// recipients are accepted and dropped, as LINE does for users who are not friends.
    pub fn send_messages(
        &self,
        authorization: Option<&str>,
        retry_key: Option<&str>,
        body: &[u8],
        multicast: bool,
    ) -> (u16, Value) {
        if let Some(refusal) = self.unauthorized(authorization) {
            return refusal;
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum To {
            One(String),
            Many(Vec<String>),
        }
        #[derive(Deserialize)]
        struct SendRequest {
            to: To,
            messages: Vec<Value>,
        }
        let invalid = |m: &str| (400, json!({ "message": m }));
        let Ok(req) = serde_json::from_slice::<SendRequest>(body) else {
            return invalid("The request body has 1 error(s)");
        };
        let to = match (req.to, multicast) {
            (To::One(one), false) => vec![one],
            (To::Many(many), true)
                if (1..=bundle::limits::MAX_MULTICAST_RECIPIENTS).contains(&many.len()) =>
            {
                many
            }
            _ => return invalid("The property, 'to', in the request body is invalid"),
        };
        if req.messages.is_empty() || req.messages.len() > 5 {
            return invalid("The property, 'messages', in the request body is invalid");
        }
        if let Some(refusal) = self.refuse_invalid(&req.messages, "配信") {
            return refusal;
        }
        if let Some(key) = retry_key
            && !self.lock().retry_keys.insert(key.to_string())
        {
            return (409, json!({ "message": "The retry key is already accepted" }));
        }
        let count = req.messages.len();
        if to.iter().any(|u| *u == user_id()) {
            let via = if multicast { "multicast" } else { "push" };
            self.push_via("bot", Value::Array(req.messages), Some(via));
        }
        match multicast {
            true => (200, json!({})),
            false => {
                let sent: Vec<Value> =
                    (0..count).map(|i| json!({ "id": format!("{i}") })).collect();
                (200, json!({ "sentMessages": sent }))
            }
        }
    }

    /// LINE's Reply API: `(status, JSON body)` for a `POST /v2/bot/message/reply`.
    pub fn reply(&self, authorization: Option<&str>, body: &[u8]) -> (u16, Value) {
        if let Some(refusal) = self.unauthorized(authorization) {
            return refusal;
        }
        #[derive(Deserialize)]
        struct ReplyRequest {
            #[serde(rename = "replyToken")]
            reply_token: String,
            messages: Vec<Value>,
        }
        let Ok(req) = serde_json::from_slice::<ReplyRequest>(body) else {
            return (400, json!({ "message": "The request body has 1 error(s)" }));
        };
        if let Some(refusal) = self.refuse_invalid(&req.messages, "返信") {
            return refusal;
        }
        let mut inner = self.lock();
        match inner.tokens.get_mut(&req.reply_token) {
            Some(used @ false) => *used = true,
            _ => return (400, json!({ "message": "Invalid reply token" })),
        }
        drop(inner);
        let count = req.messages.len();
        self.push("bot", Value::Array(req.messages));
        let sent: Vec<Value> = (0..count).map(|i| json!({ "id": format!("{i}") })).collect();
        (200, json!({ "sentMessages": sent }))
    }
}

/// The simulated parent's LINE user ID.
pub fn user_id() -> String {
    format!("U{}", "0123456789abcdef".repeat(2))
}

/// Reads a whole request body (simulator requests are small and local).
pub async fn read_body(body: hyper::body::Incoming) -> Bytes {
    body.collect().await.map(|b| b.to_bytes()).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn platform() -> Platform {
        Platform::new("http://127.0.0.1:9/webhook".into(), "http://127.0.0.1:9/assets/".into())
    }

    fn reply_body(token: &str, messages: Value) -> Vec<u8> {
        json!({ "replyToken": token, "messages": messages }).to_string().into_bytes()
    }

    #[test]
    fn reply_api_checks_token_reply_token_and_messages_like_line() {
        let p = platform();
        let (event, _) = p.event(&Action::Follow);
        let token = event["replyToken"].as_str().unwrap().to_string();
        let auth = format!("Bearer {}", p.token);
        let text = json!([{ "type": "text", "text": "こんにちは" }]);
        assert_eq!(p.reply(Some("Bearer wrong"), &reply_body(&token, text.clone())).0, 401);
        assert_eq!(p.reply(Some(&auth), &reply_body("unknown", text.clone())).0, 400);
        let image = json!([{ "type": "flex", "altText": "a", "contents": { "type": "bubble",
            "hero": { "type": "image", "url": "http://127.0.0.1:9/assets/a.png" } } }]);
        assert_eq!(
            p.reply(Some(&auth), &reply_body(&token, image)).0,
            200,
            "loopback assets pass in dev"
        );
        let (status, body) = p.reply(Some(&auth), &reply_body(&token, text));
        assert_eq!((status, body["message"].as_str()), (400, Some("Invalid reply token")));
    }

    #[test]
    fn invalid_messages_are_refused_and_shown() {
        let p = platform();
        let (event, _) = p.event(&Action::Message { text: "x".into() });
        let token = event["replyToken"].as_str().unwrap().to_string();
        let auth = format!("Bearer {}", p.token);
        let bad = json!([{ "type": "flex", "altText": "", "contents": { "type": "bubble" } }]);
        assert_eq!(p.reply(Some(&auth), &reply_body(&token, bad)).0, 400);
        let log = &p.lock().log;
        assert_eq!(log.last().map(|i| i.from), Some("system"));
        assert_eq!(event["message"]["text"], "x");
    }

    #[test]
    fn push_and_multicast_show_the_parents_messages_once_per_retry_key() {
        let p = platform();
        let auth = format!("Bearer {}", p.token);
        let text = json!([{ "type": "text", "text": "4か月児健診のご案内" }]);
        let push = json!({ "to": user_id(), "messages": text }).to_string();
        assert_eq!(p.send_messages(Some("Bearer x"), None, push.as_bytes(), false).0, 401);
        assert_eq!(p.send_messages(Some(&auth), Some("k1"), push.as_bytes(), false).0, 200);
        assert_eq!(p.send_messages(Some(&auth), Some("k1"), push.as_bytes(), false).0, 409);
        let others = json!({ "to": ["Uother", user_id()], "messages": text }).to_string();
        assert_eq!(p.send_messages(Some(&auth), Some("k2"), others.as_bytes(), true).0, 200);
        assert_eq!(p.send_messages(Some(&auth), None, others.as_bytes(), false).0, 400);
        let nobody = json!({ "to": ["Uother"], "messages": text }).to_string();
        assert_eq!(p.send_messages(Some(&auth), Some("k3"), nobody.as_bytes(), true).0, 200);
        let bad = json!({ "to": user_id(), "messages": [{ "type": "flex", "altText": "" }] });
        let bad = bad.to_string();
        assert_eq!(p.send_messages(Some(&auth), Some("k4"), bad.as_bytes(), false).0, 400);
        let log = &p.lock().log;
        let shown: Vec<(&str, Option<&str>)> = log.iter().map(|i| (i.from, i.via)).collect();
        assert_eq!(
            shown,
            vec![("bot", Some("push")), ("bot", Some("multicast")), ("system", None)]
        );
    }

    #[test]
    fn a_picked_date_goes_into_the_postback_params() {
        let params = BTreeMap::from([("date".to_string(), "2026-05-01".to_string())]);
        let action = Action::Postback {
            data: "timed:add:birth".into(),
            display_text: None,
            params: Some(params),
        };
        let (event, shown) = platform().event(&action);
        assert_eq!(event["postback"]["params"]["date"], "2026-05-01");
        assert_eq!(event["source"]["userId"], user_id());
        assert!(shown.is_none());
    }

    #[test]
    fn a_follow_after_a_block_is_an_unblock() {
        let p = platform();
        assert_eq!(p.event(&Action::Follow).0["follow"]["isUnblocked"], false);
        p.event(&Action::Unfollow);
        assert_eq!(p.event(&Action::Follow).0["follow"]["isUnblocked"], true);
        assert_eq!(p.event(&Action::Follow).0["follow"]["isUnblocked"], false);
    }

    #[test]
    fn unfollow_carries_no_reply_token() {
        let (event, shown) = platform().event(&Action::Unfollow);
        assert!(event.get("replyToken").is_none());
        assert!(shown.is_none());
        assert_eq!(event["type"], "unfollow");
    }
}
