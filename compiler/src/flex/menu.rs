//! Section menus: a carousel of cards, one per child, paginated with a "次へ" card when a
//! section has more children than one carousel should hold.

use serde::Serialize;
use serde_json::Value;

use super::{Renderer, TemplateError};

/// Cards per carousel page. LINE allows 12 bubbles; one slot is kept for the "次へ" card.
pub const MENU_PAGE_SIZE: usize = 11;

/// One card of a menu.
#[derive(Debug, Clone, Serialize)]
pub struct MenuItem {
    /// Child title.
    pub title: String,
    /// Child summary.
    pub summary: Option<String>,
    /// `{url, aspect_ratio}`.
    pub image: Option<Value>,
    /// Tap that opens the child.
    pub action: Value,
    /// For a sub-section: taps that open its first children directly (saves a tap).
    pub shortcuts: Vec<Value>,
}

/// One rendered menu page.
#[derive(Debug)]
pub struct MenuPage {
    /// 1-based page number.
    pub number: usize,
    /// The carousel.
    pub carousel: Value,
}

/// Renders a section's menu pages; `next_action(n)` makes the tap that opens page `n`.
pub fn menu_pages(
    r: &Renderer,
    section_title: &str,
    items: &[MenuItem],
    next_action: impl Fn(usize, usize) -> Value,
) -> Result<Vec<MenuPage>, TemplateError> {
    #[derive(Serialize)]
    struct Section<'a> {
        title: &'a str,
    }
    #[derive(Serialize)]
    struct Next {
        action: Value,
        remaining: usize,
    }
    #[derive(Serialize)]
    struct Ctx<'a> {
        section: Section<'a>,
        items: &'a [MenuItem],
        next: Option<Next>,
    }
    let chunks: Vec<&[MenuItem]> =
        if items.is_empty() { vec![&[][..]] } else { items.chunks(MENU_PAGE_SIZE).collect() };
    let total = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, chunk)| {
            let number = i + 1;
            let remaining = items.len().saturating_sub(number * MENU_PAGE_SIZE);
            let next = (number < total)
                .then(|| Next { action: next_action(number + 1, remaining), remaining });
            let direct = r
                .direct()
                .menu
                .then(|| {
                    let next = next.as_ref().map(|n| (&n.action, n.remaining));
                    super::direct::menu(section_title, chunk, next)
                })
                .flatten();
            let carousel = match direct {
                Some(v) => v,
                None => {
                    let ctx = Ctx { section: Section { title: section_title }, items: chunk, next };
                    r.render("menu.json", ctx)?
                }
            };
            Ok(MenuPage { number, carousel })
        })
        .collect()
}
