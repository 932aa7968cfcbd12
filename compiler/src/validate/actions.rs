//! Checks for action objects
//! (<https://developers.line.biz/en/reference/messaging-api/#action-objects>): which types are
//! usable where, label rules, and each type's field limits. The same action shape is checked with
//! different label rules depending on where it sits, so callers say where with [`Place`].

use serde_json::{Map, Value};

use super::values::{
    Checker, at, grapheme_len, is_percent_encoded, not_allowed, scheme, too_long, utf16_len,
};
use bundle::limits::{
    DATETIME_MODES, FLEX_ACTION_TYPES, INPUT_OPTIONS, MAX_CLIPBOARD_TEXT_LEN,
    MAX_DATETIME_DATA_LEN, MAX_DISPLAY_TEXT_LEN, MAX_FILL_IN_TEXT_LEN, MAX_FLEX_LABEL_LEN,
    MAX_MESSAGE_ACTION_TEXT_LEN, MAX_POSTBACK_DATA_LEN, MAX_POSTBACK_TEXT_LEN,
    MAX_QUICK_REPLY_LABEL_LEN, MAX_URI_LEN, QUICK_REPLY_ACTION_TYPES, URI_SCHEMES,
};

/// Where an action sits; decides the allowed types and the label rule
/// (<https://developers.line.biz/en/reference/messaging-api/#action-objects>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// A Flex button: label required, at most 40.
    FlexButton,
    /// Any other Flex component or a bubble: label optional (not shown), at most 40.
    FlexOther,
    /// A quick-reply button: label required, at most 20.
    QuickReply,
}

impl Place {
    fn allowed_types(self) -> &'static [&'static str] {
        match self {
            Place::FlexButton | Place::FlexOther => FLEX_ACTION_TYPES,
            Place::QuickReply => QUICK_REPLY_ACTION_TYPES,
        }
    }

    /// Japanese name of the label's owner, used in messages ("ボタンのラベル").
    fn label_owner(self) -> &'static str {
        match self {
            Place::FlexButton => "ボタン",
            Place::FlexOther => "アクション",
            Place::QuickReply => "クイックリプライ",
        }
    }

    fn label_limit(self) -> usize {
        match self {
            Place::FlexButton | Place::FlexOther => MAX_FLEX_LABEL_LEN,
            Place::QuickReply => MAX_QUICK_REPLY_LABEL_LEN,
        }
    }
}

/// Checks one action object found at `pointer`; returns its `type` when it is a string.
pub(crate) fn check_action<'a>(
    ck: &mut Checker,
    value: &'a Value,
    pointer: &str,
    place: Place,
) -> Option<&'a str> {
    let obj = ck.object(pointer, "アクション", value)?;
    check_label(ck, obj, pointer, place);
    let ty = ck.required_str(obj, pointer, "type", "アクション")?;
    if !place.allowed_types().contains(&ty) {
        let what = "アクションの種類";
        ck.push(&at(pointer, "type"), not_allowed(what, ty, place.allowed_types()));
        return Some(ty);
    }
    match ty {
        "postback" => check_postback(ck, obj, pointer),
        "message" => check_message_action(ck, obj, pointer),
        "uri" => check_uri_action(ck, obj, pointer),
        "datetimepicker" => check_datetimepicker(ck, obj, pointer),
        "clipboard" => check_clipboard(ck, obj, pointer),
        // camera, cameraRoll and location carry nothing but the label.
        _ => {}
    }
    Some(ty)
}

/// Label rule; counted in grapheme clusters, approximated by `char`s (see `grapheme_len`).
fn check_label(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str, place: Place) {
    let owner = place.label_owner();
    let label = ck.str_field(obj, pointer, "label");
    let required = place != Place::FlexOther;
    match label {
        None if required && matches!(obj.get("label"), None | Some(Value::Null)) => {
            ck.push(&at(pointer, "label"), format!("{owner}のラベル（label）がありません"));
        }
        Some("") if required => ck.push(&at(pointer, "label"), format!("{owner}のラベルが空です")),
        Some(label) => {
            let len = grapheme_len(label);
            if len > place.label_limit() {
                let what = format!("{owner}のラベル");
                ck.push(&at(pointer, "label"), too_long(&what, place.label_limit(), len));
            }
        }
        None => {}
    }
}

/// Postback: `data` 1–300, `displayText`/`text` ≤300 and not both, `fillInText` ≤300 and only with
/// `openKeyboard` (<https://developers.line.biz/en/reference/messaging-api/#postback-action>).
fn check_postback(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str) {
    if let Some(data) = ck.required_str(obj, pointer, "data", "postback アクション") {
        let what = "postback の data";
        check_non_empty_max(
            ck,
            &at(pointer, "data"),
            what,
            data,
            utf16_len(data),
            MAX_POSTBACK_DATA_LEN,
        );
    }
    let display = ck.str_field(obj, pointer, "displayText");
    let text = ck.str_field(obj, pointer, "text");
    let fill_in = ck.str_field(obj, pointer, "fillInText");
    for (key, value, limit) in [
        ("displayText", display, MAX_DISPLAY_TEXT_LEN),
        ("text", text, MAX_POSTBACK_TEXT_LEN),
        ("fillInText", fill_in, MAX_FILL_IN_TEXT_LEN),
    ] {
        let Some(value) = value else { continue };
        let len = grapheme_len(value);
        if len > limit {
            let what = format!("postback の {key} ");
            ck.push(&at(pointer, key), too_long(&what, limit, len));
        }
    }
    if display.is_some() && text.is_some() {
        let msg = "postback の displayText と text は同時に指定できません";
        ck.push(&at(pointer, "text"), msg);
    }
    ck.enum_field(obj, pointer, "inputOption", INPUT_OPTIONS);
    let option = obj.get("inputOption").and_then(Value::as_str);
    if fill_in.is_some() && option != Some("openKeyboard") {
        let msg = "fillInText は inputOption が openKeyboard のときだけ指定できます";
        ck.push(&at(pointer, "fillInText"), msg);
    }
}

/// Message action: `text` 1–300 grapheme clusters, sent as if typed
/// (<https://developers.line.biz/en/reference/messaging-api/#message-action>).
fn check_message_action(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str) {
    if let Some(text) = ck.required_str(obj, pointer, "text", "message アクション") {
        let len = grapheme_len(text);
        let what = "message アクションの text";
        check_non_empty_max(ck, &at(pointer, "text"), what, text, len, MAX_MESSAGE_ACTION_TEXT_LEN);
    }
}

/// URI action: `uri` ≤1000, scheme http/https/line/tel, percent-encoded; `altUri.desktop` ≤1000
/// (<https://developers.line.biz/en/reference/messaging-api/#uri-action>,
/// <https://developers.line.biz/en/reference/messaging-api/#url-encoding>).
fn check_uri_action(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str) {
    if let Some(uri) = ck.required_str(obj, pointer, "uri", "uri アクション") {
        check_uri(ck, &at(pointer, "uri"), uri);
    }
    let Some(alt) = obj.get("altUri").filter(|v| !v.is_null()) else {
        return;
    };
    let alt_ptr = at(pointer, "altUri");
    if let Some(alt) = ck.object(&alt_ptr, "altUri", alt)
        && let Some(desktop) = ck.str_field(alt, &alt_ptr, "desktop")
    {
        check_uri(ck, &at(&alt_ptr, "desktop"), desktop);
    }
}

fn check_uri(ck: &mut Checker, pointer: &str, uri: &str) {
    let len = utf16_len(uri);
    if len > MAX_URI_LEN {
        ck.push(pointer, too_long("URI", MAX_URI_LEN, len));
    }
    match scheme(uri) {
        Some(s) if URI_SCHEMES.contains(&s) => {}
        _ => {
            let schemes = URI_SCHEMES.join(", ");
            let msg = format!("URI「{uri}」のスキームは使えません（{schemes} のいずれか）");
            ck.push(pointer, msg);
        }
    }
    if !is_percent_encoded(uri) {
        let msg = "URIに空白や全角文字が含まれています。パーセントエンコードしてください";
        ck.push(pointer, msg);
    }
}

/// Datetime picker: `data` ≤300 and a known `mode`
/// (<https://developers.line.biz/en/reference/messaging-api/#datetime-picker-action>).
fn check_datetimepicker(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str) {
    if let Some(data) = ck.str_field(obj, pointer, "data") {
        let len = utf16_len(data);
        if len > MAX_DATETIME_DATA_LEN {
            let msg = too_long("datetimepicker の data ", MAX_DATETIME_DATA_LEN, len);
            ck.push(&at(pointer, "data"), msg);
        }
    }
    ck.enum_field(obj, pointer, "mode", DATETIME_MODES);
}

/// Clipboard: `clipboardText` 1–1000
/// (<https://developers.line.biz/en/reference/messaging-api/#clipboard-action>).
fn check_clipboard(ck: &mut Checker, obj: &Map<String, Value>, pointer: &str) {
    let key = "clipboardText";
    if let Some(text) = ck.required_str(obj, pointer, key, "clipboard アクション") {
        let what = "clipboard アクションの clipboardText";
        let len = utf16_len(text);
        check_non_empty_max(ck, &at(pointer, key), what, text, len, MAX_CLIPBOARD_TEXT_LEN);
    }
}

/// Shared "must not be empty, at most `limit`" rule for the field at `pointer`; `what` names
/// it in messages and `len` is counted by the caller's rule.
fn check_non_empty_max(
    ck: &mut Checker,
    pointer: &str,
    what: &str,
    value: &str,
    len: usize,
    limit: usize,
) {
    if value.is_empty() {
        ck.push(pointer, format!("{what} が空です"));
    } else if len > limit {
        ck.push(pointer, too_long(&format!("{what} "), limit, len));
    }
}
