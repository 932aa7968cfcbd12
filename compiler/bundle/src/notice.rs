//! The notice part of the bundle format (`bundle.json` → `notices`).
//!
//! What the runtime does with it: at [`Notice::at`] (held out of quiet hours unless
//! [`Notice::force`]) it sends [`Notice::messages`] with `POST /v2/bot/message/broadcast`, or
//! `narrowcast` with `filter.demographic` = [`Notice::filter`], carrying an `X-Line-Retry-Key`
//! derived from [`Notice::id`] and [`Notice::hash`]
//! (<https://developers.line.biz/en/reference/messaging-api/#retry-api-request>).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// One page sent to friends as a notice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// The page's content path (`events/ninpu-kyoushitsu-202612`): the notice's id.
    pub id: String,
    /// The page title, for listings and logs.
    pub title: String,
    /// When it is due: RFC 3339 with Japan's offset (`2026-12-05T09:00:00+09:00`).
    pub at: String,
    /// `all` (every friend) or the name of an audience of `content/_index.md`.
    pub audience: String,
    /// The narrowcast's `filter.demographic` (LINE's JSON); absent for a broadcast.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filter: Option<Value>,
    /// Sent even in quiet hours.
    #[serde(default)]
    pub force: bool,
    /// The `messages` array of the request; asset URLs start with
    /// [`crate::ASSET_URL_PREFIX`] like in replies.
    pub messages: Value,
    /// SHA-256 (hex) over the id, time, audience, filter, force flag and messages: the
    /// notice's version, part of its retry key.
    pub hash: String,
}

impl Notice {
    /// True when the notice goes to every friend (a broadcast, no filter).
    pub fn is_broadcast(&self) -> bool {
        self.filter.is_none()
    }
}
