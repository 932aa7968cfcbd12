//! `richmenu:` as staff write it in the front matter of `content/_index.md`.
//!
//! Every value a diagnostic may point at is [`Spanned`], so a mistake comes back with the line
//! and column it is on. The keys are documented for staff in `content/README.md`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_saphyr::Spanned;

/// `richmenu:`: the main menu and, optionally, more menus shown as tabs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuSpec {
    /// `large` (2500×1686, the default), `compact` (2500×843) or `WIDTHxHEIGHT`.
    pub size: Option<Spanned<String>>,
    /// Text of the bar under the chat that opens and closes the menu.
    pub chat_bar: Option<Spanned<String>>,
    /// Rows of the grid (default 2).
    pub rows: Option<Spanned<u32>>,
    /// Columns of the grid (default 3).
    pub columns: Option<Spanned<u32>>,
    /// `assets/<file>`: a finished image made by staff; then nothing is drawn.
    pub image: Option<Spanned<String>>,
    /// The buttons, filling the grid row by row.
    pub areas: Spanned<Vec<Spanned<AreaSpec>>>,
    /// More menus by tab name; an area with `target: tab:<name>` switches to one.
    pub tabs: Option<BTreeMap<String, Spanned<TabSpec>>>,
}

/// One entry of `tabs:`: a menu of the same size as the main one.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TabSpec {
    /// Chat bar text while this tab is shown (default: the main menu's).
    pub chat_bar: Option<Spanned<String>>,
    /// Rows of the grid (default 2).
    pub rows: Option<Spanned<u32>>,
    /// Columns of the grid (default 3).
    pub columns: Option<Spanned<u32>>,
    /// A finished image made by staff, as for the main menu.
    pub image: Option<Spanned<String>>,
    /// The buttons, filling the grid row by row.
    pub areas: Spanned<Vec<Spanned<AreaSpec>>>,
}

/// One button of a menu.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaSpec {
    /// Text drawn on the button (and read out by screen readers).
    pub label: Spanned<String>,
    /// `assets/<file>.png` drawn above the label.
    pub icon: Option<Spanned<String>>,
    /// A section or page path, an `https://` address, `tel:<number>` or `tab:<name>`.
    pub target: Spanned<String>,
}

/// The parsed `richmenu:` of an account, with what is needed to locate its values.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The menu as written.
    pub menu: MenuSpec,
    /// Where the `richmenu:` value starts (line, column in the file).
    pub pos: (usize, usize),
    /// File line of the first front matter line (YAML positions count from there).
    pub yaml_line: usize,
}

impl Spec {
    /// Wraps the front matter value; `yaml_line` is the file line the YAML starts on.
    pub fn new(menu: Spanned<MenuSpec>, yaml_line: usize) -> Self {
        let pos = super::pos(&menu, yaml_line);
        Spec { menu: menu.value, pos, yaml_line }
    }

    /// Line and column of a value in the file.
    pub fn pos<T>(&self, s: &Spanned<T>) -> (usize, usize) {
        super::pos(s, self.yaml_line)
    }
}
