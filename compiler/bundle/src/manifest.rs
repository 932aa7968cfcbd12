//! The manifest, `bundle.json`: the reply table and everything else the runtime indexes.

use std::collections::BTreeMap;
use std::panic::resume_unwind;

use serde::{Deserialize, Serialize};

use jiff::civil::Date;

use crate::blob::{self, Blob, BlobError, BlobName};
use crate::calendar::Calendar;
use crate::notice::Notice;
use crate::promo::Promo;
use crate::richmenu::RichMenuBundle;
use crate::search::SearchIndex;
use crate::survey::SurveyEntry;
use crate::timed::Timed;

/// Version of the on-disk format; the runtime refuses a bundle with another version.
///
/// 2: day-dependent replies (`calendar`), timed steps and the promotion settings. A version-1
/// runtime would ignore them and answer 「今日」 with the build day's reply for good, so it must
/// refuse such a bundle rather than load it.
pub const FORMAT_VERSION: u32 = 2;
/// File name of the manifest inside the bundle directory.
pub const MANIFEST: &str = "bundle.json";
/// File name of the compressed replies inside the bundle directory.
pub const REPLIES: &str = "replies.lz4";
/// Directory of copied assets inside the bundle directory.
pub const ASSETS_DIR: &str = "assets";
/// Prefix of image URLs that point at bundle assets.
///
/// The https address a deployment is reachable at is not known at build time, so asset URLs
/// are written as `oyako-asset:/<file>` and the runtime replaces the prefix once, at load time,
/// with `{OYAKO_PUBLIC_URL}/assets/` (see [`Bundle::rewrite_asset_urls`]).
pub const ASSET_URL_PREFIX: &str = "oyako-asset:/";
/// Prefix of links to the calendar files the runtime serves under `/calendar/`; replaced at
/// load time like [`ASSET_URL_PREFIX`], by `{OYAKO_PUBLIC_URL}/calendar/`.
pub const CALENDAR_URL_PREFIX: &str = "oyako-calendar:/";

/// The whole compiled account.
#[derive(Debug, Serialize, Deserialize)]
pub struct Bundle {
    /// Must equal [`FORMAT_VERSION`].
    pub format_version: u32,
    /// SHA-256 (hex) of the manifest and replies; shown in `/metrics`.
    pub content_hash: String,
    /// Account name (`content/_index.md` `title`).
    pub title: String,
    /// Replies that are not reached by a postback.
    pub special: SpecialReplies,
    /// Postback data → reply.
    pub postbacks: BTreeMap<String, Blob>,
    /// Normalised text (see [`crate::search::normalize`]) → postback data whose reply answers it.
    pub keywords: BTreeMap<String, String>,
    /// Every page, in search-index order.
    pub pages: Vec<PageEntry>,
    /// Free-text search over `pages`.
    pub search: SearchIndex,
    /// How search answers are assembled.
    pub search_reply: SearchReply,
    /// Files under `assets/`, relative, sorted.
    pub assets: Vec<String>,
    /// The shared LZ4 dictionary, stored uncompressed in the replies file.
    pub dictionary: Blob,
    /// The rich menus and their files under `richmenu/`, when `content/_index.md` has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub richmenu: Option<RichMenuBundle>,
    /// Surveys by id (see [`crate::SurveyEntry`]); their answers are journalled by the runtime.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub surveys: BTreeMap<String, SurveyEntry>,
    /// Pages also sent to friends as notices, by id (see [`crate::Notice`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notices: Vec<Notice>,
    /// Replies that change with the day, when the content has schedules or events (see
    /// [`Calendar`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Calendar>,
    /// The LINE ID and promotion channels, when `content/_index.md` has `line_id:`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo: Option<Promo>,
    /// Messages timed to each registered child's due date or birthday (see [`crate::timed`]).
    #[serde(default, skip_serializing_if = "Timed::is_empty")]
    pub timed: Timed,
    /// Contents of `replies.lz4`.
    #[serde(skip)]
    pub replies: Vec<u8>,
}

/// Replies for events that carry no postback. Each blob holds a JSON array of messages.
#[derive(Debug, Serialize, Deserialize)]
pub struct SpecialReplies {
    /// Sent on `follow`: the welcome message and the root menu.
    pub follow: Blob,
    /// Sent when a typed question matches nothing.
    pub fallback: Blob,
    /// Sent for a postback the bundle no longer knows (a tap on an old message).
    pub unknown_postback: Blob,
    /// Sent for stickers, images and other non-text messages.
    pub unsupported_message: Blob,
    /// Sent on a `follow` that is an unblock (`follow.isUnblocked`): the welcome back without
    /// the question new friends get about where they heard of the account. Absent when the
    /// follow reply asks nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unblocked: Option<Blob>,
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
    pub card: Blob,
}

/// The fixed parts of a search answer: one Flex carousel message of page cards.
#[derive(Debug, Serialize, Deserialize)]
pub struct SearchReply {
    /// JSON text before the first card: `[{"type":"flex","altText":"…","contents":{"type":"carousel","contents":[`.
    pub head: String,
    /// JSON text after the last card, closing the message (with its quick reply) and the array.
    pub tail: String,
    /// Most cards in one answer.
    pub max_results: usize,
}

/// The replies sent for events that carry no postback, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Special {
    /// `follow`.
    Follow,
    /// A question nothing matches.
    Fallback,
    /// A postback the bundle no longer knows.
    UnknownPostback,
    /// A sticker, image or other non-text message.
    UnsupportedMessage,
    /// An unblock, when the bundle has a reply of its own for it (else the follow reply).
    Unblocked,
}

/// Whether `key` names a special reply.
pub(crate) fn is_special(key: &str) -> bool {
    SPECIALS.iter().any(|s| s.key() == key)
}

/// Every special reply.
const SPECIALS: [Special; 5] = [
    Special::Follow,
    Special::Fallback,
    Special::UnknownPostback,
    Special::UnsupportedMessage,
    Special::Unblocked,
];

impl Special {
    /// The name of the reply (its key among the calendar's day variants).
    pub fn key(self) -> &'static str {
        match self {
            Special::Follow => "follow",
            Special::Fallback => "fallback",
            Special::UnknownPostback => "unknown_postback",
            Special::UnsupportedMessage => "unsupported_message",
            Special::Unblocked => "unblocked",
        }
    }
}

impl Bundle {
    /// The reply to postback `data` on `day` in Japan: its day's variant when it changes with
    /// the day, else the stored reply; `None` when the bundle has no such reply.
    pub fn reply_on(&self, data: &str, day: Date) -> Option<&Blob> {
        let varying = self.calendar.as_ref().and_then(|c| c.reply(data, day));
        varying.or_else(|| self.postbacks.get(data))
    }

    /// Special reply `which` on `day`.
    pub fn special_on(&self, which: Special, day: Date) -> &Blob {
        let s = &self.special;
        let fixed = match which {
            Special::Follow => &s.follow,
            Special::Fallback => &s.fallback,
            Special::UnknownPostback => &s.unknown_postback,
            Special::UnsupportedMessage => &s.unsupported_message,
            Special::Unblocked => match &s.unblocked {
                Some(reply) => reply,
                None => return self.special_on(Special::Follow, day),
            },
        };
        self.calendar.as_ref().and_then(|c| c.reply(which.key(), day)).unwrap_or(fixed)
    }

    /// Whether the page opened by postback `data` shows in menus and search on `day` (an
    /// event's page drops off the day after it).
    pub fn shows_on(&self, data: &str, day: Date) -> bool {
        self.calendar.as_ref().is_none_or(|c| c.shows(data, day))
    }

    /// Search hits for `text` on `day` (indices into `pages`, best first, at most `limit`):
    /// pages that no longer show that day are left out and the next ones move up.
    pub fn search_on(&self, text: &str, day: Date, limit: usize) -> Vec<u32> {
        let Some(calendar) = self.calendar.as_ref().filter(|c| !c.until.is_empty()) else {
            return self.search.query(text, limit);
        };
        // At most every limited page drops out, so asking for that many more is enough.
        let hits = self.search.query(text, limit.saturating_add(calendar.until.len()));
        let shows =
            |i: &u32| self.pages.get(*i as usize).is_some_and(|p| calendar.shows(&p.postback, day));
        hits.into_iter().filter(shows).take(limit).collect()
    }

    /// Appends the JSON array of messages stored in `reply` to `out`.
    ///
    /// This is decompression of bytes serialised at build time; it is what the runtime does per
    /// tap. Every blob was checked when the bundle was loaded, so this cannot fail.
    pub fn write_messages(&self, reply: &Blob, out: &mut Vec<u8>) {
        blob::decompress_into(&self.replies, self.dictionary, *reply, out);
    }

    /// Appends the messages array of a search answer for `hits` (indices into `pages`).
    pub fn write_search_messages(&self, hits: &[u32], out: &mut Vec<u8>) {
        out.extend_from_slice(self.search_reply.head.as_bytes());
        let cards = hits.iter().filter_map(|&i| self.pages.get(i as usize));
        for (n, page) in cards.take(self.search_reply.max_results).enumerate() {
            if n > 0 {
                out.push(b',');
            }
            self.write_messages(&page.card, out);
        }
        out.extend_from_slice(self.search_reply.tail.as_bytes());
    }

    /// The messages of `reply` as a JSON value (for tests, preview and validation).
    pub fn messages_value(&self, reply: &Blob) -> serde_json::Value {
        let mut out = Vec::new();
        self.write_messages(reply, &mut out);
        serde_json::from_slice(&out).unwrap_or(serde_json::Value::Null)
    }

    /// Every reply with a name for reports: specials first, then postbacks.
    pub fn all_replies(&self) -> impl Iterator<Item = (&str, &Blob)> {
        let s = &self.special;
        [
            ("follow", &s.follow),
            ("fallback", &s.fallback),
            ("unknown_postback", &s.unknown_postback),
            ("unsupported_message", &s.unsupported_message),
        ]
        .into_iter()
        .chain(s.unblocked.as_ref().map(|b| ("unblocked", b)))
        .chain(self.postbacks.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// Replaces the asset URL prefix in every reply and card that uses an asset by `base`
    /// (e.g. `https://line.example.jp/assets/`). Called once at load: affected blobs are
    /// re-compressed, so taps stay pure copies.
    pub fn rewrite_asset_urls(&mut self, base: &str) -> Result<(), BlobError> {
        let mut blobs: Vec<&mut Blob> = Vec::new();
        let s = &mut self.special;
        blobs.extend([
            &mut s.follow,
            &mut s.fallback,
            &mut s.unknown_postback,
            &mut s.unsupported_message,
        ]);
        blobs.extend(s.unblocked.as_mut());
        blobs.extend(self.postbacks.values_mut());
        blobs.extend(self.pages.iter_mut().map(|p| &mut p.card));
        blobs.extend(self.surveys.values_mut().flat_map(SurveyEntry::blobs_mut));
        blobs.extend(self.calendar.iter_mut().flat_map(Calendar::blobs_mut));
        // Calendar files are served next to the assets: `…/assets/` → `…/calendar/`.
        let calendar_base = match base.strip_suffix("assets/") {
            Some(root) => format!("{root}calendar/"),
            None => base.to_string(),
        };
        // The prefixes only ever stand inside JSON strings, so a base that needs no escaping
        // keeps every message valid JSON: checked once here instead of parsing each message
        // again (with a year of day-dependent replies, that parse was a third of start-up).
        if !json_string_safe(base) {
            return Err(BlobError::BadAssetBase);
        }
        let targets: Vec<&mut Blob> = blobs.into_iter().filter(|b| b.has_assets).collect();
        let old: Vec<Blob> = targets.iter().map(|b| **b).collect();
        let rewrite = |text: &[u8]| {
            let text = String::from_utf8_lossy(text);
            let text = text.replace(ASSET_URL_PREFIX, base);
            text.replace(CALENDAR_URL_PREFIX, &calendar_base).into_bytes()
        };
        let new = blob::rewrite_all(&mut self.replies, self.dictionary, &old, &rewrite);
        for (b, n) in targets.into_iter().zip(new) {
            *b = n;
        }
        Ok(())
    }

    /// Checks that every blob is in range and decompresses to valid JSON, on every core
    /// (start-up time is mostly this check).
    pub fn check_blobs(&self) -> Result<(), BlobError> {
        if let Some(c) = &self.calendar {
            c.check_runs()
                .map_err(|reason| BlobError::Corrupt { name: "calendar".into(), reason })?;
        }
        let all: Vec<&Blob> = self.named_blobs().map(|(_, b)| b).collect();
        let threads = std::thread::available_parallelism().map_or(1, usize::from);
        let chunk = all.len().div_ceil(threads).max(1);
        // Each part reports the index of its first damaged blob; names are made only then.
        let damaged = std::thread::scope(|s| {
            let checks: Vec<_> = (0..all.len())
                .step_by(chunk)
                .map(|start| {
                    let part = &all[start..(start + chunk).min(all.len())];
                    s.spawn(move || {
                        part.iter().enumerate().find_map(|(i, b)| {
                            blob::check(&self.replies, self.dictionary, **b)
                                .err()
                                .map(|e| (start + i, e))
                        })
                    })
                })
                .collect();
            // A panicking check is a bug, not a damaged bundle: pass it on.
            let joined = checks.into_iter().map(|h| h.join().unwrap_or_else(|p| resume_unwind(p)));
            joined.flatten().next()
        });
        match damaged {
            None => Ok(()),
            Some((i, e)) => {
                let name = self.named_blobs().nth(i).map(|(n, _)| n.to_string());
                Err(e.named(&name.unwrap_or_default()))
            }
        }
    }

    /// Every stored blob with its name for error messages, in one fixed order (names are
    /// only formatted for a damaged one).
    fn named_blobs(&self) -> impl Iterator<Item = (BlobName<'_>, &Blob)> {
        let cards = self.pages.iter().map(|p| (p.path.as_str(), &p.card));
        let surveys = self.surveys.values().flat_map(SurveyEntry::blobs);
        let named = self.all_replies().chain(surveys).chain(cards);
        let named = named.map(|(name, b)| (BlobName::Text(name), b));
        named.chain(self.calendar.iter().flat_map(Calendar::named_blobs))
    }
}

/// Whether `s` can stand inside a JSON string as it is (no quote, backslash or control
/// character to escape).
fn json_string_safe(s: &str) -> bool {
    !s.chars().any(|c| c == '"' || c == '\\' || c.is_control())
}
