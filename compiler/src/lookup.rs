//! The lookup table: every reply the runtime can send, keyed by postback data, plus the
//! keyword table and the special replies (follow, fallback, unknown tap, sticker).
//!
//! Postback data is derived from content paths only (`page:…`, `menu:…`), so a tap on a
//! months-old message still finds its page after any number of rebuilds.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use bundle::limits::{
    MAX_CAROUSEL_BUBBLES, MAX_CAROUSEL_BYTES, MAX_FLEX_LABEL_LEN, MAX_MESSAGES,
    MAX_QUICK_REPLY_ITEMS, MAX_QUICK_REPLY_LABEL_LEN,
};
use bundle::postback;
use bundle::search::normalize;

use crate::content::{Child, Page, Section, Site};
use crate::flex::{self, MenuItem, PageView, Renderer, TemplateError, actions};
use crate::resolve::{content_action, image_view, link_action};

/// Shortcut buttons on a sub-section's menu card.
const SECTION_SHORTCUTS: usize = 7;

/// Words that always open the top menu.
pub const MENU_WORDS: &[&str] = &["メニュー", "めにゅー", "menu", "トップ", "はじめ", "最初"];

/// A reply before it is stored: messages and the key of its quick-reply set.
#[derive(Debug, Clone)]
pub struct Draft {
    /// Message objects without `quickReply`.
    pub messages: Vec<Value>,
    /// Section path whose quick reply the reply carries.
    pub quick_reply: String,
    /// Content file the reply comes from, for diagnostics.
    pub file: std::path::PathBuf,
}

/// Why a reply could not be built.
#[derive(Debug)]
pub enum LookupError {
    /// A template failed.
    Template(TemplateError),
    /// A page cannot fit LINE's limits.
    TooLong {
        /// The page.
        file: std::path::PathBuf,
        /// Position of the offending block, when known.
        pos: (usize, usize),
        /// Explanation.
        message: String,
    },
}

impl From<TemplateError> for LookupError {
    fn from(e: TemplateError) -> Self {
        LookupError::Template(e)
    }
}

/// Builds the reply for one page.
pub fn page_reply(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    page: &Page,
) -> Result<Draft, LookupError> {
    let view = PageView {
        title: page.title.clone(),
        image: page.image.as_ref().map(|i| image_view(dir, i)),
        event: page
            .event
            .as_ref()
            .map(|e| json!({ "date": japanese_date(e.date), "time": e.time, "place": e.place })),
        buttons: page_buttons(site, page),
    };
    let bubbles = flex::page_bubbles(r, &view, &page.body).map_err(|e| match e {
        flex::page::PageError::Template(t) => LookupError::Template(t),
        flex::page::PageError::BlockTooLarge(i) => LookupError::TooLong {
            file: page.source.file.clone(),
            pos: (1, 1),
            message: format!(
                "{}番目のまとまり（表やリストなど）が大きすぎて1枚に収まりません",
                i + 1
            ),
        },
    })?;
    let alt = match &page.summary {
        Some(s) => format!("{}｜{s}", page.title),
        None => page.title.clone(),
    };
    let messages = carousel_messages(&alt, bubbles).ok_or_else(|| too_long(&page.source.file))?;
    Ok(Draft { messages, quick_reply: page.section.clone(), file: page.source.file.clone() })
}

/// The welcome sent on `follow`: the account title and the `content/_index.md` body.
pub fn welcome(r: &Renderer, site: &Site) -> Result<Vec<Value>, LookupError> {
    let account = &site.account;
    if account.welcome.is_empty() {
        let text = format!("{}を友だち追加していただき、ありがとうございます。", account.title);
        return Ok(vec![flex::text_message(&text)]);
    }
    let buttons = share_action(site)
        .map(|action| json!({ "action": action, "secondary": true }))
        .into_iter()
        .collect();
    let view = PageView { title: account.title.clone(), image: None, event: None, buttons };
    let bubbles = flex::page_bubbles(r, &view, &account.welcome).map_err(|e| match e {
        flex::page::PageError::Template(t) => LookupError::Template(t),
        flex::page::PageError::BlockTooLarge(_) => too_long(&account.source.file),
    })?;
    let alt = crate::markdown::plain_text(&account.welcome);
    carousel_messages(&alt, bubbles).ok_or_else(|| too_long(&account.source.file))
}

fn too_long(file: &Path) -> LookupError {
    LookupError::TooLong {
        file: file.to_path_buf(),
        pos: (1, 1),
        message: format!("本文が長すぎます（LINE の1回の返信は吹き出し{MAX_MESSAGES}個まで）"),
    }
}

/// Groups bubbles into carousel messages within LINE's count and size limits.
fn carousel_messages(alt: &str, bubbles: Vec<Value>) -> Option<Vec<Value>> {
    if bubbles.len() == 1 {
        let bubble = bubbles.into_iter().next()?;
        return Some(vec![flex::flex_message(alt, bubble)]);
    }
    let mut groups: Vec<Vec<Value>> = vec![Vec::new()];
    let mut size = 0;
    for b in bubbles {
        let len = flex::page::json_len(&b) + 1;
        let current = groups.last_mut()?;
        if !current.is_empty()
            && (current.len() == MAX_CAROUSEL_BUBBLES || size + len > MAX_CAROUSEL_BYTES - 200)
        {
            groups.push(Vec::new());
            size = 0;
        }
        size += len;
        groups.last_mut()?.push(b);
    }
    (groups.len() <= MAX_MESSAGES)
        .then(|| groups.into_iter().map(|g| flex::flex_message(alt, flex::carousel(g))).collect())
}

/// Footer buttons of a page: its own links, the next page in its section, and the menu.
fn page_buttons(site: &Site, page: &Page) -> Vec<Value> {
    let mut buttons: Vec<Value> = page
        .links
        .iter()
        .map(|l| json!({ "action": link_action(site, l), "secondary": true }))
        .collect();
    let section = &site.sections[&page.section];
    if let Some(next) = next_sibling_page(section, &page.path) {
        let title = &site.pages[next].title;
        let label = format!("次へ: {title}");
        let a = actions::postback(&label, &postback::page(next), title, MAX_FLEX_LABEL_LEN);
        buttons.push(json!({ "action": a }));
    }
    let menu_label = if section.path.is_empty() {
        "メニューへ".to_string()
    } else {
        format!("「{}」のメニューへ", section.title)
    };
    let a = actions::postback(
        &menu_label,
        &postback::menu(&section.path, 1),
        &section.title,
        MAX_FLEX_LABEL_LEN,
    );
    buttons.push(json!({ "action": a, "primary": true }));
    buttons
}

fn next_sibling_page<'a>(section: &'a Section, path: &str) -> Option<&'a str> {
    let pages: Vec<&str> = section
        .children
        .iter()
        .filter_map(|c| if let Child::Page(p) = c { Some(p.as_str()) } else { None })
        .collect();
    let i = pages.iter().position(|p| *p == path)?;
    pages.get(i + 1).copied()
}

/// Builds the menu replies of one section (`menu:path`, `menu:path:2`, …).
pub fn menu_replies(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    section: &Section,
) -> Result<Vec<(String, Draft)>, LookupError> {
    let mut items: Vec<MenuItem> =
        section.children.iter().map(|c| menu_item(site, dir, c)).collect();
    if section.path.is_empty() {
        items.extend(share_item(site));
    }
    let path = section.path.clone();
    let next = |n: usize, remaining: usize| {
        let label = format!("次へ（残り{remaining}件）");
        actions::postback(
            &label,
            &postback::menu(&path, n),
            &format!("{}（{n}ページ目）", section.title),
            MAX_FLEX_LABEL_LEN,
        )
    };
    let title = if section.path.is_empty() { "メニュー" } else { section.title.as_str() };
    let pages = flex::menu_pages(r, title, &items, next)?;
    Ok(pages
        .into_iter()
        .map(|p| {
            let alt = format!("{title}（{}件）", items.len());
            let msg = flex::flex_message(&alt, p.carousel);
            let draft = Draft {
                messages: vec![msg],
                quick_reply: section.path.clone(),
                file: section.source.file.clone(),
            };
            (postback::menu(&section.path, p.number), draft)
        })
        .collect())
}

fn menu_item(site: &Site, dir: &Path, child: &Child) -> MenuItem {
    match child {
        Child::Page(p) => {
            let page = &site.pages[p];
            MenuItem {
                title: page.title.clone(),
                summary: page.summary.clone(),
                image: page.image.as_ref().map(|i| image_view(dir, i)),
                action: actions::postback(
                    "見る",
                    &postback::page(p),
                    &page.title,
                    MAX_FLEX_LABEL_LEN,
                ),
                shortcuts: Vec::new(),
            }
        }
        Child::Section(s) => {
            let sec = &site.sections[s];
            let shortcuts = sec
                .children
                .iter()
                .take(SECTION_SHORTCUTS)
                .filter_map(|c| {
                    let path = match c {
                        Child::Page(p) | Child::Section(p) => p,
                    };
                    let title = site.title_of(path)?;
                    content_action(site, path, title)
                })
                .map(|action| json!({ "action": action }))
                .collect();
            MenuItem {
                title: sec.title.clone(),
                summary: sec.summary.clone(),
                image: sec.image.as_ref().map(|i| image_view(dir, i)),
                action: actions::postback(
                    "一覧を見る",
                    &postback::menu(s, 1),
                    &sec.title,
                    MAX_FLEX_LABEL_LEN,
                ),
                shortcuts,
            }
        }
    }
}

/// Label of the share button.
pub const SHARE_LABEL: &str = "家族や友だちに教える";

/// A tap that opens LINE's "share with" screen for the account (`recommendOA`), so a parent
/// can forward it to a partner or grandparents; only when `content/_index.md` has `line_id`.
pub fn share_action(site: &Site) -> Option<Value> {
    let promo = site.account.promo.as_ref()?;
    let url = bundle::promo::share_url(&promo.line_id);
    Some(actions::uri(SHARE_LABEL, &url, MAX_FLEX_LABEL_LEN))
}

/// The top menu's last card: the share button.
fn share_item(site: &Site) -> Option<MenuItem> {
    Some(MenuItem {
        title: SHARE_LABEL.to_string(),
        summary: Some("この LINE を、パートナーやおじいちゃん・おばあちゃんに送れます".into()),
        image: None,
        action: share_action(site)?,
        shortcuts: Vec::new(),
    })
}

/// Quick-reply set shown under replies in `section`: the top menu, the section itself and
/// the other top-level sections, so any part of the account is one tap away.
pub fn quick_reply(site: &Site, section: &str) -> Value {
    let mut items = vec![qr_item("メニュー", &postback::menu("", 1), "メニュー")];
    if let Some(s) = site.sections.get(section).filter(|s| !s.path.is_empty()) {
        items.push(qr_item(&s.title, &postback::menu(section, 1), &s.title));
    }
    let top_level = site.sections[""].children.iter().filter_map(|c| match c {
        Child::Section(p) if p != section => site.sections.get(p),
        _ => None,
    });
    for s in top_level {
        items.push(qr_item(&s.title, &postback::menu(&s.path, 1), &s.title));
    }
    items.truncate(MAX_QUICK_REPLY_ITEMS);
    json!({ "items": items })
}

fn qr_item(label: &str, data: &str, display: &str) -> Value {
    json!({ "type": "action", "action": actions::postback(label, data, display, MAX_QUICK_REPLY_LABEL_LEN) })
}

/// The small bubble shown for a page in search results.
pub fn card(r: &Renderer, site: &Site, page: &Page) -> Result<Value, TemplateError> {
    let section =
        site.sections.get(&page.section).filter(|s| !s.path.is_empty()).map(|s| s.title.as_str());
    let action =
        actions::postback("見る", &postback::page(&page.path), &page.title, MAX_FLEX_LABEL_LEN);
    r.render(
        "card.json",
        json!({
            "page": { "title": page.title, "summary": page.summary, "section": section },
            "action": action,
        }),
    )
}

/// Typed words that open a page or menu directly: titles, keywords and menu words. A
/// keyword shared by several pages is left to search, which shows them all.
pub fn keywords(site: &Site) -> BTreeMap<String, String> {
    let mut seen: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut add = |word: &str, data: String| {
        let key = normalize(word);
        if key.is_empty() {
            return;
        }
        seen.entry(key)
            .and_modify(|v| {
                if v.as_deref() != Some(&data) {
                    *v = None
                }
            })
            .or_insert(Some(data));
    };
    for p in site.pages.values() {
        add(&p.title, postback::page(&p.path));
        p.keywords.iter().for_each(|k| add(k, postback::page(&p.path)));
    }
    for s in site.sections.values().filter(|s| !s.path.is_empty()) {
        add(&s.title, postback::menu(&s.path, 1));
    }
    let mut table: BTreeMap<String, String> =
        seen.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
    for w in MENU_WORDS {
        table.insert(normalize(w), postback::MENU.to_string());
    }
    table
}

/// `2026年12月12日（土）`.
pub fn japanese_date(d: jiff::civil::Date) -> String {
    const DAYS: [&str; 7] = ["月", "火", "水", "木", "金", "土", "日"];
    let wd = DAYS[d.weekday().to_monday_zero_offset() as usize];
    format!("{}年{}月{}日（{wd}）", d.year(), d.month(), d.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_japanese() {
        let d: jiff::civil::Date = "2026-12-12".parse().unwrap();
        assert_eq!(japanese_date(d), "2026年12月12日（土）");
    }
}
