//! The LINE rich menu: the always-visible button panel under the chat, defined by staff in
//! `richmenu:` of `content/_index.md` and drawn at build time.
//!
//! Stages, one module each:
//! - [`spec`] is the front matter as written;
//! - `plan` checks it against the site and LINE's limits, and `target` decides each
//!   button's action;
//! - `geometry` cuts the image into tap areas; [`crate::paint::text`] breaks and sizes labels
//!   with the embedded font; `draw` paints the PNG;
//! - [`limits`] re-checks the finished request JSON and image;
//! - [`format`](mod@format) is what goes into the bundle (`bundle.json` → `richmenu`) for
//!   a deploy step.
//!
//! Output files (under `dist/richmenu/`, through the pipeline's extra files): for every menu,
//! `<alias>.json` (the create request body) and `<alias>.png` (or `.jpg` for a staff image).
//! Builds are byte-identical: the font is embedded, drawing uses no SIMD approximations, and
//! the JSON has sorted keys.

mod draw;
mod geometry;
pub mod limits;
mod plan;
mod target;

#[cfg(test)]
mod tests;

use std::path::Path;

use rayon::prelude::*;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use bundle::{RichMenuBundle, RichMenuEntry};

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paint::text;
use crate::spec::richmenu::Spec;

/// Tab name of the main menu (`tab:main` switches back to it).
pub const MAIN_TAB: &str = "main";
/// Prefix of every alias ID this project creates (`oyako-main`, `oyako-<tab>`).
pub const ALIAS_PREFIX: &str = "oyako-";
/// Directory of the menu files inside the bundle directory.
pub const DIR: &str = "richmenu";

/// Checking context.
pub struct Cx<'a> {
    /// The account file.
    pub file: &'a Path,
    /// The spec being checked.
    pub spec: &'a Spec,
    /// The site (targets, assets).
    pub site: &'a Site,
    /// Problems found.
    pub diags: Diagnostics,
}

impl Cx<'_> {
    pub(super) fn error(
        &mut self,
        pos: (usize, usize),
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::error(self.file, pos, msg).with_hint(hint));
    }

    pub(super) fn warning(
        &mut self,
        pos: (usize, usize),
        msg: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.diags.push(Diagnostic::warning(self.file, pos, msg).with_hint(hint));
    }
}

/// Alias ID of a tab's menu.
pub fn alias(tab: &str) -> String {
    format!("{ALIAS_PREFIX}{tab}")
}

/// The compiled menus: the bundle part and the files to write (relative path, bytes).
#[derive(Debug)]
pub struct Compiled {
    /// What goes into `bundle.json`.
    pub bundle: RichMenuBundle,
    /// `richmenu/<alias>.json` and `richmenu/<alias>.png` for every menu.
    pub files: Vec<(String, Vec<u8>)>,
}

/// Checks and builds the account's rich menus; `None` when it has none or on errors (which
/// go into `diags`, with warnings).
pub fn compile(site: &Site, diags: &mut Diagnostics) -> Option<Compiled> {
    let spec = site.account.richmenu.as_ref()?;
    let file = site.account.source.file.as_path();
    let mut cx = Cx { file, spec, site, diags: Diagnostics::default() };
    let plans = plan::plan(&mut cx);
    let failed = cx.diags.has_errors();
    diags.extend(cx.diags);
    if failed {
        return None;
    }
    let built: Vec<Result<Built, Diagnostics>> =
        plans.par_iter().map(|p| build(file, spec.pos, p)).collect();
    let mut menus = Vec::new();
    let mut files = Vec::new();
    for b in built {
        match b {
            Ok(b) => {
                files.extend(b.files);
                menus.push(b.entry);
            }
            Err(d) => diags.extend(d),
        }
    }
    if menus.len() != plans.len() {
        return None;
    }
    let mut h = Sha256::new();
    for m in &menus {
        h.update(m.hash.as_bytes());
    }
    let content_hash = hex(&h.finalize());
    let default_alias = alias(MAIN_TAB);
    Some(Compiled { bundle: RichMenuBundle { content_hash, default_alias, menus }, files })
}

/// The actions of every button that could be planned, even when the menu has errors: the
/// three-tap rule then still runs on the rest of the site (the menu's own mistakes are
/// reported by [`compile`]).
pub fn planned_actions(site: &Site) -> Vec<Value> {
    let Some(spec) = site.account.richmenu.as_ref() else { return Vec::new() };
    let file = site.account.source.file.as_path();
    let mut cx = Cx { file, spec, site, diags: Diagnostics::default() };
    plan::plan(&mut cx).into_iter().flat_map(|p| p.cells).map(|c| c.action).collect()
}

struct Built {
    entry: RichMenuEntry,
    files: Vec<(String, Vec<u8>)>,
}

/// Lays out, draws and serialises one menu.
fn build(file: &Path, at: (usize, usize), p: &plan::MenuPlan) -> Result<Built, Diagnostics> {
    let bounds = geometry::grid(p.size.0, p.size.1, p.rows, p.columns);
    let (image, ext) = match &p.image {
        Some((bytes, ext)) => (bytes.clone(), *ext),
        None => (render(file, p, &bounds)?, "png"),
    };
    let areas: Vec<Value> = p
        .cells
        .iter()
        .zip(&bounds)
        .map(|(c, b)| json!({ "bounds": b, "action": c.action }))
        .collect();
    let mut request = json!({
        "size": { "width": p.size.0, "height": p.size.1 },
        "selected": true,
        "name": "",
        "chatBarText": p.chat_bar,
        "areas": areas,
    });
    let mut h = Sha256::new();
    h.update(serde_json::to_vec(&request).unwrap_or_default());
    h.update(&image);
    let hash = hex(&h.finalize());
    request["name"] = json!(format!("{} {}", p.alias, &hash[..16]));
    let mut problems = limits::check_request(&request);
    problems.extend(
        limits::check_image(&image, p.size)
            .into_iter()
            .map(|message| crate::validate::Violation { pointer: "(image)".into(), message }),
    );
    if !problems.is_empty() {
        let mut d = Diagnostics::default();
        for v in problems {
            d.push(
                Diagnostic::error(
                    file,
                    at,
                    format!(
                        "リッチメニュー（{}）が LINE の制限を超えています: {} {}",
                        p.alias, v.pointer, v.message
                    ),
                )
                .with_hint("ボタンの数や文字、画像を見直してください"),
            );
        }
        return Err(d);
    }
    let mut json_file = serde_json::to_vec_pretty(&request).unwrap_or_default();
    json_file.push(b'\n');
    let image_path = format!("{DIR}/{}.{ext}", p.alias);
    let entry = RichMenuEntry {
        tab: p.tab.clone(),
        alias: p.alias.clone(),
        hash,
        request,
        image: image_path.clone(),
        image_type: if ext == "png" { "image/png" } else { "image/jpeg" }.to_string(),
    };
    let files = vec![(format!("{DIR}/{}.json", p.alias), json_file), (image_path, image)];
    Ok(Built { entry, files })
}

/// Fits every label at one shared size and draws the menu as a PNG.
fn render(
    file: &Path,
    p: &plan::MenuPlan,
    bounds: &[geometry::Bounds],
) -> Result<Vec<u8>, Diagnostics> {
    let (min_px, max_px) = draw::text_px_range(p.size.0);
    let boxes: Vec<(f32, f32)> = p
        .cells
        .iter()
        .zip(bounds)
        .map(|(c, b)| draw::text_box(*b, p.size, c.icon.is_some()))
        .collect();
    let mut d = Diagnostics::default();
    let mut px = max_px;
    for (c, (w, h)) in p.cells.iter().zip(&boxes) {
        let best = text::best_size(&c.label, *w, *h, max_px);
        if best < min_px {
            d.push(
                Diagnostic::error(
                    file,
                    c.pos,
                    format!("ボタンの文字「{}」がマスに入りきりません", c.label),
                )
                .with_hint(
                    "文字を短くするか、rows（行）や columns（列）を減らすか、icon を外してください",
                ),
            );
        }
        px = px.min(best);
    }
    if !d.is_empty() {
        return Err(d);
    }
    let cells: Vec<draw::Cell<'_>> = p
        .cells
        .iter()
        .zip(bounds)
        .zip(&boxes)
        .map(|((c, b), (w, h))| draw::Cell {
            bounds: *b,
            lines: text::layout(&c.label, px, *w, *h),
            icon: c.icon.as_ref(),
            active: c.active,
        })
        .collect();
    Ok(crate::paint::encode_png(&draw::draw(p.size, &cells, px)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
