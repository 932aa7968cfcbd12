//! The bundle: the only contract between the compiler and the runtime.
//!
//! `dist/` layout (format [`FORMAT_VERSION`]):
//! - `bundle.json` — this module's [`Bundle`]: every precomputed reply, the keyword table, the
//!   search index and page list, stamped with the format version and a content hash;
//! - `assets/` — images copied from `content/assets/`, served by the runtime at `/assets/…`;
//! - `preview/` — the HTML preview for reviewers (not read by the runtime).
//!
//! Replies are stored as compact JSON text of LINE message objects, so the runtime answers a
//! tap by concatenating bytes: it never renders or re-serialises a message per request.
//! Quick-reply blocks repeat across thousands of replies, so they are stored once and spliced
//! into the last message of a reply by [`Bundle::write_messages`].

mod io;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::search::SearchIndex;

pub use io::{BundleError, load, write};

/// Version of the on-disk format; the runtime refuses a bundle with another version.
pub const FORMAT_VERSION: u32 = 1;
/// File name of the manifest inside the bundle directory.
pub const MANIFEST: &str = "bundle.json";
/// Directory of copied assets inside the bundle directory.
pub const ASSETS_DIR: &str = "assets";
/// Prefix of image URLs that point at bundle assets.
///
/// The https address a deployment is reachable at is not known at build time, so asset URLs
/// are written as `oyako-asset:/<file>` and the runtime replaces the prefix once, at load time,
/// with `{OYAKO_PUBLIC_URL}/assets/`.
pub const ASSET_URL_PREFIX: &str = "oyako-asset:/";

/// Postback data prefixes. Postback data lives in chat history for months, so it is derived
/// only from content paths (which staff rarely change), never from build order.
pub mod postback {
    /// Opens a page: `page:ninshin/boshi-techo`.
    pub const PAGE: &str = "page:";
    /// Opens a menu: `menu:ninshin` (root: `menu:`), later pages `menu:ninshin:2`.
    pub const MENU: &str = "menu:";
}

/// The whole compiled account.
#[derive(Debug, Serialize, Deserialize)]
pub struct Bundle {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// SHA-256 (hex) of the content this bundle was built from; shown in `/metrics`.
    pub content_hash: String,
    /// Account name (`content/_index.md` `title`).
    pub title: String,
    /// Replies that are not reached by a postback.
    pub special: SpecialReplies,
    /// Postback data → reply.
    pub postbacks: BTreeMap<String, Reply>,
    /// Normalised text (see [`crate::search::normalize`]) → postback data whose reply answers it.
    pub keywords: BTreeMap<String, String>,
    /// Shared quick-reply objects (`{"items":[…]}`), referenced by index from replies.
    pub quick_replies: Vec<Box<RawValue>>,
    /// Every page, in search-index order.
    pub pages: Vec<PageEntry>,
    /// Free-text search over `pages`.
    pub search: SearchIndex,
    /// How search answers are assembled.
    pub search_reply: SearchReply,
    /// Files under `assets/`, relative, sorted.
    pub assets: Vec<String>,
}

/// Replies for events that carry no postback.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpecialReplies {
    /// Sent on `follow`: the welcome message and the root menu.
    pub follow: Reply,
    /// Sent when a typed question matches nothing.
    pub fallback: Reply,
    /// Sent for a postback the bundle no longer knows (a tap on an old message).
    pub unknown_postback: Reply,
    /// Sent for stickers, images and other non-text messages.
    pub unsupported_message: Reply,
}

/// One precomputed reply: 1–5 message objects and an optional shared quick reply.
#[derive(Debug, Serialize, Deserialize)]
pub struct Reply {
    /// Compact JSON message objects, without `quickReply`.
    pub messages: Vec<Box<RawValue>>,
    /// Index into [`Bundle::quick_replies`], spliced into the last message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quick_reply: Option<usize>,
}

/// A page as the runtime needs it: for search answers and per-page metrics.
#[derive(Debug, Serialize, Deserialize)]
pub struct PageEntry {
    /// Content path, e.g. `ninshin/boshi-techo`.
    pub path: String,
    /// Page title.
    pub title: String,
    /// Postback data that opens the page.
    pub postback: String,
    /// A small bubble (title, summary, open button) used in search-result carousels.
    pub card: Box<RawValue>,
}

/// The fixed parts of a search answer: a Flex carousel of page cards.
#[derive(Debug, Serialize, Deserialize)]
pub struct SearchReply {
    /// JSON text before the first card, e.g. `{"type":"flex","altText":"…","contents":{"type":"carousel","contents":[`.
    pub head: String,
    /// JSON text after the last card, closing the message.
    pub tail: String,
    /// Quick reply for the search answer.
    pub quick_reply: Option<usize>,
    /// Most cards in one answer.
    pub max_results: usize,
}

impl Bundle {
    /// Writes the JSON array of `reply`'s messages, with the quick reply spliced in.
    ///
    /// This is byte concatenation only; it is what the runtime does per tap.
    pub fn write_messages(&self, reply: &Reply, out: &mut Vec<u8>) {
        out.push(b'[');
        let last = reply.messages.len().saturating_sub(1);
        for (i, msg) in reply.messages.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            let qr = if i == last { reply.quick_reply } else { None };
            self.write_message(msg.get(), qr, out);
        }
        out.push(b']');
    }

    /// Writes the messages array of a search answer for the pages `hits` (indices into `pages`).
    pub fn write_search_messages(&self, hits: &[u32], out: &mut Vec<u8>) {
        let mut message = self.search_reply.head.clone();
        let cards = hits.iter().filter_map(|&i| self.pages.get(i as usize));
        for (n, page) in cards.take(self.search_reply.max_results).enumerate() {
            if n > 0 {
                message.push(',');
            }
            message.push_str(page.card.get());
        }
        message.push_str(&self.search_reply.tail);
        out.push(b'[');
        self.write_message(&message, self.search_reply.quick_reply, out);
        out.push(b']');
    }

    fn write_message(&self, msg: &str, quick_reply: Option<usize>, out: &mut Vec<u8>) {
        let qr = quick_reply.and_then(|i| self.quick_replies.get(i));
        match (qr, msg.strip_suffix('}')) {
            (Some(qr), Some(open)) => {
                out.extend_from_slice(open.as_bytes());
                out.extend_from_slice(b",\"quickReply\":");
                out.extend_from_slice(qr.get().as_bytes());
                out.push(b'}');
            }
            _ => out.extend_from_slice(msg.as_bytes()),
        }
    }

    /// The messages of `reply` as a JSON array value (for tests, preview and validation).
    pub fn messages_value(&self, reply: &Reply) -> serde_json::Value {
        let mut out = Vec::new();
        self.write_messages(reply, &mut out);
        serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null)
    }

    /// Every reply in the bundle with a name for reports: specials first, then postbacks.
    pub fn all_replies(&self) -> impl Iterator<Item = (&str, &Reply)> {
        let s = &self.special;
        [
            ("follow", &s.follow),
            ("fallback", &s.fallback),
            ("unknown_postback", &s.unknown_postback),
            ("unsupported_message", &s.unsupported_message),
        ]
        .into_iter()
        .chain(self.postbacks.iter().map(|(k, v)| (k.as_str(), v)))
    }
}
