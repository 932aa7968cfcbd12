//! Tests for the validate module: shared fixtures here, the limit rules in `tests/limits.rs`,
//! the OpenAPI validator against LINE's real spec in `tests/schema.rs`.

use serde_json::{Value, json};

mod limits;
mod schema;

/// A valid Flex message using most component kinds: hero image, nested vertical, baseline
/// and horizontal boxes, text with spans, icon, separator, filler, buttons and a quick reply.
fn valid_flex_message() -> Value {
    json!({
        "type": "flex",
        "altText": "保育園の一覧",
        "contents": {
            "type": "bubble",
            "size": "mega",
            "hero": {
                "type": "image", "url": "https://example.jp/a.png",
                "size": "full", "aspectRatio": "20:13", "aspectMode": "cover"
            },
            "body": {
                "type": "box", "layout": "vertical", "spacing": "md", "paddingAll": "12px",
                "contents": [
                    {"type": "text", "text": "保育園", "weight": "bold", "size": "xl",
                     "color": "#111111", "wrap": true},
                    {"type": "separator", "margin": "md"},
                    {"type": "box", "layout": "baseline", "contents": [
                        {"type": "icon", "url": "https://example.jp/i.png", "size": "sm"},
                        {"type": "text", "flex": 1, "contents": [
                            {"type": "span", "text": "住所", "weight": "bold"},
                            {"type": "span", "text": "：中央1-1"}
                        ]}
                    ]},
                    {"type": "box", "layout": "horizontal", "backgroundColor": "#FFFFFF80",
                     "cornerRadius": "8px", "contents": [{"type": "filler"}]}
                ]
            },
            "footer": {
                "type": "box", "layout": "vertical", "contents": [
                    {"type": "button", "style": "primary", "action": {
                        "type": "postback", "label": "詳しく見る", "data": "page=1",
                        "displayText": "詳しく"}},
                    {"type": "button", "action": {
                        "type": "uri", "label": "市のサイト", "uri": "https://www.city.example.jp/"}}
                ]
            }
        },
        "quickReply": {"items": [
            {"type": "action", "action": {"type": "message", "label": "メニュー", "text": "メニュー"}},
            {"type": "action", "imageUrl": "https://example.jp/q.png",
             "action": {"type": "postback", "label": "戻る", "data": "back"}}
        ]}
    })
}

/// `value` with the node at JSON `pointer` replaced, or added to its parent object.
fn with(mut value: Value, pointer: &str, new: Value) -> Value {
    if let Some(slot) = value.pointer_mut(pointer) {
        *slot = new;
        return value;
    }
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match value.pointer_mut(parent).and_then(Value::as_object_mut) {
        Some(obj) => obj.insert(key.to_owned(), new),
        None => panic!("fixture has no object at {parent}"),
    };
    value
}

/// `value` with the key at `pointer` removed; the parent must be an object.
fn without(mut value: Value, pointer: &str) -> Value {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    match value.pointer_mut(parent).and_then(Value::as_object_mut) {
        Some(obj) => assert!(obj.remove(key).is_some(), "fixture has no node at {pointer}"),
        None => panic!("fixture has no object at {parent}"),
    }
    value
}

/// Every JSON pointer in `value`, the root included.
fn all_pointers(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), value)];
    while let Some((ptr, v)) = stack.pop() {
        match v {
            Value::Object(map) => {
                stack.extend(map.iter().map(|(k, c)| (format!("{ptr}/{k}"), c)));
            }
            Value::Array(items) => {
                stack.extend(items.iter().enumerate().map(|(i, c)| (format!("{ptr}/{i}"), c)));
            }
            _ => {}
        }
        out.push(ptr);
    }
    out
}

/// Odd replacement values for fuzz-like tests: wrong types, empties, negatives.
fn odd_values() -> Vec<Value> {
    vec![
        Value::Null,
        json!(0),
        json!(-1),
        json!(1.5),
        json!(""),
        json!("x"),
        json!([]),
        json!([1, "a", null]),
        json!({}),
        json!({"type": 7}),
        json!(true),
    ]
}

/// A Flex box nested `levels` deep around a text.
fn nested_boxes(levels: usize) -> Value {
    let mut inner = json!({"type": "text", "text": "深い"});
    for _ in 0..levels {
        inner = json!({"type": "box", "layout": "vertical", "contents": [inner]});
    }
    inner
}
