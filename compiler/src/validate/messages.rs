//! Message-level checks
//! (<https://developers.line.biz/en/reference/messaging-api/#message-objects>): the request's
//! message count, each message's type and own fields, quick replies and sender, then the Flex
//! container.

use serde_json::{Map, Value};

use super::actions::{Place, check_action};
use super::containers::{check_container, depth_ok};
use super::values::{Checker, at, index, not_allowed, too_long, utf16_len};
use bundle::limits::{
    MAX_ALT_TEXT_LEN, MAX_IMAGE_MESSAGE_URL_LEN, MAX_MESSAGES, MAX_QUICK_REPLY_IMAGE_URL_LEN,
    MAX_QUICK_REPLY_ITEMS, MAX_SENDER_ICON_URL_LEN, MAX_SENDER_NAME_LEN, MAX_TEXT_LEN,
    MESSAGE_TYPES, MIN_MESSAGES,
};

/// Checks a request's `messages` array; pointers start at the array.
pub(crate) fn check_messages(ck: &mut Checker, msgs: &[Value]) {
    let count = msgs.len();
    if !(MIN_MESSAGES..=MAX_MESSAGES).contains(&count) {
        let msg =
            format!("メッセージは{MIN_MESSAGES}〜{MAX_MESSAGES}件にしてください（{count}件）");
        ck.push("", msg);
    }
    let last = count.saturating_sub(1);
    for (i, msg) in msgs.iter().enumerate() {
        let ptr = index("", i);
        check_message(ck, msg, &ptr);
        let has_quick_reply = msg.get("quickReply").is_some_and(|q| !q.is_null());
        if i != last && has_quick_reply {
            let text = "クイックリプライは最後のメッセージにしか表示されません（LINEが無視します）";
            ck.push(&at(&ptr, "quickReply"), text);
        }
    }
}

/// Checks one message at `ptr`.
pub(crate) fn check_message(ck: &mut Checker, value: &Value, ptr: &str) {
    if !depth_ok(ck, value, ptr) {
        return;
    }
    let Some(obj) = ck.object(ptr, "メッセージ", value) else {
        return;
    };
    match ck.required_str(obj, ptr, "type", "メッセージ") {
        Some("flex") => check_flex(ck, obj, ptr),
        Some("text") => check_text(ck, obj, ptr),
        Some("image") => check_image(ck, obj, ptr),
        Some(ty) if !MESSAGE_TYPES.contains(&ty) => {
            ck.push(&at(ptr, "type"), not_allowed("メッセージの種類", ty, MESSAGE_TYPES));
        }
        // Other known types carry no rule we check beyond the schema.
        _ => {}
    }
    if let Some(quick_reply) = obj.get("quickReply").filter(|v| !v.is_null()) {
        check_quick_reply(ck, quick_reply, &at(ptr, "quickReply"));
    }
    if let Some(sender) = obj.get("sender").filter(|v| !v.is_null()) {
        check_sender(ck, sender, &at(ptr, "sender"));
    }
}

/// Flex: `altText` present, non-empty, ≤1500 UTF-16 units; then the container
/// (<https://developers.line.biz/en/reference/messaging-api/#flex-message>).
fn check_flex(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    let alt_ptr = at(ptr, "altText");
    match obj.get("altText") {
        None | Some(Value::Null) => {
            ck.push(&alt_ptr, "altText（通知やトーク一覧に表示される代替テキスト）がありません");
        }
        Some(Value::String(alt)) if alt.trim().is_empty() => ck.push(&alt_ptr, "altText が空です"),
        Some(Value::String(alt)) => {
            let len = utf16_len(alt);
            if len > MAX_ALT_TEXT_LEN {
                ck.push(&alt_ptr, too_long("altText ", MAX_ALT_TEXT_LEN, len));
            }
        }
        Some(other) => ck.wrong_type(&alt_ptr, "altText", "文字列", other),
    }
    match obj.get("contents") {
        None | Some(Value::Null) => {
            ck.push(&at(ptr, "contents"), "Flexメッセージに「contents」がありません")
        }
        Some(contents) => check_container(ck, contents, &at(ptr, "contents")),
    }
}

/// Text message: `text` present, non-empty, ≤5000 UTF-16 units
/// (<https://developers.line.biz/en/reference/messaging-api/#text-message>).
fn check_text(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    let Some(text) = ck.required_str(obj, ptr, "text", "テキストメッセージ") else {
        return;
    };
    let len = utf16_len(text);
    if text.is_empty() {
        ck.push(&at(ptr, "text"), "テキストメッセージの text が空です");
    } else if len > MAX_TEXT_LEN {
        ck.push(&at(ptr, "text"), too_long("テキストメッセージ", MAX_TEXT_LEN, len));
    }
}

/// Image message: both URLs HTTPS and ≤2000 characters
/// (<https://developers.line.biz/en/reference/messaging-api/#image-message>).
fn check_image(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    for key in ["originalContentUrl", "previewImageUrl"] {
        ck.required_str(obj, ptr, key, "画像メッセージ");
        let what = format!("画像メッセージの {key} ");
        ck.https_url(obj, ptr, key, &what, Some(MAX_IMAGE_MESSAGE_URL_LEN));
    }
}

/// Quick reply: ≤13 `{type:"action", imageUrl?, action}` items with quick-reply actions
/// (<https://developers.line.biz/en/reference/messaging-api/#quick-reply>).
fn check_quick_reply(ck: &mut Checker, value: &Value, ptr: &str) {
    let Some(obj) = ck.object(ptr, "quickReply", value) else {
        return;
    };
    let Some(items) = ck.array_field(obj, ptr, "items") else {
        if !obj.contains_key("items") {
            ck.push(&at(ptr, "items"), "クイックリプライに「items」がありません");
        }
        return;
    };
    let items_ptr = at(ptr, "items");
    if items.len() > MAX_QUICK_REPLY_ITEMS {
        let count = items.len();
        let msg =
            format!("クイックリプライのボタンは{MAX_QUICK_REPLY_ITEMS}個までです（{count}個）");
        ck.push(&items_ptr, msg);
    }
    for (i, item) in items.iter().enumerate() {
        check_quick_reply_item(ck, item, &index(&items_ptr, i));
    }
}

fn check_quick_reply_item(ck: &mut Checker, value: &Value, ptr: &str) {
    let Some(obj) = ck.object(ptr, "クイックリプライのボタン", value) else {
        return;
    };
    match ck.required_str(obj, ptr, "type", "クイックリプライのボタン") {
        Some("action") | None => {}
        Some(other) => {
            let msg =
                format!("クイックリプライのボタンの type は action にしてください（「{other}」）");
            ck.push(&at(ptr, "type"), msg);
        }
    }
    let what = "クイックリプライのアイコンのURL";
    ck.https_url(obj, ptr, "imageUrl", what, Some(MAX_QUICK_REPLY_IMAGE_URL_LEN));
    match obj.get("action").filter(|v| !v.is_null()) {
        Some(action) => {
            check_action(ck, action, &at(ptr, "action"), Place::QuickReply);
        }
        None => ck.push(&at(ptr, "action"), "クイックリプライのボタンに action がありません"),
    }
}

/// Sender: `name` ≤20, `iconUrl` HTTPS ≤2000
/// (<https://developers.line.biz/en/reference/messaging-api/#icon-nickname-switch>).
fn check_sender(ck: &mut Checker, value: &Value, ptr: &str) {
    let Some(obj) = ck.object(ptr, "sender", value) else {
        return;
    };
    if let Some(name) = ck.str_field(obj, ptr, "name") {
        let len = utf16_len(name);
        if len > MAX_SENDER_NAME_LEN {
            ck.push(&at(ptr, "name"), too_long("送信者名", MAX_SENDER_NAME_LEN, len));
        }
    }
    let what = "送信者アイコンのURL";
    ck.https_url(obj, ptr, "iconUrl", what, Some(MAX_SENDER_ICON_URL_LEN));
}
