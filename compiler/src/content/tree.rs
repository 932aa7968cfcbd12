//! The section tree: children in menu order, and the problems only the whole tree shows
//! (pages without a section, duplicate titles, empty sections).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::{Child, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};

/// Fills in section children, and reports orphan pages, duplicate titles and missing sections.
pub(super) fn link_tree(site: &mut Site, dir: &Path, diags: &mut Diagnostics) {
    add_missing_sections(site, dir);
    // Sorted by `order`, then by path — except that, among pages without an `order`, events
    // come after the other pages, soonest first, so an event's 「次へ」 leads to a later one
    // (still listed while the first is).
    type Key = (Option<i64>, Option<jiff::civil::Date>, String, Child);
    let mut children: BTreeMap<String, Vec<Key>> = BTreeMap::new();
    for s in site.sections.values().filter(|s| !s.path.is_empty()) {
        let parent = s.path.rsplit_once('/').map_or("", |(p, _)| p).to_string();
        children.entry(parent).or_default().push((
            s.order,
            None,
            s.path.clone(),
            Child::Section(s.path.clone()),
        ));
    }
    // `menu: false` pages are answered and searched, but listed in no menu.
    for p in site.pages.values().filter(|p| p.in_menu) {
        children.entry(p.section.clone()).or_default().push((
            p.order,
            p.event.as_ref().map(|e| e.date),
            p.path.clone(),
            Child::Page(p.path.clone()),
        ));
    }
    for (parent, mut kids) in children {
        // The root's own `_index.md` missing is the account's error, reported once.
        let missing = !parent.is_empty()
            && site.sections.get(&parent).is_some_and(|s| s.source.text.is_empty())
            && !dir.join(&parent).join("_index.md").is_file();
        if missing {
            for (_, _, path, _) in &kids {
                let file = dir.join(&parent).join("_index.md");
                diags.push(
                    Diagnostic::error(
                        &file,
                        (1, 1),
                        format!("「{path}」の入るセクション「{parent}」に _index.md がありません"),
                    )
                    .with_hint("フォルダに _index.md を作り、title を書いてください"),
                );
            }
        }
        let Some(section) = site.sections.get_mut(&parent) else { continue };
        let key = |k: &Key| (k.0.unwrap_or(i64::MAX), k.1.unwrap_or(jiff::civil::Date::MIN));
        kids.sort_by(|a, b| (key(a), &a.2).cmp(&(key(b), &b.2)));
        section.children = kids.into_iter().map(|(_, _, _, c)| c).collect();
    }
    report_duplicate_titles(site, diags);
}

/// Adds a placeholder for every folder that holds pages or sections but has no `_index.md`,
/// up to the root, so the tree stays whole: its pages are reported once (by [`link_tree`])
/// instead of again as unreachable.
fn add_missing_sections(site: &mut Site, dir: &Path) {
    let parents: Vec<String> = site
        .pages
        .values()
        .map(|p| p.section.clone())
        .chain(site.sections.keys().cloned())
        .collect();
    for mut path in parents {
        while !path.is_empty() {
            if !site.sections.contains_key(&path) {
                let rel = format!("{path}/_index.md");
                let placeholder = super::placeholder::section(dir, &rel, path.clone());
                site.sections.insert(path.clone(), placeholder);
            }
            path = path.rsplit_once('/').map_or(String::new(), |(p, _)| p.to_string());
        }
    }
}

/// A section without pages would render an empty menu, which LINE rejects.
pub(super) fn report_empty_sections(
    site: &Site,
    failed: &BTreeSet<String>,
    diags: &mut Diagnostics,
) {
    for s in site.sections.values().filter(|s| s.children.is_empty() && !failed.contains(&s.path)) {
        diags.push(
            Diagnostic::error(
                &s.source.file,
                (1, 1),
                format!("セクション「{}」にページがありません", s.title),
            )
            .with_hint("このフォルダにページ（.md）を追加するか、フォルダごと削除してください"),
        );
    }
}

fn report_duplicate_titles(site: &Site, diags: &mut Diagnostics) {
    for section in site.sections.values() {
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for child in &section.children {
            let (path, title, source) = match child {
                Child::Section(p) => (p, &site.sections[p].title, &site.sections[p].source),
                Child::Page(p) => (p, &site.pages[p].title, &site.pages[p].source),
            };
            if let Some(other) = seen.insert(title, path) {
                diags.push(
                    Diagnostic::error(
                        &source.file,
                        (title_line(&source.text), 1),
                        format!("同じセクションに同じ題名「{title}」が「{other}」にもあります"),
                    )
                    .with_hint("メニューで見分けられるよう、題名を変えてください"),
                );
            }
        }
    }
}

/// 1-based line of the `title:` key in a file's front matter (1 when not found).
fn title_line(text: &str) -> usize {
    text.lines().position(|l| l.starts_with("title:")).map_or(1, |i| i + 1)
}

#[cfg(test)]
mod tests {
    #[test]
    fn title_line_finds_the_key() {
        assert_eq!(super::title_line("---\norder: 1\ntitle: a\n---\n"), 3);
        assert_eq!(super::title_line("---\n---\n"), 1);
    }
}
