//! The card pushed to friends for a page — a notice, a timed message: the lines that say what
//! it is, the page's summary, its image, and one button that opens the page. Both kinds look
//! alike on purpose: a parent learns one shape of "something for you, tap to read".

use serde_json::{Value, json};

use bundle::limits::MAX_FLEX_LABEL_LEN;
use bundle::postback;

use super::actions;

/// Label of the button that opens the page.
pub const OPEN_LABEL: &str = "詳しく見る";

/// What a pushed card shows of its page.
pub struct PushedPage<'a> {
    /// Content path (the button opens it).
    pub path: &'a str,
    /// Title (the button's display text).
    pub title: &'a str,
    /// One-line description, shown under `head`.
    pub summary: Option<&'a str>,
    /// The image as served (see `crate::resolve::image_view`).
    pub hero: Option<Value>,
}

/// The bubble: `head` (what it is, the title, any rows), the summary, the hero image and the
/// button in `colour`.
pub fn page_card(page: PushedPage<'_>, mut head: Vec<Value>, colour: &str) -> Value {
    if let Some(summary) = page.summary {
        head.push(json!({"type": "text", "text": summary, "size": "sm", "color": "#555555",
                         "wrap": true}));
    }
    let action =
        actions::postback(OPEN_LABEL, &postback::page(page.path), page.title, MAX_FLEX_LABEL_LEN);
    let mut bubble = json!({
        "type": "bubble",
        "size": "mega",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": head},
        "footer": {"type": "box", "layout": "vertical", "contents": [
            {"type": "button", "style": "primary", "height": "sm", "color": colour,
             "action": action}]},
    });
    if let Some(view) = page.hero {
        bubble["hero"] = json!({"type": "image", "url": view["url"], "size": "full",
                                "aspectMode": "cover", "aspectRatio": view["aspect_ratio"]});
    }
    bubble
}
