//! Menus on each day: a page with a last day (an event, an `expires`) leaves every menu the
//! day after, so the menus of its section and of the sections above it are rendered once per
//! distinct set of pages still showing.

use std::collections::BTreeSet;
use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;

use super::Window;
use crate::content::{Section, Site};
use crate::flex::Renderer;
use crate::lookup::{self, Draft, LookupError};

/// Reply key → runs of `(first day offset, draft)`.
pub type Runs = Vec<(String, Vec<(u32, Draft)>)>;

/// The menus that change within `window`, each with its drafts from the days they change.
pub fn menu_variants(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    window: &Window,
) -> Result<Runs, LookupError> {
    let mut out = Runs::new();
    for section in site.sections.values() {
        let starts = change_days(site, section, window);
        if starts.len() < 2 {
            continue;
        }
        let mut keys: Vec<String> = Vec::new();
        let mut segments = Vec::new();
        for &offset in &starts {
            let menus = lookup::menu_replies(r, site, dir, section, Some(window.day(offset)))?;
            for (key, _) in &menus {
                if !keys.contains(key) {
                    keys.push(key.clone());
                }
            }
            segments.push((offset, menus));
        }
        for key in keys {
            let runs = segments
                .iter()
                .map(|(offset, menus)| {
                    // A page of the menu that no longer exists answers with the menu's last page
                    // (a "次へ" tapped in an old message).
                    let draft = menus.iter().find(|(k, _)| *k == key).or(menus.last());
                    (*offset, draft.map(|(_, d)| d.clone()))
                })
                .filter_map(|(offset, d)| Some((offset, d?)))
                .collect();
            out.push((key, runs));
        }
    }
    Ok(out)
}

/// Offsets of the days on which `section`'s menus may change: the window's first day and each
/// day after the last day of a page below it.
fn change_days(site: &Site, section: &Section, window: &Window) -> Vec<u32> {
    let below = |path: &str| {
        section.path.is_empty()
            || path.strip_prefix(section.path.as_str()).is_some_and(|rest| rest.starts_with('/'))
    };
    let mut starts = BTreeSet::from([0]);
    for page in site.pages.values().filter(|p| below(&p.path)) {
        let Some(next) = page.until.and_then(|last| last.checked_add(1.day()).ok()) else {
            continue;
        };
        if let Some(offset) = window.offset(next).filter(|o| *o > 0) {
            starts.insert(offset);
        }
    }
    starts.into_iter().collect()
}

/// Last days of pages, by the postback data that opens them.
pub fn limited_pages(site: &Site) -> std::collections::BTreeMap<String, Date> {
    site.pages.values().filter_map(|p| Some((bundle::postback::page(&p.path), p.until?))).collect()
}
