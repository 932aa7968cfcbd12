//! Promotion: what makes parents add the account, and what tells staff which promotion worked.
//!
//! From `line_id:`, `promo:` and `summary:` of `content/_index.md` (checked in
//! [`crate::spec::promo`]) the build makes, under `dist/promo/`, for every channel an A4
//! poster and a business card as PDF (for a print shop) and PNG (for the website and 広報紙),
//! each with the add-friend QR code and the channel's code in small print; `snippet.html`, a
//! button and QR code for the city's website; and `index.html`, the overview staff print from.
//!
//! In the chat ([`chat`]): new friends are asked where they heard of the account, each
//! channel's code typed as a message counts as an answer, and a share button lets a parent
//! forward the account (built in [`crate::lookup`]: the welcome and the top menu carry it).
//!
//! - `qr` encodes the add-friend URL; `sheet` lays a poster or card out in millimetres;
//! - `pdf` and `raster` draw a sheet as PDF and PNG from the same shapes;
//! - `web` writes the HTML.
//!
//! Printables are build output like the rich-menu images: the runtime never reads them.

pub mod chat;
mod pdf;
mod qr;
mod raster;
mod sheet;
mod web;

#[cfg(test)]
mod tests;

use rayon::prelude::*;

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::paint::text::missing_chars;
use crate::spec::promo::{Channel, Promo};

/// Directory of the printables inside the bundle directory.
pub const DIR: &str = "promo";
/// Resolution of the poster PNG: sharp enough for a newsletter page, small enough for the web.
pub const POSTER_DPI: u32 = 200;
/// Resolution of the card PNG: a card is small, so it gets print resolution.
pub const CARD_DPI: u32 = 300;

/// A printable's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A4 portrait.
    Poster,
    /// 91 × 55 mm.
    Card,
}

impl Kind {
    const ALL: [Kind; 2] = [Kind::Poster, Kind::Card];

    /// In file names.
    fn word(self) -> &'static str {
        match self {
            Kind::Poster => "poster",
            Kind::Card => "card",
        }
    }

    /// For staff.
    fn name(self) -> &'static str {
        match self {
            Kind::Poster => "ポスター",
            Kind::Card => "カード",
        }
    }

    fn dpi(self) -> u32 {
        match self {
            Kind::Poster => POSTER_DPI,
            Kind::Card => CARD_DPI,
        }
    }

    fn thumbnail_width(self) -> u32 {
        match self {
            Kind::Poster => 180,
            Kind::Card => 240,
        }
    }

    fn sheet(self, w: sheet::Words<'_>, qr: &qr::Matrix) -> Result<sheet::Sheet, sheet::TooLong> {
        match self {
            Kind::Poster => sheet::poster(w, qr),
            Kind::Card => sheet::card(w, qr),
        }
    }
}

/// One printable's files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Printable {
    /// The channel id.
    pub channel: String,
    /// Poster or card.
    pub kind: Kind,
    /// File name of the PDF under `promo/`.
    pub pdf_name: String,
    /// File name of the PNG under `promo/`.
    pub png_name: String,
}

/// A file of the bundle directory: relative path and contents.
type File = (String, Vec<u8>);

/// Everything promotion adds to the build.
#[derive(Debug, Default)]
pub struct Compiled {
    /// Files under the bundle directory (`promo/…`).
    pub files: Vec<File>,
    /// The question appended to the follow reply (when there are channels).
    pub question: Option<serde_json::Value>,
    /// The replies to its answers, by postback data.
    pub answers: Vec<(String, crate::lookup::Draft)>,
    /// Channel codes for the keyword table: normalised code → answer postback data.
    pub keywords: Vec<(String, String)>,
}

/// Makes the printables of the account's channels (only lays them out, when `draw` is false),
/// reporting content that cannot be printed.
pub fn compile(site: &Site, draw: bool, diags: &mut Diagnostics) -> Option<Compiled> {
    let account = &site.account;
    let promo = account.promo.as_ref()?;
    let url = bundle::promo::add_friend_url(&promo.line_id);
    let Ok(qr) = qr::Matrix::encode(&url) else {
        // A LINE ID is at most a few dozen characters: this cannot happen for a checked one.
        diags.push(Diagnostic::error(&account.source.file, promo.pos, "QR コードを作れません"));
        return None;
    };
    let question = chat::question(promo);
    let answers = chat::answer_replies(site, promo);
    let keywords = chat::code_keywords(site, promo, diags);
    // Without a summary there is nothing to lay out; its absence is reported where
    // `summary:` is checked, so the printables are simply not made.
    if !promo.channels.is_empty() && account.summary.is_none() {
        return None;
    }
    let summary = account.summary.as_deref().unwrap_or_default();
    if !promo.channels.is_empty() && !printable_text(site, summary, diags) {
        return None;
    }
    let printables = printables(promo);
    let rendered: Vec<Result<Vec<File>, RenderError>> = promo
        .channels
        .par_iter()
        .flat_map_iter(|c| Kind::ALL.map(|k| (c, k)))
        .map(|(c, kind)| render(&account.title, summary, promo, c, kind, &qr, draw))
        .collect();
    let mut files = Vec::new();
    for r in rendered {
        match r {
            Ok(f) => files.extend(f),
            Err(e) => {
                diags.push(e.diagnostic(site));
                return None;
            }
        }
    }
    let snippet = web::snippet(&account.title, promo, &qr);
    let index = web::index(&account.title, promo, &snippet, &printables);
    files.push((format!("{DIR}/snippet.html"), snippet.into_bytes()));
    files.push((format!("{DIR}/index.html"), index.into_bytes()));
    Some(Compiled { files, question, answers, keywords })
}

/// The files of every channel, in channel order.
fn printables(promo: &Promo) -> Vec<Printable> {
    promo
        .channels
        .iter()
        .flat_map(|c| {
            Kind::ALL.map(|kind| Printable {
                channel: c.id.clone(),
                kind,
                pdf_name: format!("{}-{}.pdf", c.id, kind.word()),
                png_name: format!("{}-{}.png", c.id, kind.word()),
            })
        })
        .collect()
}

/// Why a printable could not be made.
#[derive(Debug)]
enum RenderError {
    /// Content text does not fit at a legible size.
    TooLong(Kind, sheet::TooLong),
    /// The PDF writer failed (the font subsetter's message).
    Pdf(String),
}

impl RenderError {
    fn diagnostic(&self, site: &Site) -> Diagnostic {
        let source = &site.account.source;
        match self {
            RenderError::TooLong(kind, what) => {
                let (key, hint) = match what {
                    sheet::TooLong::Title => (
                        "title",
                        "アカウント名を短くするか、区切りの良いところにスペースを入れてください",
                    ),
                    sheet::TooLong::Summary => (
                        "summary",
                        "summary を短くするか、区切りの良いところにスペースを入れてください",
                    ),
                };
                Diagnostic::error(
                    &source.file,
                    key_pos(&source.text, key),
                    format!("{key} が長すぎて{}に読める大きさで入りません", kind.name()),
                )
                .with_hint(hint)
            }
            RenderError::Pdf(why) => {
                Diagnostic::error(&source.file, (1, 1), format!("PDF を作れません: {why}"))
            }
        }
    }
}

/// One printable as PDF and PNG.
fn render(
    title: &str,
    summary: &str,
    promo: &Promo,
    channel: &Channel,
    kind: Kind,
    qr: &qr::Matrix,
    draw: bool,
) -> Result<Vec<File>, RenderError> {
    let words = sheet::Words { title, summary, line_id: &promo.line_id, code: &channel.code };
    let sheet = kind.sheet(words, qr).map_err(|e| RenderError::TooLong(kind, e))?;
    if !draw {
        return Ok(Vec::new());
    }
    let doc_title = format!("{title} {}（{}）", kind.name(), channel.label);
    let pdf = pdf::pdf(&sheet, qr, &doc_title).map_err(|e| RenderError::Pdf(e.0))?;
    let png = raster::png(&sheet, qr, kind.dpi());
    let name = |ext: &str| format!("{DIR}/{}-{}.{ext}", channel.id, kind.word());
    Ok(vec![(name("pdf"), pdf), (name("png"), png)])
}

/// Whether the account name and summary can be drawn with the embedded font.
fn printable_text(site: &Site, summary: &str, diags: &mut Diagnostics) -> bool {
    let account = &site.account;
    let mut ok = true;
    for (key, text) in [("title", account.title.as_str()), ("summary", summary)] {
        let missing = missing_chars(text);
        if !missing.is_empty() {
            let chars: String = missing.iter().collect();
            diags.push(
                Diagnostic::error(
                    &account.source.file,
                    key_pos(&account.source.text, key),
                    format!(
                        "{key} の「{chars}」はポスターに印刷できません（フォントにない文字です）"
                    ),
                )
                .with_hint("絵文字や特殊な記号を外してください"),
            );
            ok = false;
        }
    }
    ok
}

/// Line and column of the value of top-level front matter `key` in `text` (else the file's start).
fn key_pos(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .skip(1)
        .take_while(|(_, l)| l.trim_end() != "---")
        .find_map(|(i, l)| {
            let (k, v) = l.split_once(':')?;
            (k.trim() == key).then(|| (i + 1, k.len() + 2 + (v.len() - v.trim_start().len())))
        })
        .unwrap_or((1, 1))
}
