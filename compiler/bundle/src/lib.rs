//! The bundle: the one contract between the oyako compiler, which writes it, and the runtime,
//! which serves it. Both sides compile against the types of this crate and nothing else of
//! each other, so the format is defined once and a change to it is a change here.
//!
//! `dist/` layout (format [`FORMAT_VERSION`]):
//! - `bundle.json` — [`Bundle`]: the reply table (postback data → [`Blob`]), keyword table,
//!   search index and page list, surveys, notices, timed messages ([`timed`]) and rich menus,
//!   stamped with a content hash;
//! - `replies.lz4` — every reply's messages as compact JSON text, each compressed as one LZ4
//!   block against a shared dictionary (also stored there), and the day-dependent replies and
//!   calendar files of [`Calendar`];
//! - `assets/` — images copied from `content/assets/`, served by the runtime at `/assets/…`;
//! - `preview/` — the HTML preview for reviewers (not read by the runtime);
//! - `richmenu/` — each rich menu's create request (`<alias>.json`) and image (`<alias>.png`),
//!   listed in [`Bundle::richmenu`] for a deploy step (not read by the runtime);
//! - `promo/` — posters, cards and a web snippet with the add-friend QR code, per promotion
//!   channel of [`Bundle::promo`] (for printing; not read by the runtime).
//!
//! Why compressed: a real page is 3–6 KB of Flex JSON, and a large account (10,000 pages) would
//! not fit a small VM's memory as plain text. Flex JSON is so repetitive that a 64 KB shared
//! dictionary makes each reply 10–20× smaller, and an LZ4 block decompresses in about a
//! microsecond: a tap is still answered by copying pre-serialised bytes, never by rendering.
//!
//! Besides the types, the crate holds what both sides must agree on to read them: the
//! [`postback`] data scheme, the [`search`] index and its query normaliser, Japan's calendar
//! ([`japan`]) and LINE's message [`limits`].

mod blob;
mod calendar;
mod io;
pub mod japan;
pub mod limits;
mod manifest;
mod notice;
pub mod postback;
pub mod promo;
mod richmenu;
pub mod search;
mod survey;
pub mod timed;

pub use blob::{Blob, BlobBuilder, BlobError};
pub use calendar::{CALENDAR_KEY_PREFIX, Calendar, WARN_DAYS, WindowStatus};
pub use io::{BundleError, DIST_README, load, write};
pub use manifest::{
    ASSET_URL_PREFIX, ASSETS_DIR, Bundle, CALENDAR_URL_PREFIX, FORMAT_VERSION, MANIFEST, PageEntry,
    REPLIES, SearchReply, Special, SpecialReplies,
};
pub use notice::Notice;
pub use promo::Promo;
pub use richmenu::{RichMenuBundle, RichMenuEntry};
pub use survey::{SurveyChoice, SurveyEntry};
pub use timed::{Anchor, Offset, Timed, TimedStep, TimedTexts};
