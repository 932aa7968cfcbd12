//! The oyako compiler: turns the Markdown pages city staff write under `content/` into a
//! bundle of precomputed LINE replies under `dist/` (the format is the `bundle` crate).
//!
//! Modules, bottom layer first (see `docs/architecture.md`; none uses a module above it):
//! - `diagnostics` are the Japanese `file:line:col` messages every stage reports into;
//!   `markdown` turns a page body into a small block IR with source positions; `paint` is
//!   the embedded font, its line breaking and the shapes the drawn images share;
//! - `spec` is the typed front matter of the features (`richmenu:`, `survey:`, `notify:`);
//! - `content` walks `content/` into a site of typed pages and sections; `flex` renders
//!   blocks and menus to LINE Flex JSON through minijinja templates; `validate` checks every
//!   generated message against LINE's limits;
//! - `resolve` turns links and images into LINE actions and URLs; `lookup` assigns postback
//!   data and builds the reply and keyword tables; `locate` traces a problem in a generated
//!   message back to the Markdown line it came from;
//! - `survey`, `notices`, `timed`, `richmenu` and `calendar` (replies that change with the day,
//!   computed for every day of a window; iCalendar feeds) build those features from the site;
//!   `preview` writes `dist/preview/`, every reply viewable in a browser; `access` checks
//!   accessibility and plain language (alt texts, link texts, contrast, long sentences, weekdays);
//! - `pipeline` runs the stages, collects the diagnostics and writes the bundle atomically.

mod access;
mod calendar;
mod content;
mod diagnostics;
mod flex;
mod html;
mod locate;
mod lookup;
mod markdown;
mod notices;
mod paint;
mod phases;
mod pipeline;
mod preview;
mod promo;
mod resolve;
mod richmenu;
mod spec;
mod survey;
mod timed;
mod validate;

pub use diagnostics::{Diagnostic, Diagnostics, Severity};
pub use pipeline::{BuildOptions, BuildReport, Output, build, check, compile, write};
pub use preview::{FLEX_CSS, FLEX_JS};
pub use richmenu::limits::{
    check_image as check_richmenu_image, check_request as check_richmenu_request,
};
pub use spec::notify::parse_time;
pub use validate::{Violation, check_messages};
