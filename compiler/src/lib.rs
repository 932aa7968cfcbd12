//! The oyako compiler: turns the Markdown pages city staff write under `content/` into a
//! bundle of precomputed LINE replies under `dist/`.
//!
//! Layout, in pipeline order:
//! - [`content`] walks `content/`, splits and parses front matter into typed pages and sections;
//! - [`markdown`] turns a page body into a small block IR with source positions;
//! - [`flex`] renders pages and menus to LINE Flex JSON through minijinja templates;
//! - [`lookup`] assigns postback data and builds the reply table and keyword table;
//! - [`search`] builds the free-text index the runtime queries;
//! - [`validate`] checks every generated message against LINE's limits and schema;
//! - [`richmenu`] checks `richmenu:` and draws the rich menu images;
//! - [`survey`] turns `survey:` pages into questions with answer buttons;
//! - [`notices`] turns `notify:` pages into notices pushed to friends at a set time;
//! - [`bundle`] is the on-disk format shared with the runtime (the only contract between them);
//! - [`pipeline`] runs the stages and collects [`diagnostics`];
//! - [`preview`] writes `dist/preview/`, every reply viewable in a browser.

pub mod bundle;
pub mod content;
pub mod diagnostics;
pub mod flex;
pub mod lookup;
pub mod markdown;
pub mod notices;
pub mod pipeline;
pub mod preview;
pub mod richmenu;
pub mod search;
pub mod survey;
pub mod validate;

pub use diagnostics::{Diagnostic, Diagnostics};
pub use pipeline::{BuildOptions, BuildReport, build, check};
