//! Stand-ins for what could not be read, so that one mistake is reported once.
//!
//! A file that cannot be read at all (no front matter, not UTF-8) still exists: links to it
//! are not broken and its folder is not empty. A placeholder takes its place in the site so
//! the checks of everything else run as usual and say nothing about it; the file's own error
//! already fails the build, so a placeholder never reaches a bundle.

use std::path::Path;

use super::{Account, Page, Section, Source};

/// Stand-in for a missing `fallback:` (its absence is reported; the build fails).
pub const FALLBACK: &str = "（fallback が書かれていません）";

/// Where an unreadable file is, with no text.
fn source(file: &Path) -> Source {
    Source { file: file.to_path_buf(), text: String::new(), body_offset: 0 }
}

/// A name for a file whose title is missing or unreadable: its path without `.md`.
pub fn title(dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(dir).unwrap_or(file).to_string_lossy().replace('\\', "/");
    let rel = rel.trim_end_matches(".md").trim_end_matches("_index").trim_end_matches('/');
    if rel.is_empty() { "アカウント".to_string() } else { rel.to_string() }
}

/// An account whose `content/_index.md` is missing or unreadable.
pub fn account(dir: &Path) -> Account {
    let file = dir.join("_index.md");
    Account {
        title: title(dir, &file),
        fallback: FALLBACK.to_string(),
        welcome: Vec::new(),
        richmenu: None,
        audiences: Default::default(),
        summary: None,
        promo: None,
        source: source(&file),
    }
}

/// A section whose `_index.md` is unreadable.
pub fn section(dir: &Path, rel: &str, path: String) -> Section {
    Section {
        title: path.clone(),
        path,
        summary: None,
        order: None,
        image: None,
        schedule: None,
        intro: Vec::new(),
        children: Vec::new(),
        source: source(&dir.join(rel)),
    }
}

/// A page that is unreadable.
pub fn page(dir: &Path, rel: &str) -> Page {
    let path = rel.trim_end_matches(".md").to_string();
    let section = path.rsplit_once('/').map_or(String::new(), |(s, _)| s.to_string());
    Page {
        title: path.clone(),
        path,
        section,
        summary: None,
        keywords: Vec::new(),
        order: None,
        image: None,
        image_alt: None,
        links: Vec::new(),
        event: None,
        until: None,
        schedule: None,
        survey: None,
        notify: None,
        timed: Vec::new(),
        in_menu: true,
        body: Vec::new(),
        text: String::new(),
        source: source(&dir.join(rel)),
    }
}
