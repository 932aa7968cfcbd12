//! Resolves what a page points at — links and images — into LINE actions and URLs, and
//! reports every target that does not exist at the line it was written on.

use std::path::Path;

use serde_json::{Value, json};

use crate::content::{Image, Link, LinkTarget, Page, Site, Source};
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use bundle::ASSET_URL_PREFIX;
use bundle::limits::MAX_FLEX_LABEL_LEN;
use bundle::postback;

use crate::flex::actions;
use crate::flex::pushed::PushedPage;
use crate::markdown::Block;

/// Resolves links and images in every page and the welcome message, in place.
pub fn resolve_site(site: &mut Site, content_dir: &Path, diags: &mut Diagnostics) {
    let pages: Vec<String> = site.pages.keys().cloned().collect();
    for path in &pages {
        let mut body = std::mem::take(&mut site.pages.get_mut(path).expect("listed above").body);
        let page = &site.pages[path];
        let cx = Cx { site, content_dir, source: &page.source, dir: parent_dir(path) };
        cx.blocks(&mut body, diags);
        for link in &page.links {
            cx.check_link(link, diags);
        }
        site.pages.get_mut(path).expect("listed above").body = body;
    }
    let sections: Vec<String> =
        site.sections.iter().filter(|(_, s)| !s.intro.is_empty()).map(|(k, _)| k.clone()).collect();
    for path in &sections {
        let mut intro =
            std::mem::take(&mut site.sections.get_mut(path).expect("listed above").intro);
        let section = &site.sections[path];
        // `a/b/_index.md` sits in folder `a/b`: relative links start there.
        let cx = Cx { site, content_dir, source: &section.source, dir: path };
        cx.blocks(&mut intro, diags);
        site.sections.get_mut(path).expect("listed above").intro = intro;
    }
    let mut welcome = std::mem::take(&mut site.account.welcome);
    let cx = Cx { site, content_dir, source: &site.account.source, dir: "" };
    cx.blocks(&mut welcome, diags);
    site.account.welcome = welcome;
}

/// The tap for a front-matter link (already checked by [`resolve_site`]).
pub fn link_action(site: &Site, link: &Link) -> Value {
    match &link.target {
        LinkTarget::Url(u) => actions::uri(&link.label, u, MAX_FLEX_LABEL_LEN),
        LinkTarget::Tel(n) => actions::tel(&link.label, n, MAX_FLEX_LABEL_LEN),
        LinkTarget::Content(p) => {
            content_action(site, p, &link.label).unwrap_or_else(|| broken_action(&link.label, p))
        }
    }
}

/// A well-formed tap standing in for a link whose target is missing. The missing target is
/// reported where it was written and fails the build; the stand-in only keeps the reply
/// checkable, so the other mistakes in it are found in the same run.
fn broken_action(label: &str, target: &str) -> Value {
    actions::postback(label, &postback::page(target), label, MAX_FLEX_LABEL_LEN)
}

/// Stand-in URL for an image that could not be used (reported; see [`broken_action`]).
const BROKEN_IMAGE: &str = "broken-image.png";

/// `{url, aspect_ratio}` for a front-matter image.
pub fn image_view(content_dir: &Path, image: &Image) -> Value {
    match image {
        Image::Url(u) => json!({ "url": u, "aspect_ratio": "20:13" }),
        Image::Asset(name) => {
            let ratio = image_size(&content_dir.join("assets").join(name))
                .map_or_else(|| "20:13".to_string(), |(w, h)| aspect_ratio(w, h));
            json!({ "url": format!("{ASSET_URL_PREFIX}{name}"), "aspect_ratio": ratio })
        }
    }
}

/// A postback tap opening a page or section by content path, labelled `label`.
pub fn content_action(site: &Site, path: &str, label: &str) -> Option<Value> {
    if let Some(p) = site.pages.get(path) {
        return Some(actions::postback(label, &postback::page(path), &p.title, MAX_FLEX_LABEL_LEN));
    }
    site.sections
        .get(path)
        .map(|s| actions::postback(label, &postback::menu(path, 1), &s.title, MAX_FLEX_LABEL_LEN))
}

struct Cx<'a> {
    site: &'a Site,
    content_dir: &'a Path,
    source: &'a Source,
    /// Directory of the file, as a content path (`ninshin`), for relative links.
    dir: &'a str,
}

impl Cx<'_> {
    fn pos(&self, offset: usize) -> (usize, usize) {
        SourceMap::new(&self.source.text).position(self.source.body_offset + offset)
    }

    fn error(&self, offset: usize, msg: String, hint: &str) -> Diagnostic {
        Diagnostic::error(&self.source.file, self.pos(offset), msg).with_hint(hint)
    }

    fn blocks(&self, blocks: &mut [Block], diags: &mut Diagnostics) {
        for block in blocks {
            match block {
                Block::List { children, .. }
                | Block::ListItem { children, .. }
                | Block::Quote { children, .. } => self.blocks(children, diags),
                Block::Links { links, .. } => {
                    for link in links {
                        match self.inline_action(&link.label, &link.dest) {
                            Ok(a) => link.action = Some(a),
                            Err((msg, hint)) => {
                                diags.push(self.error(link.offset, msg, hint));
                                link.action = Some(broken_action(&link.label, &link.dest));
                            }
                        }
                    }
                }
                Block::Image { src, url, aspect_ratio, offset, .. } => {
                    let (u, r) = self.image(src).unwrap_or_else(|(msg, hint)| {
                        diags.push(self.error(*offset, msg, hint));
                        (format!("{ASSET_URL_PREFIX}{BROKEN_IMAGE}"), "1:1".to_string())
                    });
                    (*url, *aspect_ratio) = (Some(u), Some(r));
                }
                _ => {}
            }
        }
    }

    fn inline_action(&self, label: &str, dest: &str) -> Result<Value, (String, &'static str)> {
        let label = if label.trim().is_empty() { dest } else { label };
        if dest.starts_with("https://") || dest.starts_with("http://") {
            return Ok(actions::uri(label, dest, MAX_FLEX_LABEL_LEN));
        }
        if let Some(number) = dest.strip_prefix("tel:") {
            let number = number.replace("%23", "#");
            crate::content::load_check_target(&LinkTarget::Tel(number.clone()))?;
            return Ok(actions::tel(label, &number, MAX_FLEX_LABEL_LEN));
        }
        if dest == postback::TIMED {
            let data = postback::timed(postback::TimedAction::Start);
            return Ok(actions::postback(label, &data, label, MAX_FLEX_LABEL_LEN));
        }
        if dest.contains(':') {
            return Err((
                format!("リンク「{dest}」は LINE では開けません"),
                "https://…（Webページ）、tel:…（電話）、ほかのページの .md、timed:（配信の登録）だけが使えます",
            ));
        }
        let path = resolve_relative(self.dir, dest);
        content_action(self.site, &path, label).ok_or_else(|| {
            (
                format!("リンク先「{dest}」（{path}）が見つかりません"),
                "リンク先のファイル名とフォルダを確かめてください",
            )
        })
    }

    fn check_link(&self, link: &Link, diags: &mut Diagnostics) {
        if let LinkTarget::Content(p) = &link.target
            && content_action(self.site, p, &link.label).is_none()
        {
            {
                diags.push(
                    Diagnostic::error(&self.source.file, link.pos, format!("リンク先のページ「{p}」が見つかりません"))
                        .with_hint("page: には content/ からのパスを .md なしで書いてください（例: ninshin/boshi-techo）"),
                );
            }
        }
    }

    fn image(&self, src: &str) -> Result<(String, String), (String, &'static str)> {
        if src.starts_with("https://") {
            return Ok((src.to_string(), "4:3".to_string()));
        }
        if src.starts_with("http://") {
            return Err((
                format!("画像「{src}」は https:// で始まる必要があります"),
                "LINE は https の画像しか表示できません",
            ));
        }
        let path = resolve_relative(self.dir, src);
        let name = path.strip_prefix("assets/").unwrap_or(&path);
        let asset_names: Vec<String> = self.site.assets.iter().map(|(n, _)| n.clone()).collect();
        let (w, h) = crate::content::load_asset_check(self.content_dir, name, &asset_names)?;
        Ok((format!("{ASSET_URL_PREFIX}{name}"), aspect_ratio(w, h)))
    }
}

/// Pixel size of an image file.
pub fn image_size(path: &Path) -> Option<(usize, usize)> {
    imagesize::size(path).ok().map(|s| (s.width, s.height))
}

/// LINE's `W:H` for a pixel size, kept within LINE's rule that H ≤ 3 × W.
pub fn aspect_ratio(w: usize, h: usize) -> String {
    let (w, h) = (w.max(1), h.clamp(1, 3 * w.max(1)));
    format!("{w}:{h}")
}

fn parent_dir(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Resolves a relative Markdown link (`../teate/jidou-teate.md`, `ninpu-kenshin.md#a`,
/// `../teate/`) against the content directory `dir` into a content path.
pub fn resolve_relative(dir: &str, dest: &str) -> String {
    let dest = dest.split(['#', '?']).next().unwrap_or_default();
    let (mut parts, rest): (Vec<&str>, &str) = match dest.strip_prefix('/') {
        Some(abs) => (Vec::new(), abs),
        None => (dir.split('/').filter(|s| !s.is_empty()).collect(), dest),
    };
    for seg in rest.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    let mut path = parts.join("/");
    for suffix in ["/_index.md", "_index.md", ".md"] {
        if let Some(p) = path.strip_suffix(suffix) {
            path = p.to_string();
            break;
        }
    }
    path
}

/// What a pushed card (a notice or a timed message) shows of `page`.
pub fn pushed<'a>(dir: &Path, page: &'a Page) -> PushedPage<'a> {
    PushedPage {
        path: &page.path,
        title: &page.title,
        summary: page.summary.as_deref(),
        hero: page.image.as_ref().map(|image| image_view(dir, image)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links() {
        assert_eq!(resolve_relative("ninshin", "ninpu-kenshin.md"), "ninshin/ninpu-kenshin");
        assert_eq!(resolve_relative("ninshin", "../teate/jidou-teate.md#a"), "teate/jidou-teate");
        assert_eq!(resolve_relative("ninshin", "../teate/_index.md"), "teate");
        assert_eq!(resolve_relative("ninshin", "../teate/"), "teate");
        assert_eq!(resolve_relative("a/b", "/kenshin/x.md"), "kenshin/x");
        assert_eq!(resolve_relative("", "../../x.md"), "x");
    }

    #[test]
    fn aspect_ratio_respects_line_bounds() {
        assert_eq!(aspect_ratio(1040, 680), "1040:680");
        assert_eq!(aspect_ratio(10, 100), "10:30");
    }
}
