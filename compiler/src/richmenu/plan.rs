//! Checking `richmenu:` against the site and LINE's limits, and turning it into menus to
//! build: one [`MenuPlan`] per menu, each button with its LINE action (from `target`).
//!
//! Every problem is reported (not only the first), located at the value it is about.

use std::collections::BTreeMap;

use serde_json::Value;
use serde_saphyr::Spanned;
use tiny_skia::Pixmap;

use bundle::limits::{MAX_ALIAS_LEN, MAX_AREAS, MAX_CHAT_BAR_LEN, MAX_RICHMENU_LABEL_LEN};
use bundle::postback;

use super::limits;
use super::{ALIAS_PREFIX, Cx, MAIN_TAB, alias};
use crate::spec::richmenu::AreaSpec;

/// The `large` size
/// (<https://developers.line.biz/en/docs/messaging-api/using-rich-menus/#prepare-a-rich-menu-image>).
pub const LARGE: (u32, u32) = (2500, 1686);
/// The `compact` size
/// (<https://developers.line.biz/en/docs/messaging-api/using-rich-menus/#prepare-a-rich-menu-image>).
pub const COMPACT: (u32, u32) = (2500, 843);
/// Most rows; not a LINE rule, but more would make labels too small to read on a phone.
pub const MAX_ROWS: u32 = 4;
/// Most columns (as [`MAX_ROWS`]).
pub const MAX_COLUMNS: u32 = 5;
/// Chat bar text when none is given.
pub const DEFAULT_CHAT_BAR: &str = "メニュー";
/// Grid when neither `rows` nor `columns` is given.
const DEFAULT_GRID: (u32, u32) = (2, 3);

/// One menu to build.
#[derive(Debug)]
pub struct MenuPlan {
    /// Tab name ([`MAIN_TAB`] for the main menu).
    pub tab: String,
    /// Rich menu alias ID.
    pub alias: String,
    /// Image size in pixels.
    pub size: (u32, u32),
    /// `chatBarText`.
    pub chat_bar: String,
    /// Grid rows.
    pub rows: u32,
    /// Grid columns.
    pub columns: u32,
    /// Buttons, row by row (may be fewer than the grid has cells).
    pub cells: Vec<CellPlan>,
    /// A staff-made image, when given: `(bytes, "png" or "jpg")`.
    pub image: Option<(Vec<u8>, &'static str)>,
}

/// One button.
#[derive(Debug)]
pub struct CellPlan {
    /// Label as drawn.
    pub label: String,
    /// Where the label was written.
    pub pos: (usize, usize),
    /// The LINE action.
    pub action: Value,
    /// Decoded icon.
    pub icon: Option<Pixmap>,
    /// True when the button switches to the menu it is on (drawn as the current tab).
    pub active: bool,
}

/// What one menu's settings look like, for the main menu and the tabs alike.
struct Grid<'a> {
    chat_bar: Option<&'a Spanned<String>>,
    rows: Option<&'a Spanned<u32>>,
    columns: Option<&'a Spanned<u32>>,
    image: Option<&'a Spanned<String>>,
    areas: &'a Spanned<Vec<Spanned<AreaSpec>>>,
}

/// Checks the spec and plans every menu: the main one first, then the tabs by name.
pub fn plan(cx: &mut Cx<'_>) -> Vec<MenuPlan> {
    let spec = &cx.spec.menu;
    let size = size(cx, spec.size.as_ref());
    let tabs: Vec<&str> = spec.tabs.iter().flatten().map(|(k, _)| k.as_str()).collect();
    for (name, tab) in spec.tabs.iter().flatten() {
        let pos = tab_pos(cx, name, tab);
        check_tab_name(cx, name, pos);
    }
    let main_bar = chat_bar(cx, spec.chat_bar.as_ref(), DEFAULT_CHAT_BAR);
    let main = Grid {
        chat_bar: None,
        rows: spec.rows.as_ref(),
        columns: spec.columns.as_ref(),
        image: spec.image.as_ref(),
        areas: &spec.areas,
    };
    let mut out = vec![menu(cx, MAIN_TAB, &main, size, &main_bar, &tabs)];
    for (name, tab) in spec.tabs.iter().flatten() {
        let t = &tab.value;
        let grid = Grid {
            chat_bar: t.chat_bar.as_ref(),
            rows: t.rows.as_ref(),
            columns: t.columns.as_ref(),
            image: t.image.as_ref(),
            areas: &t.areas,
        };
        out.push(menu(cx, name, &grid, size, &main_bar, &tabs));
    }
    report_unreached_tabs(cx, &out);
    out
}

fn menu(
    cx: &mut Cx<'_>,
    tab: &str,
    g: &Grid<'_>,
    size: (u32, u32),
    main_bar: &str,
    tabs: &[&str],
) -> MenuPlan {
    let chat_bar = match g.chat_bar {
        Some(_) => chat_bar(cx, g.chat_bar, main_bar),
        None => main_bar.to_string(),
    };
    let (rows, columns) = grid(cx, g);
    let image = g.image.and_then(|i| supplied_image(cx, i, size));
    if let (Some(i), Some(a)) = (g.image, g.areas.value.iter().find(|a| a.value.icon.is_some())) {
        let pos = a.value.icon.as_ref().map_or(cx.spec.pos(i), |s| cx.spec.pos(s));
        cx.error(
            pos,
            "image を指定したメニューには icon を使えません",
            "アイコンは image の画像に描き込むか、image を外してください",
        );
    }
    let cells =
        g.areas.value.iter().map(|a| cell(cx, &a.value, tab, tabs, g.image.is_none())).collect();
    MenuPlan {
        alias: alias(tab),
        tab: tab.to_string(),
        size,
        chat_bar,
        rows,
        columns,
        cells,
        image,
    }
}

fn size(cx: &mut Cx<'_>, s: Option<&Spanned<String>>) -> (u32, u32) {
    let Some(s) = s else { return LARGE };
    let pos = cx.spec.pos(s);
    let v = s.value.trim();
    let parsed = match v {
        "large" => Some(LARGE),
        "compact" => Some(COMPACT),
        _ => v
            .split_once(['x', 'X', '×'])
            .and_then(|(w, h)| Some((w.trim().parse().ok()?, h.trim().parse().ok()?))),
    };
    let hint = "large（2500×1686）か compact（2500×843）、または 1200x810 のように 幅x高さ で書いてください";
    match parsed {
        None => {
            cx.error(pos, format!("size「{v}」が読めません"), hint);
            LARGE
        }
        Some((w, h)) => match limits::size_problem(w, h) {
            Some(problem) => {
                cx.error(
                    pos,
                    format!("リッチメニューの大きさ {w}×{h} は使えません: {problem}"),
                    hint,
                );
                LARGE
            }
            None => (w, h),
        },
    }
}

fn chat_bar(cx: &mut Cx<'_>, s: Option<&Spanned<String>>, default: &str) -> String {
    let Some(s) = s else { return default.to_string() };
    let text = s.value.trim();
    let n = text.chars().count();
    if n == 0 || n > MAX_CHAT_BAR_LEN {
        cx.error(
            cx.spec.pos(s),
            format!("chat_bar「{text}」は1〜{MAX_CHAT_BAR_LEN}文字にしてください（{n}文字）"),
            "トーク画面の下のバーに出る文字です。「メニューを開く」のように短くしてください",
        );
    }
    text.to_string()
}

fn grid(cx: &mut Cx<'_>, g: &Grid<'_>) -> (u32, u32) {
    let n = g.areas.value.len() as u32;
    let areas_pos = cx.spec.pos(g.areas);
    let mut valid = true;
    let mut dim = |s: Option<&Spanned<u32>>, key: &str, max: u32| -> Option<u32> {
        let s = s?;
        if !(1..=max).contains(&s.value) {
            valid = false;
            cx.error(
                cx.spec.pos(s),
                format!("{key} は1〜{max}にしてください（{}）", s.value),
                "マスが小さすぎると、スマートフォンで文字が読めなくなります",
            );
            return Some(s.value.clamp(1, max));
        }
        Some(s.value)
    };
    let rows = dim(g.rows, "rows", MAX_ROWS);
    let columns = dim(g.columns, "columns", MAX_COLUMNS);
    let (rows, columns) = match (rows, columns) {
        (Some(r), Some(c)) => (r, c),
        (Some(r), None) => (r, n.div_ceil(r).clamp(1, MAX_COLUMNS)),
        (None, Some(c)) => (n.div_ceil(c).clamp(1, MAX_ROWS), c),
        (None, None) => DEFAULT_GRID,
    };
    if n == 0 {
        cx.error(
            areas_pos,
            "areas にボタンがありません",
            "「- {label: …, target: …}」を1つ以上書いてください",
        );
    } else if n as usize > MAX_AREAS {
        cx.error(
            areas_pos,
            format!("ボタンが多すぎます（{n}個、{MAX_AREAS}個まで）"),
            "LINE のリッチメニューのボタンは20個までです。タブ（tabs）に分けてください",
        );
    } else if n > rows * columns && valid {
        cx.error(
            areas_pos,
            format!(
                "ボタンが{n}個ありますが、マスは{rows}行×{columns}列の{}個です",
                rows * columns
            ),
            "rows（行）と columns（列）を増やすか、ボタンを減らしてください",
        );
    } else if n < rows * columns && valid {
        cx.warning(
            areas_pos,
            format!("{rows}行×{columns}列のマスのうち{}個が空いています", rows * columns - n),
            "ボタンを足すか、rows・columns を減らしてください",
        );
    }
    (rows, columns)
}

/// Where the key of tab `name` is written: the nearest line at or above its value that
/// starts with `name:` (YAML gives positions of values only).
fn tab_pos<T>(cx: &Cx<'_>, name: &str, value: &Spanned<T>) -> (usize, usize) {
    let (line, column) = cx.spec.pos(value);
    let text = &cx.site.account.source.text;
    let lines: Vec<&str> = text.lines().take(line).collect();
    let key = format!("{name}:");
    lines
        .iter()
        .enumerate()
        .rev()
        .find_map(|(i, l)| {
            let indent = l.len() - l.trim_start().len();
            l.trim_start().starts_with(&key).then(|| (i + 1, l[..indent].chars().count() + 1))
        })
        .unwrap_or((line, column))
}

/// True when `name` can be a tab name.
fn valid_tab_name(name: &str) -> bool {
    name != MAIN_TAB
        && name.len() <= MAX_ALIAS_LEN - ALIAS_PREFIX.len()
        && limits::is_alias_id(name)
}

fn check_tab_name(cx: &mut Cx<'_>, name: &str, pos: (usize, usize)) {
    let max = MAX_ALIAS_LEN - ALIAS_PREFIX.len();
    if !valid_tab_name(name) {
        cx.error(
            pos,
            format!("タブの名前「{name}」は使えません"),
            format!("英小文字・数字・-・_ で{max}文字までにしてください（{MAIN_TAB} は最初のメニューの名前です）"),
        );
    }
}

fn cell(cx: &mut Cx<'_>, a: &AreaSpec, tab: &str, tabs: &[&str], drawn: bool) -> CellPlan {
    let pos = cx.spec.pos(&a.label);
    let label = a.label.value.trim().to_string();
    let n = label.chars().count();
    if n == 0 || n > MAX_RICHMENU_LABEL_LEN {
        cx.error(
            pos,
            format!(
                "ボタンの文字「{label}」は1〜{MAX_RICHMENU_LABEL_LEN}文字にしてください（{n}文字）"
            ),
            "短い言葉にすると、スマートフォンでも大きく読みやすくなります",
        );
    }
    let missing = crate::paint::text::missing_chars(&label);
    if drawn && !missing.is_empty() {
        let list: String = missing.iter().collect();
        cx.error(
            pos,
            format!("ボタンの文字「{label}」の「{list}」は画像に描けません"),
            "絵文字や特殊な記号を外してください",
        );
    }
    let icon = a.icon.as_ref().filter(|_| drawn).and_then(|i| icon(cx, i));
    let target = a.target.value.trim();
    let active = target.strip_prefix(postback::TAB) == Some(tab);
    let action = super::target::action(cx, &label, &a.target, tabs).unwrap_or(Value::Null);
    CellPlan { label, pos, action, icon, active }
}

/// Reads an asset file named `assets/<name>` (or `<name>`), reporting a missing one.
fn read_asset(cx: &mut Cx<'_>, s: &Spanned<String>, what: &str) -> Option<(String, Vec<u8>)> {
    let pos = cx.spec.pos(s);
    let v = s.value.trim();
    let name = v.strip_prefix("assets/").unwrap_or(v);
    let file = cx.site.assets.iter().find(|(n, _)| n == name).map(|(_, f)| f.clone());
    match file.and_then(|f| std::fs::read(f).ok()) {
        Some(bytes) => Some((name.to_string(), bytes)),
        None => {
            cx.error(
                pos,
                format!("{what}「assets/{name}」が見つかりません"),
                "content/assets/ に画像を置き、assets/ファイル名 で指定してください",
            );
            None
        }
    }
}

fn icon(cx: &mut Cx<'_>, s: &Spanned<String>) -> Option<Pixmap> {
    let (name, bytes) = read_asset(cx, s, "アイコン")?;
    match Pixmap::decode_png(&bytes) {
        Ok(p) => Some(p),
        Err(_) => {
            cx.error(
                cx.spec.pos(s),
                format!("アイコン「assets/{name}」を PNG として読めません"),
                "アイコンは PNG（背景が透明なものがおすすめ）にしてください",
            );
            None
        }
    }
}

fn supplied_image(
    cx: &mut Cx<'_>,
    s: &Spanned<String>,
    size: (u32, u32),
) -> Option<(Vec<u8>, &'static str)> {
    let (name, bytes) = read_asset(cx, s, "リッチメニューの画像")?;
    let pos = cx.spec.pos(s);
    let problems = limits::check_image(&bytes, size);
    for p in &problems {
        cx.error(
            pos,
            format!("リッチメニューの画像「assets/{name}」: {p}"),
            format!(
                "{}×{} ピクセル、1MB 以下の PNG か JPEG にしてください（size: を画像に合わせることもできます）",
                size.0, size.1
            ),
        );
    }
    let ext = if bytes.starts_with(b"\x89PNG") { "png" } else { "jpg" };
    problems.is_empty().then_some((bytes, ext))
}

fn report_unreached_tabs(cx: &mut Cx<'_>, menus: &[MenuPlan]) {
    let mut reached: BTreeMap<String, bool> =
        menus.iter().skip(1).map(|m| (m.alias.clone(), false)).collect();
    for m in menus {
        for c in &m.cells {
            if let Some(a) = c.action["richMenuAliasId"].as_str().filter(|a| *a != m.alias) {
                reached.insert(a.to_string(), true);
            }
        }
    }
    for (name, tab) in cx.spec.menu.tabs.iter().flatten() {
        if valid_tab_name(name) && reached.get(&alias(name)) == Some(&false) {
            let pos = tab_pos(cx, name, tab);
            cx.warning(
                pos,
                format!("タブ「{name}」へ切り替えるボタンがどのメニューにもありません"),
                format!("ほかのメニューの areas に target: tab:{name} のボタンを足してください"),
            );
        }
    }
}
