//! The webhook request body (`CallbackRequest` in webhook.yml), parsed tolerantly.
//!
//! LINE adds event types, message types and fields without notice
//! (<https://developers.line.biz/en/docs/messaging-api/development-guidelines/#assume-non-breaking-changes>),
//! so only the fields oyako acts on are declared, every one is optional, and unknown fields are
//! ignored. Events are parsed one by one from raw JSON: an event of a shape we do not expect is
//! counted and skipped instead of failing the whole request (which would make LINE redeliver the
//! events we did understand). Only a body that is not a `CallbackRequest` at all is rejected.

use serde::Deserialize;
use serde_json::value::RawValue;

/// Why a signed body was not accepted.
#[derive(Debug, thiserror::Error)]
#[error("webhook body is not a valid callback request: {0}")]
pub struct BadJson(#[from] serde_json::Error);

/// One webhook event, or the reason it could not be read.
pub type ParsedEvent = Result<Event, serde_json::Error>;

/// A webhook event with the fields oyako uses.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// The event type (`message`, `follow`, …); anything else is kept as text.
    #[serde(rename = "type")]
    pub kind: String,
    /// `active` or `standby`; a standby channel must not reply.
    #[serde(default)]
    pub mode: Option<String>,
    /// When the event happened (Unix ms; unchanged on redelivery): orders survey answers.
    #[serde(default)]
    pub timestamp: Option<i64>,
    /// Unique per event, identical on redelivery: the dedupe key.
    #[serde(default)]
    pub webhook_event_id: Option<String>,
    /// Present on replyable events only.
    #[serde(default)]
    pub reply_token: Option<String>,
    /// Who sent the event (absent on some events).
    #[serde(default)]
    pub source: Option<Source>,
    /// The message of a `message` event.
    #[serde(default)]
    pub message: Option<Message>,
    /// The postback of a `postback` event.
    #[serde(default)]
    pub postback: Option<Postback>,
    /// The details of a `follow` event.
    #[serde(default)]
    pub follow: Option<Follow>,
}

/// The details of a `follow` event.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Follow {
    /// True when a friend unblocked the account, false for a new friend; LINE does not
    /// guarantee its accuracy
    /// (<https://developers.line.biz/en/reference/messaging-api/#follow-event>).
    #[serde(default)]
    pub is_unblocked: Option<bool>,
}

/// The chat an event came from.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// `user`, `group` or `room`.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The user, when LINE discloses one (never logged raw).
    #[serde(default)]
    pub user_id: Option<String>,
}

/// The message of a `message` event.
#[derive(Debug, Deserialize)]
pub struct Message {
    /// `text`, `sticker`, `image`, …
    #[serde(rename = "type")]
    pub kind: String,
    /// The text of a `text` message.
    #[serde(default)]
    pub text: Option<String>,
}

/// The postback of a `postback` event.
#[derive(Debug, Deserialize)]
pub struct Postback {
    /// The tapped action's `data`.
    pub data: String,
    /// What a date picker returned (`{"date": "2026-12-05"}`,
    /// <https://developers.line.biz/en/reference/messaging-api/#postback-params-object>).
    #[serde(default)]
    pub params: Option<std::collections::BTreeMap<String, serde_json::Value>>,
}

impl Postback {
    /// The date a `mode: date` picker returned, when it is text.
    pub fn date(&self) -> Option<&str> {
        self.params.as_ref()?.get("date")?.as_str()
    }
}

/// The top level, with events left raw so each is parsed on its own.
#[derive(Deserialize)]
struct Callback<'a> {
    #[serde(borrow)]
    events: Vec<&'a RawValue>,
}

/// The top level when every event has the expected shape (the usual case).
#[derive(Deserialize)]
struct WellFormed {
    events: Vec<Event>,
}

/// Event types oyako recognises for metrics; any other type is counted as `other`.
pub const KNOWN_TYPES: &[&str] = &[
    "message",
    "follow",
    "unfollow",
    "postback",
    "join",
    "leave",
    "memberJoined",
    "memberLeft",
    "unsend",
    "messageEdited",
    "videoPlayComplete",
    "beacon",
    "accountLink",
    "membership",
    "module",
    "activated",
    "deactivated",
    "botSuspended",
    "botResumed",
    "delivery",
];

/// Parses a (signature-checked) body into its events.
///
/// Every webhook goes through here, so the usual body — all events of the expected shape — is
/// read in one pass; only when that fails is the body read again with each event on its own,
/// which gives the same events, with the bad ones as errors.
pub fn parse(body: &[u8]) -> Result<Vec<ParsedEvent>, BadJson> {
    if let Ok(callback) = serde_json::from_slice::<WellFormed>(body) {
        return Ok(callback.events.into_iter().map(Ok).collect());
    }
    let callback: Callback<'_> = serde_json::from_slice(body)?;
    Ok(callback.events.into_iter().map(|raw| serde_json::from_str(raw.get())).collect())
}

impl Event {
    /// Whether the channel is in standby (another module channel answers; we stay silent).
    pub fn is_standby(&self) -> bool {
        self.mode.as_deref() == Some("standby")
    }

    /// Whether this is a `follow` that LINE marks as an unblock.
    pub fn is_unblock(&self) -> bool {
        self.kind == "follow" && self.follow.as_ref().and_then(|f| f.is_unblocked) == Some(true)
    }

    /// The event type as a bounded metrics label.
    pub fn type_label(&self) -> &'static str {
        KNOWN_TYPES.iter().find(|t| **t == self.kind).copied().unwrap_or("other")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_events_and_malformed_bodies() {
        let body = br#"{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}"#;
        assert!(parse(body).unwrap().is_empty());
        assert!(parse(b"{").is_err());
        assert!(parse(b"[]").is_err());
        assert!(parse(br#"{"destination":"U1"}"#).is_err());
        assert!(parse(br#"{"events":{}}"#).is_err());
    }

    #[test]
    fn events_are_parsed_one_by_one() {
        let body = r#"{"destination":"U1","events":[
            {"type":"message","mode":"active","timestamp":1,"webhookEventId":"01A",
             "deliveryContext":{"isRedelivery":false},"replyToken":"abc",
             "source":{"type":"group","groupId":"C1","userId":"U2"},
             "message":{"type":"text","id":"1","text":"予防接種","quoteToken":"q","emojis":[]},
             "futureField":{"x":1}},
            {"type":"message","message":"not an object"},
            {"type":"somethingNew","mode":"active"}
        ]}"#;
        let events = parse(body.as_bytes()).unwrap();
        assert_eq!(events.len(), 3);
        let first = events[0].as_ref().unwrap();
        assert_eq!(first.kind, "message");
        assert_eq!(first.reply_token.as_deref(), Some("abc"));
        assert_eq!(first.message.as_ref().unwrap().text.as_deref(), Some("予防接種"));
        assert_eq!(first.source.as_ref().unwrap().kind, "group");
        assert!(!first.is_standby());
        assert!(events[1].is_err());
        let new = events[2].as_ref().unwrap();
        assert_eq!(new.type_label(), "other");
    }

    #[test]
    fn the_one_pass_read_gives_what_the_event_by_event_read_gives() {
        let good = r#"{"destination":"U1","events":[
            {"type":"postback","webhookEventId":"01A","replyToken":"t1",
             "source":{"type":"user","userId":"U2"},"postback":{"data":"page:a","params":{}}},
            {"type":"follow","timestamp":5,"replyToken":"t2","follow":{"isUnblocked":true}}
        ]}"#;
        let events = parse(good.as_bytes()).unwrap();
        let raw: Callback<'_> = serde_json::from_str(good).unwrap();
        assert_eq!(events.len(), raw.events.len());
        for (event, raw) in events.iter().zip(&raw.events) {
            let alone: Event = serde_json::from_str(raw.get()).unwrap();
            assert_eq!(format!("{:?}", event.as_ref().unwrap()), format!("{alone:?}"));
        }
        // One bad event: the others are still read, the bad one is an error of its own.
        let mixed = good.replace(r#""postback":{"data":"page:a","params":{}}"#, r#""postback":7"#);
        let events = parse(mixed.as_bytes()).unwrap();
        assert!(events[0].is_err());
        assert_eq!(events[1].as_ref().unwrap().kind, "follow");
        // Not a callback at all: still rejected as a whole.
        assert!(parse(br#"{"events":[{"type":"message"}],"events":[]}"#).is_err());
    }

    #[test]
    fn follows_tell_unblocks_from_new_friends() {
        let body = r#"{"events":[
            {"type":"follow","follow":{"isUnblocked":true},"replyToken":"a"},
            {"type":"follow","follow":{"isUnblocked":false},"replyToken":"b"},
            {"type":"follow","replyToken":"c"},
            {"type":"follow","follow":{"isUnblocked":"yes"}},
            {"type":"message","follow":{"isUnblocked":true}}
        ]}"#;
        let events = parse(body.as_bytes()).unwrap();
        let unblock: Vec<Option<bool>> =
            events.iter().map(|e| e.as_ref().ok().map(Event::is_unblock)).collect();
        assert_eq!(unblock, [Some(true), Some(false), Some(false), None, Some(false)]);
    }
}
