//! The quick reply every reply of a section ends with, prepared once per section.
//!
//! A section's replies all carry the same quick reply (up to 13 buttons). Copying it into
//! each reply's message tree, checking it against LINE's limits, walking it for taps and
//! dropping it again cost a large share of a 10,000-page build. When the quick reply passes
//! the checks on its own, a reply is checked without it (it would add no violation) and it
//! is written straight into the reply's JSON, in the place `serde_json` would put it, so the
//! bytes are those of the copied tree.

use std::collections::BTreeMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;
use serde_json::{Map, Value, json};

use super::reach::postbacks;
use crate::content::Site;
use crate::lookup;
use crate::validate;

/// The key of a message's quick reply.
const KEY: &str = "quickReply";

/// One section's quick reply.
pub struct QuickReply {
    /// As a tree, for replies checked the slow way.
    pub value: Value,
    /// Serialised.
    raw: Box<RawValue>,
    /// Its postback data, for the three-tap rule.
    pub taps: Vec<String>,
    /// It passes LINE's checks on its own (in a one-message reply).
    pub clean: bool,
}

/// Quick replies by section path.
pub type QuickReplies = BTreeMap<String, QuickReply>;

/// Every section's quick reply.
pub fn all(site: &Site) -> QuickReplies {
    site.sections.keys().map(|k| (k.clone(), prepare(lookup::quick_reply(site, k)))).collect()
}

fn prepare(value: Value) -> QuickReply {
    let alone = json!({ "type": "text", "text": "x", KEY: value });
    let clean = validate::check_messages(std::slice::from_ref(&alone)).is_empty();
    let raw = serde_json::value::to_raw_value(&value).unwrap_or_else(|_| null());
    QuickReply { taps: postbacks(&value), value, raw, clean }
}

fn null() -> Box<RawValue> {
    RawValue::from_string("null".into()).unwrap_or_default()
}

/// Whether `messages` would get `qr` spliced into their last message (it is an object with no
/// quick reply of its own) and it can be left out of the checks.
pub fn splices(messages: &[Value], qr: &QuickReply) -> bool {
    qr.clean && matches!(messages.last(), Some(Value::Object(m)) if !m.contains_key(KEY))
}

/// `messages` as JSON with `qr` in the last message, byte for byte what inserting it into the
/// tree and serialising would give (keys in `serde_json`'s sorted order).
pub fn to_vec(messages: &[Value], qr: &QuickReply) -> Vec<u8> {
    serde_json::to_vec(&WithQuickReply { messages, qr: &qr.raw }).unwrap_or_default()
}

struct WithQuickReply<'a> {
    messages: &'a [Value],
    qr: &'a RawValue,
}

impl Serialize for WithQuickReply<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.messages.len()))?;
        let last = self.messages.len().saturating_sub(1);
        for (i, m) in self.messages.iter().enumerate() {
            match m {
                Value::Object(map) if i == last => {
                    seq.serialize_element(&Last { map, qr: self.qr })?
                }
                other => seq.serialize_element(other)?,
            }
        }
        seq.end()
    }
}

struct Last<'a> {
    map: &'a Map<String, Value>,
    qr: &'a RawValue,
}

impl Serialize for Last<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.map.len() + 1))?;
        let mut pending = true;
        for (k, v) in self.map {
            if pending && k.as_str() > KEY {
                map.serialize_entry(KEY, self.qr)?;
                pending = false;
            }
            map.serialize_entry(k, v)?;
        }
        if pending {
            map.serialize_entry(KEY, self.qr)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn menu() -> QuickReply {
        prepare(json!({ "items": [{ "type": "action", "action": {
            "type": "postback", "label": "メニュー", "data": "menu:", "displayText": "メニュー" } }] }))
    }

    #[test]
    fn spliced_json_is_the_copied_tree() {
        let qr = menu();
        assert!(qr.clean);
        assert_eq!(qr.taps, ["menu:"]);
        for messages in [
            vec![json!({ "type": "text", "text": "a" })],
            vec![json!({ "type": "text", "text": "a" }), json!({ "altText": "b", "type": "flex" })],
            vec![json!({ "a": 1 })],
            vec![json!({ "zz": 1 })],
            vec![json!({})],
        ] {
            assert!(splices(&messages, &qr));
            let mut copied = messages.clone();
            if let Some(Value::Object(last)) = copied.last_mut() {
                last.insert(KEY.into(), qr.value.clone());
            }
            assert_eq!(
                String::from_utf8(to_vec(&messages, &qr)).unwrap(),
                serde_json::to_string(&copied).unwrap()
            );
        }
    }

    #[test]
    fn a_quick_reply_with_a_problem_is_checked_in_every_reply() {
        let items: Vec<Value> = (0..14)
            .map(|i| {
                json!({ "type": "action", "action": {
                "type": "postback", "label": format!("l{i}"), "data": format!("menu:{i}") } })
            })
            .collect();
        let qr = prepare(json!({ "items": items }));
        assert!(!qr.clean);
        assert!(!splices(&[json!({ "type": "text", "text": "a" })], &qr));
    }

    #[test]
    fn a_message_with_its_own_quick_reply_keeps_it() {
        let qr = menu();
        assert!(qr.clean);
        let own = json!({ "type": "text", "text": "a", KEY: { "items": [] } });
        assert!(!splices(&[own], &qr));
        assert!(!splices(&[json!("text")], &qr));
        assert!(!splices(&[], &qr));
    }
}
