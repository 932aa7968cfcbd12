//! Menus on each day: a page with a last day (an event, an `expires`) leaves every menu the
//! day after, so the menus of its section and of the sections above it are rendered once per
//! distinct set of pages still showing.

use std::collections::BTreeSet;
use std::path::Path;

use jiff::ToSpan;
use jiff::civil::Date;
use rayon::prelude::*;

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
    // Every (section, day it may change) is rendered independently, in parallel.
    let jobs: Vec<(&Section, u32)> = site
        .sections
        .values()
        .flat_map(|s| {
            let starts = change_days(site, s, window);
            let varies = starts.len() > 1;
            starts.into_iter().filter(move |_| varies).map(move |o| (s, o))
        })
        .collect();
    let rendered: Vec<Vec<(String, Draft)>> = jobs
        .par_iter()
        .map(|(s, offset)| lookup::menu_replies(r, site, dir, s, Some(window.day(*offset))))
        .collect::<Result<_, _>>()?;
    let mut out = Runs::new();
    let mut i = 0;
    while i < jobs.len() {
        let section = jobs[i].0;
        let end = i + jobs[i..].iter().take_while(|(s, _)| std::ptr::eq(*s, section)).count();
        let mut keys: Vec<&String> = Vec::new();
        for (key, _) in rendered[i..end].iter().flatten() {
            if !keys.contains(&key) {
                keys.push(key);
            }
        }
        for key in keys {
            let runs = (i..end)
                .filter_map(|j| {
                    let menus = &rendered[j];
                    // A page of the menu that no longer exists answers with the menu's last
                    // page (a 「次へ」 tapped in an old message).
                    let draft = menus.iter().find(|(k, _)| k == key).or(menus.last())?;
                    Some((jobs[j].1, draft.1.clone()))
                })
                .collect();
            out.push((key.clone(), runs));
        }
        i = end;
    }
    Ok(out)
}

/// Offsets of the days on which `section`'s menus may change: the window's first day and the
/// day after the last day of each page they can show — its own pages, and the pages of its
/// sub-sections (their cards show shortcuts to their first pages).
fn change_days(site: &Site, section: &Section, window: &Window) -> Vec<u32> {
    let parent = |path: &str| path.rsplit_once('/').map_or("", |(p, _)| p).to_string();
    let shown_here = |page_section: &str| {
        page_section == section.path
            || (site.sections.contains_key(page_section) && parent(page_section) == section.path)
    };
    let mut starts = BTreeSet::from([0]);
    for page in site.pages.values().filter(|p| shown_here(&p.section)) {
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
