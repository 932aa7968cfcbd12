//! Build-time checks of every generated LINE message.
//!
//! LINE rejects a whole reply with `400` if any one of its messages is invalid, and nothing is sent
//! at all (<https://developers.line.biz/en/reference/messaging-api/#send-reply-message>). At run
//! time that means a parent taps a button and gets silence, and the cause is only in a log. So the
//! compiler checks every message it emits and reports problems to the staff who wrote the page,
//! before anything is deployed.
//!
//! Two complementary layers:
//! - in tests, the `openapi` crate validates against LINE's own OpenAPI spec
//!   (`messaging-api.yml`): field names, JSON types, required fields and enums, following
//!   `discriminator`s so that components nested in boxes are checked too;
//! - the checks here enforce the rules the spec does not encode (sizes, label lengths, URL
//!   schemes, value formats, which children a box layout allows), each a named constant of
//!   [`bundle::limits`] citing LINE's documentation, with messages in Japanese for city staff.

mod actions;
mod components;
mod containers;
mod messages;
mod values;

#[cfg(test)]
mod tests;

use serde_json::Value;

use values::Checker;

/// Stand-in for `{OYAKO_PUBLIC_URL}/assets/` while validating: a typical-length https host, so
/// the https and length rules are checked on what LINE will see.
pub const VALIDATION_ASSET_BASE: &str = "https://line.city-asahi.example.jp/assets/";

/// One broken rule, located by a JSON pointer inside the checked value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// RFC 6901 pointer relative to the value passed in (`""` is the value itself).
    pub pointer: String,
    /// What is wrong, in Japanese for city staff, with the actual and allowed values.
    pub message: String,
}

#[cfg(test)]
/// Checks one message object (any type, but Flex gets the deep checks).
///
/// Pointers are relative to the message (`/contents/body/contents/0`).
pub fn check_message(msg: &Value) -> Vec<Violation> {
    let mut ck = Checker::default();
    messages::check_message(&mut ck, msg, "");
    ck.out
}

/// Checks the `messages` array of a reply/push/broadcast request.
///
/// Pointers are relative to the array (`/0/altText`). Besides each message's own rules this
/// checks the count (1–5) and flags a quick reply on any message but the last, because LINE
/// silently ignores it there (<https://developers.line.biz/en/reference/messaging-api/#quick-reply>)
/// and staff would wonder where it went.
pub fn check_messages(msgs: &[Value]) -> Vec<Violation> {
    let mut ck = Checker::default();
    messages::check_messages(&mut ck, msgs);
    ck.out
}

#[cfg(test)]
/// Checks one Flex container (bubble or carousel) standalone.
///
/// Pointers are relative to the container (`/body/contents/0`).
pub fn check_container(c: &Value) -> Vec<Violation> {
    let mut ck = Checker::default();
    containers::check_container(&mut ck, c, "");
    ck.out
}

/// Deepest JSON nesting we walk. Not a LINE limit: a guard so that hostile input cannot
/// overflow the stack. It equals serde_json's own parser limit, so any value that came from
/// JSON text fits; a deeper value can only be built in code and is refused as a whole.
pub const MAX_JSON_DEPTH: usize = 128;
