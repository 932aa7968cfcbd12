//! LINE action objects for taps: open a page or menu (postback), open a web page or call
//! (uri). Labels are clipped to LINE's limits here, in one place.

use serde_json::{Value, json};

use super::clip;
use crate::bundle::postback;

/// Longest label of a Flex button
/// (<https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>).
pub const BUTTON_LABEL_MAX: usize = 40;
/// Longest label of a quick-reply button
/// (<https://developers.line.biz/en/reference/messaging-api/#action-object-label-spec>).
pub const QUICK_REPLY_LABEL_MAX: usize = 20;

/// Postback data that opens the page at `path`.
pub fn page_data(path: &str) -> String {
    format!("{}{path}", postback::PAGE)
}

/// Postback data that opens menu page `n` (1-based) of the section at `path`.
pub fn menu_data(path: &str, n: usize) -> String {
    match n {
        1 => format!("{}{path}", postback::MENU),
        n => format!("{}{path}:{n}", postback::MENU),
    }
}

/// A postback tap that shows `display` in the chat as if the parent had typed it.
pub fn postback(label: &str, data: &str, display: &str, max_label: usize) -> Value {
    json!({
        "type": "postback",
        "label": clip(label, max_label),
        "data": data,
        "displayText": clip(display, 300),
    })
}

/// A tap that opens a web page.
pub fn uri(label: &str, uri: &str, max_label: usize) -> Value {
    json!({ "type": "uri", "label": clip(label, max_label), "uri": uri })
}

/// A tap that starts a phone call to `number` as staff wrote it (`0479-62-1212`, `#8000`).
pub fn tel(label: &str, number: &str, max_label: usize) -> Value {
    uri(label, &tel_uri(number), max_label)
}

/// `tel:` URI of a dialable number. `#` must be percent-encoded (it would start a URI
/// fragment), and spaces and parentheses are only visual.
pub fn tel_uri(number: &str) -> String {
    let mut out = String::from("tel:");
    for c in number.trim().chars() {
        match c {
            '#' => out.push_str("%23"),
            ' ' | '(' | ')' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_uris_encode_hash() {
        assert_eq!(tel_uri("#8000"), "tel:%238000");
        assert_eq!(tel_uri("0479-62-1212"), "tel:0479-62-1212");
        assert_eq!(tel_uri("(0479) 62 1212"), "tel:0479621212");
    }

    #[test]
    fn labels_are_clipped() {
        let a = postback(&"あ".repeat(30), "page:x", "x", QUICK_REPLY_LABEL_MAX);
        assert_eq!(a["label"].as_str().unwrap().chars().count(), 20);
        assert_eq!(menu_data("ninshin", 1), "menu:ninshin");
        assert_eq!(menu_data("ninshin", 2), "menu:ninshin:2");
        assert_eq!(menu_data("", 1), "menu:");
    }
}
