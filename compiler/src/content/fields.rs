//! Checks of single front-matter values — dates, events, images, links — each reported at
//! the line it was written on.

use std::path::Path;

use jiff::civil::Date;

use super::file::FileCx;
use super::front_matter::{self, LinkSpec};
use super::{Event, Image, Link, LinkTarget};
use crate::spec::pos;

/// Image file extensions LINE accepts.
const IMAGE_EXTENSIONS: &[&str] = &["png", "jpg", "jpeg"];

pub(super) fn date(cx: &mut FileCx<'_>, s: &serde_saphyr::Spanned<String>) -> Option<Date> {
    match s.value.trim().parse::<Date>() {
        Ok(d) => Some(d),
        Err(_) => {
            let pos = pos(s, cx.split.yaml_line);
            cx.error(
                pos,
                format!("日付「{}」が読めません", s.value),
                Some("2026-12-01 のように 年-月-日 で書いてください"),
            );
            None
        }
    }
}

pub(super) fn event(
    cx: &mut FileCx<'_>,
    e: &serde_saphyr::Spanned<front_matter::EventSpec>,
) -> Option<Event> {
    let date_spanned = serde_saphyr::Spanned::new(e.value.date.clone(), e.referenced, e.defined);
    let date = date(cx, &date_spanned)?;
    Some(Event { date, time: e.value.time.clone(), place: e.value.place.clone() })
}

pub(super) fn image(
    cx: &mut FileCx<'_>,
    s: &serde_saphyr::Spanned<String>,
    assets: &[String],
) -> Option<Image> {
    let pos = pos(s, cx.split.yaml_line);
    let v = s.value.trim();
    if v.starts_with("https://") {
        return Some(Image::Url(v.to_string()));
    }
    if v.starts_with("http://") {
        cx.error(
            pos,
            "画像のURLは https:// で始まる必要があります",
            Some("LINE は https の画像しか表示できません"),
        );
        return None;
    }
    asset(cx, pos, v.strip_prefix("assets/").unwrap_or(v), assets).map(Image::Asset)
}

/// Largest image LINE shows in a Flex message, in pixels per side
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
pub const IMAGE_MAX_SIDE: usize = 1024;

/// Checks that `name` is a usable image under `content/assets/` and returns its pixel size.
pub fn asset_check(
    dir: &Path,
    name: &str,
    assets: &[String],
) -> Result<(usize, usize), (String, &'static str)> {
    let ext = name.rsplit('.').next().unwrap_or_default().to_ascii_lowercase();
    if !IMAGE_EXTENSIONS.contains(&ext.as_str()) {
        return Err((format!("画像「{name}」の形式は使えません"), "PNG か JPEG にしてください"));
    }
    if !assets.iter().any(|a| a == name) {
        return Err((
            format!("画像「assets/{name}」が見つかりません"),
            "content/assets/ に画像を置き、assets/ファイル名 で指定してください",
        ));
    }
    let size = imagesize::size(dir.join("assets").join(name)).map_err(|_| {
        (
            format!("画像「assets/{name}」を読み取れません"),
            "壊れていない PNG か JPEG を置いてください",
        )
    })?;
    let (w, h) = (size.width, size.height);
    if w > IMAGE_MAX_SIDE || h > IMAGE_MAX_SIDE {
        return Err((
            format!(
                "画像「assets/{name}」が大きすぎます（{w}×{h}、縦横{IMAGE_MAX_SIDE}ピクセルまで）"
            ),
            "画像を縮小してから置いてください",
        ));
    }
    Ok((w, h))
}

fn asset(
    cx: &mut FileCx<'_>,
    pos: (usize, usize),
    name: &str,
    assets: &[String],
) -> Option<String> {
    match asset_check(cx.dir, name, assets) {
        Ok(_) => Some(name.to_string()),
        Err((msg, hint)) => {
            cx.error(pos, msg, Some(hint));
            None
        }
    }
}

pub(super) fn link(cx: &mut FileCx<'_>, l: &serde_saphyr::Spanned<LinkSpec>) -> Option<Link> {
    let pos = pos(l, cx.split.yaml_line);
    let spec = l.value.clone();
    let label = spec.label.trim().to_string();
    if label.is_empty() || label.chars().count() > 20 {
        cx.error(
            pos,
            format!("リンクのラベル「{label}」は1〜20文字にしてください"),
            Some("ボタンに表示される文字です"),
        );
    }
    let target = match (spec.url, spec.tel.map(|t| t.into_string()), spec.page) {
        (Some(url), None, None) => LinkTarget::Url(url),
        (None, Some(tel), None) => LinkTarget::Tel(tel),
        (None, None, Some(page)) => {
            LinkTarget::Content(page.trim_matches('/').trim_end_matches(".md").to_string())
        }
        _ => {
            cx.error(pos, format!("リンク「{label}」には url・tel・page のどれか1つだけを書いてください"), Some(
                "「#8000」のように # で始まる番号は tel: \"#8000\" と引用符で囲んでください（# 以降はコメント扱いになります）",
            ));
            return None;
        }
    };
    if let Err((msg, hint)) = check_target(&target) {
        cx.error(pos, msg, Some(hint));
    }
    Some(Link { label, target, pos })
}

/// Checks what can be checked of a link target without the rest of the site.
pub fn check_target(t: &LinkTarget) -> Result<(), (String, &'static str)> {
    match t {
        LinkTarget::Url(u) if !(u.starts_with("https://") || u.starts_with("http://")) => Err((
            format!("URL「{u}」は https:// で始めてください"),
            "LINE で開ける Web ページのアドレスを書いてください",
        )),
        LinkTarget::Tel(n) if !is_dialable(n) => Err((
            format!("電話番号「{n}」が正しくありません"),
            "0479-62-1212、#8000、119 のように、電話でかける番号を書いてください",
        )),
        _ => Ok(()),
    }
}

/// What a phone keypad can dial: digits, `#`, `*`, a leading `+`, with `-`, spaces or
/// parentheses as separators.
pub fn is_dialable(n: &str) -> bool {
    let n = n.trim();
    n.chars().any(|c| c.is_ascii_digit())
        && n.chars()
            .enumerate()
            .all(|(i, c)| c.is_ascii_digit() || "#*-() ".contains(c) || (c == '+' && i == 0))
}
