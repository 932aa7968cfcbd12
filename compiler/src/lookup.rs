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
use jiff::civil::Date;

use crate::content::{Child, Page, Section, Site, Source};
use crate::flex::{self, MenuItem, PageView, Renderer, TemplateError, actions};
use crate::locate::{self, Origin};
use crate::markdown::Block;
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
    /// What the reply is made from, to trace a problem in it to its line.
    pub origin: Origin,
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
        /// What to change.
        hint: String,
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
        image: page.image.as_ref().map(|i| hero_view(dir, i, page.image_alt.as_deref())),
        event: page
            .event
            .as_ref()
            .map(|e| json!({ "date": japanese_date(e.date), "time": e.time, "place": e.place })),
        buttons: page_buttons(site, page),
    };
    let (bubbles, parts) = flex::page_bubbles(r, &view, &page.body)
        .map_err(|e| page_error(e, &page.source, &page.body))?;
    let alt = match &page.summary {
        Some(s) => format!("{}｜{s}", page.title),
        None => page.title.clone(),
    };
    let messages = carousel_messages(&alt, bubbles)
        .map_err(|first| too_long(&page.source, &page.body, &parts, first))?;
    Ok(Draft {
        messages,
        quick_reply: page.section.clone(),
        file: page.source.file.clone(),
        origin: Origin::Page(page.path.clone()),
    })
}

/// A page that cannot be rendered within LINE's limits, reported at the block that does not
/// fit.
pub fn page_error(e: flex::page::PageError, source: &Source, blocks: &[Block]) -> LookupError {
    match e {
        flex::page::PageError::Template(t) => LookupError::Template(t),
        flex::page::PageError::BlockTooLarge(i) => {
            let at = locate::block(source, &blocks[i]);
            LookupError::TooLong {
                file: at.file,
                pos: at.pos,
                message: format!(
                    "{}が大きすぎて、LINE の吹き出し1枚（{}KB まで）に収まりません",
                    at.what.subject(),
                    bundle::limits::MAX_BUBBLE_BYTES / 1000
                ),
                hint: at.what.hint().to_string(),
            }
        }
    }
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
    let (bubbles, parts) = flex::page_bubbles(r, &view, &account.welcome)
        .map_err(|e| page_error(e, &account.source, &account.welcome))?;
    let alt = crate::markdown::plain_text(&account.welcome);
    carousel_messages(&alt, bubbles)
        .map_err(|first| too_long(&account.source, &account.welcome, &parts, first))
}

/// More bubbles than one reply may carry: reported at the first block that no longer fits
/// (`first` is the first bubble left over; `parts` the block range of each bubble).
fn too_long(
    source: &Source,
    blocks: &[Block],
    parts: &[(usize, usize)],
    first: usize,
) -> LookupError {
    let at = parts
        .get(first)
        .and_then(|&(start, _)| blocks.get(start))
        .map_or_else(|| (1, 1), |b| locate::block(source, b).pos);
    LookupError::TooLong {
        file: source.file.clone(),
        pos: at,
        message: format!(
            "本文が長すぎて、ここから後ろが LINE の1回の返信（吹き出し{MAX_MESSAGES}個まで）に入りません"
        ),
        hint: "ここから後ろを別のページに分けるか、内容を短くしてください".to_string(),
    }
}

/// Groups bubbles into carousel messages within LINE's count and size limits; on failure,
/// the index of the first bubble that does not fit.
fn carousel_messages(alt: &str, bubbles: Vec<Value>) -> Result<Vec<Value>, usize> {
    if bubbles.len() == 1 {
        let bubble = bubbles.into_iter().next().ok_or(0usize)?;
        return Ok(vec![flex::flex_message(alt, bubble)]);
    }
    let mut groups: Vec<Vec<Value>> = vec![Vec::new()];
    let mut size = 0;
    for (i, b) in bubbles.into_iter().enumerate() {
        let len = flex::page::json_len(&b) + 1;
        let full = groups.last().is_some_and(|current| {
            !current.is_empty()
                && (current.len() == MAX_CAROUSEL_BUBBLES || size + len > MAX_CAROUSEL_BYTES - 200)
        });
        if full {
            if groups.len() == MAX_MESSAGES {
                return Err(i);
            }
            groups.push(Vec::new());
            size = 0;
        }
        size += len;
        groups.last_mut().ok_or(i)?.push(b);
    }
    Ok(groups.into_iter().map(|g| flex::flex_message(alt, flex::carousel(g))).collect())
}

/// A page's hero image for the template, with its alt text when it says something (an empty
/// `image_alt` marks an image that only decorates).
pub fn hero_view(dir: &Path, image: &crate::content::Image, alt: Option<&str>) -> Value {
    let mut view = image_view(dir, image);
    if let Some(alt) = alt.filter(|a| !a.is_empty()) {
        view["alt"] = json!(alt);
    }
    view
}

/// Footer buttons of a page: its own links, the next page in its section, and the menu.
fn page_buttons(site: &Site, page: &Page) -> Vec<Value> {
    let mut buttons: Vec<Value> = page
        .links
        .iter()
        .map(|l| json!({ "action": link_action(site, l), "secondary": true }))
        .collect();
    if let Some(schedule) = &page.schedule {
        buttons
            .extend(schedule_buttons(&page.path, schedule.name.as_deref().unwrap_or(&page.title)));
    }
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

/// A centre's buttons: its schedule view and its calendar feed.
fn schedule_buttons(path: &str, name: &str) -> Vec<Value> {
    let view = format!("{name}の予定（今日から1週間）");
    let open = actions::postback(&view, &postback::centre(path), &view, MAX_FLEX_LABEL_LEN);
    let feed = format!("{}#{}", bundle::CALENDAR_URL_PREFIX, path.replace('/', "-"));
    let subscribe = actions::uri("カレンダーに登録", &feed, MAX_FLEX_LABEL_LEN);
    vec![
        json!({ "action": open, "primary": true }),
        json!({ "action": subscribe, "secondary": true }),
    ]
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

/// Whether `child` shows in menus on `day` (`None`: every day). Pages drop off the day after
/// their event or `expires`; sections always show, so a menu never loses a rich-menu target.
pub fn shows(site: &Site, child: &Child, day: Option<Date>) -> bool {
    match (child, day) {
        (Child::Page(p), Some(day)) => site.pages[p].until.is_none_or(|last| day <= last),
        _ => true,
    }
}

/// Builds the menu replies of one section (`menu:path`, `menu:path:2`, …) as they are on
/// `day` (`None`: with every child).
pub fn menu_replies(
    r: &Renderer,
    site: &Site,
    dir: &Path,
    section: &Section,
    day: Option<Date>,
) -> Result<Vec<(String, Draft)>, LookupError> {
    let shown = section.children.iter().filter(|c| shows(site, c, day));
    let mut items: Vec<MenuItem> = shown.map(|c| menu_item(site, dir, c, day)).collect();
    if section.path.is_empty() {
        items.extend(share_item(site));
    }
    if let Some(schedule) = &section.schedule {
        // A centre written as a section: its schedule comes first in its menu.
        let name = schedule.name.as_deref().unwrap_or(&section.title);
        let view = format!("{name}の予定");
        items.insert(
            0,
            MenuItem {
                title: view.clone(),
                summary: Some("今日から1週間の開館と予定".to_string()),
                image: None,
                action: actions::postback(
                    "見る",
                    &postback::centre(&section.path),
                    &view,
                    MAX_FLEX_LABEL_LEN,
                ),
                shortcuts: Vec::new(),
            },
        );
    }
    if items.is_empty() && !section.children.is_empty() {
        items.push(nothing_now(section));
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
    let intro = intro_messages(r, section)?;
    Ok(pages
        .into_iter()
        .map(|p| {
            // Each page of a long menu says which it is: notifications tell them apart.
            let alt = match p.number {
                1 => format!("{title}（{}件）", items.len()),
                n => format!("{title}（{}件・{n}ページ目）", items.len()),
            };
            let msg = flex::flex_message(&alt, p.carousel);
            // The introduction comes first, above the cards, on the menu's first page only.
            let mut messages = if p.number == 1 { intro.clone() } else { Vec::new() };
            messages.push(msg);
            let draft = Draft {
                messages,
                quick_reply: section.path.clone(),
                file: section.source.file.clone(),
                origin: Origin::Section(section.path.clone()),
            };
            (postback::menu(&section.path, p.number), draft)
        })
        .collect())
}

/// The card of a section whose pages have all passed (every event is over).
fn nothing_now(section: &Section) -> MenuItem {
    MenuItem {
        title: "いまご案内できるものはありません".to_string(),
        summary: Some("新しい予定が決まりしだい、ここでお知らせします。".to_string()),
        image: None,
        action: actions::postback(
            "メニューへ",
            &postback::menu("", 1),
            &section.title,
            MAX_FLEX_LABEL_LEN,
        ),
        shortcuts: Vec::new(),
    }
}

/// A section's introduction (the body of its `_index.md`) as messages, rendered like a page
/// under the section's title; none for the top menu, whose `_index.md` body is the welcome.
fn intro_messages(r: &Renderer, section: &Section) -> Result<Vec<Value>, LookupError> {
    if section.intro.is_empty() || section.path.is_empty() {
        return Ok(Vec::new());
    }
    let view =
        PageView { title: section.title.clone(), image: None, event: None, buttons: Vec::new() };
    let (bubbles, parts) = flex::page_bubbles(r, &view, &section.intro)
        .map_err(|e| page_error(e, &section.source, &section.intro))?;
    // What it says, without the link buttons that repeat the linked words.
    let said: Vec<Block> =
        section.intro.iter().filter(|b| !matches!(b, Block::Links { .. })).cloned().collect();
    let text = crate::markdown::plain_text(&said).replace('\n', " ");
    let alt = format!("{}｜{}", section.title, flex::clip(&text, INTRO_ALT_CHARS));
    let messages = carousel_messages(&alt, bubbles)
        .map_err(|first| too_long(&section.source, &section.intro, &parts, first))?;
    if messages.len() >= MAX_MESSAGES {
        // The menu's cards need the last message of the reply.
        let at = locate::block(&section.source, &section.intro[0]);
        return Err(LookupError::TooLong {
            file: at.file,
            pos: at.pos,
            message: format!(
                "セクションの紹介が長すぎて、メニューと合わせて LINE の1回の返信（吹き出し{MAX_MESSAGES}個まで）に入りません"
            ),
            hint: "紹介は数行にして、くわしいことはページに書いてください".into(),
        });
    }
    Ok(messages)
}

/// Characters of a section's introduction in its altText (after the section's title).
const INTRO_ALT_CHARS: usize = 100;

fn menu_item(site: &Site, dir: &Path, child: &Child, day: Option<Date>) -> MenuItem {
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
                .filter(|c| shows(site, c, day))
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
    if r.direct().card {
        return Ok(flex::direct_card(&page.title, page.summary.as_deref(), section, &action));
    }
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
