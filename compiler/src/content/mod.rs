//! The content tree: what staff wrote under `content/`, read and checked into typed
//! sections and pages.
//!
//! A page or section is named everywhere by its path under `content/` without `.md`
//! (`ninshin/boshi-techo`, or `ninshin` for a section; the root section is `""`).

mod fields;
mod file;
pub mod front_matter;
mod load;
mod placeholder;
mod tree;
mod yaml_error;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::markdown::Block;

pub use fields::{asset_check as load_asset_check, check_target as load_check_target, is_dialable};
pub use load::{LoadOptions, load};

/// Folder of the registration texts of timed messages (`content/_timed/consent.md` …), read
/// by [`crate::timed`], not pages.
pub const TIMED_TEXTS_DIR: &str = "_timed";

/// Deepest allowed section nesting (`content/a/b/c/_index.md`).
pub const MAX_SECTION_DEPTH: usize = 3;

/// The whole content directory.
#[derive(Debug)]
pub struct Site {
    /// The account (`content/_index.md`).
    pub account: Account,
    /// Sections by path; the root section is `""`.
    pub sections: BTreeMap<String, Section>,
    /// Pages by path.
    pub pages: BTreeMap<String, Page>,
    /// Assets as `(name under assets/, file)`, sorted.
    pub assets: Vec<(String, PathBuf)>,
    /// `content/_templates/`, when staff override layouts.
    pub templates_dir: Option<PathBuf>,
    /// The build's day in Japan: pages expired before it are left out, and day-dependent
    /// replies are computed from it on.
    pub today: jiff::civil::Date,
}

/// Where something was written, for diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// File path as shown to staff (`content/ninshin/boshi-techo.md`).
    pub file: PathBuf,
    /// The file's text.
    pub text: String,
    /// Byte offset of the Markdown body in `text`.
    pub body_offset: usize,
}

/// The account-wide settings and welcome message.
#[derive(Debug)]
pub struct Account {
    /// Account name.
    pub title: String,
    /// Reply to questions nothing matches.
    pub fallback: String,
    /// The welcome message body.
    pub welcome: Vec<Block>,
    /// `richmenu:` as written, checked and drawn by [`crate::richmenu`].
    pub richmenu: Option<crate::spec::richmenu::Spec>,
    /// `audiences:`: checked narrowcast filters by name (see [`crate::notices`]).
    pub audiences: BTreeMap<String, crate::spec::notify::Audience>,
    /// `summary:`: one line on why to add the account, printed on posters.
    pub summary: Option<String>,
    /// `line_id:` and `promo:`, checked (see [`crate::promo`]).
    pub promo: Option<crate::spec::promo::Promo>,
    /// Where it was written.
    pub source: Source,
}

/// A menu section.
#[derive(Debug)]
pub struct Section {
    /// Content path (`""` for the root).
    pub path: String,
    /// Menu title.
    pub title: String,
    /// One-line description.
    pub summary: Option<String>,
    /// Position among siblings.
    pub order: Option<i64>,
    /// Card image.
    pub image: Option<Image>,
    /// Set when the section is a centre with a `schedule:`.
    pub schedule: Option<crate::spec::schedule::Schedule>,
    /// The introduction: the body of `_index.md`, shown above the menu's cards.
    pub intro: Vec<Block>,
    /// Children in menu order.
    pub children: Vec<Child>,
    /// Where it was written.
    pub source: Source,
}

/// A child of a section.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Child {
    /// A sub-section, by path.
    Section(String),
    /// A page, by path.
    Page(String),
}

/// An information page.
#[derive(Debug)]
pub struct Page {
    /// Content path.
    pub path: String,
    /// Path of the section it is in.
    pub section: String,
    /// Title.
    pub title: String,
    /// One-line description.
    pub summary: Option<String>,
    /// Extra search words.
    pub keywords: Vec<String>,
    /// Position among siblings.
    pub order: Option<i64>,
    /// Hero image.
    pub image: Option<Image>,
    /// `image_alt:` as written (trimmed): what the hero image shows; empty when it only
    /// decorates; `None` when not written (an error when there is an image).
    pub image_alt: Option<String>,
    /// Footer buttons.
    pub links: Vec<Link>,
    /// Set for event pages.
    pub event: Option<Event>,
    /// Set for survey pages (see [`crate::survey`]).
    pub survey: Option<crate::spec::survey::Survey>,
    /// Set when the page is also sent to friends as a notice (see [`crate::notices`]).
    pub notify: Option<crate::spec::notify::Notify>,
    /// Set when the page is a centre with a `schedule:` (see [`crate::calendar`]).
    pub schedule: Option<crate::spec::schedule::Schedule>,
    /// Last day the page shows in menus and search: its event's day or its `expires`.
    pub until: Option<jiff::civil::Date>,
    /// Set when the page is also sent to registered children at an age (see [`crate::timed`]).
    pub timed: Vec<crate::spec::timed::TimedEntry>,
    /// False when `menu: false` leaves the page out of menus.
    pub in_menu: bool,
    /// Body blocks.
    pub body: Vec<Block>,
    /// Plain text of the body, for search.
    pub text: String,
    /// Where it was written.
    pub source: Source,
}

/// An image reference from front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Image {
    /// A file under `content/assets/`, by its name there.
    Asset(String),
    /// An https URL.
    Url(String),
}

/// A footer button from `links:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    /// Button text.
    pub label: String,
    /// What the button does.
    pub target: LinkTarget,
    /// Line and column of the item.
    pub pos: (usize, usize),
}

/// What a link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    /// A web page.
    Url(String),
    /// A phone call to this number (as staff wrote it).
    Tel(String),
    /// A page or section by content path.
    Content(String),
}

/// `event:` front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Day of the event.
    pub date: jiff::civil::Date,
    /// Time as written.
    pub time: Option<String>,
    /// Place as written.
    pub place: Option<String>,
}

impl Site {
    /// Title of a page or section, if it exists.
    pub fn title_of(&self, path: &str) -> Option<&str> {
        self.pages
            .get(path)
            .map(|p| p.title.as_str())
            .or_else(|| self.sections.get(path).map(|s| s.title.as_str()))
    }
}
