//! What staff write in front matter for the features beyond plain pages — `richmenu:`,
//! `survey:`, `notify:`, `audiences:`, `timed:`, `line_id:`, `promo:` and `schedule:` (with
//! Japan's holidays) — as typed YAML, and their checks with located Japanese diagnostics.
//!
//! These sit below [`crate::content`], which parses them while loading a file, and below the
//! feature modules ([`crate::richmenu`], [`crate::survey`], [`crate::notices`]) that turn a
//! checked spec into replies; so content never depends on what is built from it.

pub mod holidays;
pub mod notify;
pub mod promo;
pub mod richmenu;
pub mod schedule;
pub mod survey;
pub mod timed;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// A YAML scalar staff may write with or without quotes (`tel: 119`).
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum StringOrNumber {
    /// Quoted or text.
    Text(String),
    /// A bare number such as `119`.
    Number(u64),
}

impl StringOrNumber {
    /// The value as text.
    pub fn into_string(self) -> String {
        match self {
            StringOrNumber::Text(s) => s,
            StringOrNumber::Number(n) => n.to_string(),
        }
    }
}

/// File line and column of a parsed YAML value; `yaml_line` is the file line the front matter
/// starts on (the parser counts from the start of the YAML).
pub fn pos<T>(s: &Spanned<T>, yaml_line: usize) -> (usize, usize) {
    (s.referenced.line() as usize + yaml_line - 1, (s.referenced.column() as usize).max(1))
}
