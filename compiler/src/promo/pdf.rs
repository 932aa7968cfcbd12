//! A sheet as a one-page PDF for a print shop: vector shapes, the QR code as exact
//! rectangles, and the Japanese text as real text in the embedded font (a subset of IPAex
//! Gothic with only the glyphs used, as a CID-keyed TrueType font with a ToUnicode map, so the
//! text can be searched and copied).
//!
//! The file is the same for the same input: no creation date, and the document ID and the
//! font's subset tag are hashes of what is drawn. Text is placed glyph by glyph with the font's
//! own advances — the same widths the layout used — so the PDF and the PNG match.
//!
//! The font may be embedded: a PDF carrying IPA fonts (or parts of them) is a "Digital
//! Document File" under the IPA Font License v1.0 (Articles 1.5 and 2.5), and distributing
//! it carries no further obligations (`compiler/fonts/README.md`).

use std::collections::BTreeMap;

use ab_glyph::Font as _;
use pdf_writer::types::{
    CidFontType, FontFlags, LineJoinStyle, SystemInfo, TextRenderingMode, UnicodeCmap,
};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use sha2::{Digest, Sha256};

use super::qr::Matrix;
use super::sheet::{Rgb, Shape, Sheet};
use crate::paint::text::{self, BOLD, FONT_DATA};

/// Points per millimetre.
const PT: f32 = 72.0 / 25.4;
/// The font's resource name in the page.
const FONT: Name<'static> = Name(b"F1");
/// PostScript name of the embedded font.
const FONT_NAME: &str = "IPAexGothic";

/// Why a PDF could not be made (the subsetter refused the font: not expected for the
/// embedded font, but reported rather than hidden).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PdfError(pub String);

/// The glyphs a sheet uses, renumbered for the subset (new glyph id = CID).
struct Glyphs {
    remapper: subsetter::GlyphRemapper,
    /// CID → (character, advance in 1/1000 em).
    cids: BTreeMap<u16, (char, f32)>,
    /// Bounding box of the used glyphs, in 1/1000 em.
    bbox: [f32; 4],
}

impl Glyphs {
    fn of(sheet: &Sheet) -> Glyphs {
        let f = text::font();
        let upem = f.units_per_em().unwrap_or(1000.0);
        let mut chars: Vec<char> = sheet
            .shapes
            .iter()
            .filter_map(
                |s| if let Shape::Text { text, .. } = s { Some(text.chars()) } else { None },
            )
            .flatten()
            .collect();
        chars.sort_unstable();
        chars.dedup();
        let gids: Vec<u16> = chars.iter().map(|c| f.glyph_id(*c).0).collect();
        let remapper = subsetter::GlyphRemapper::new_from_glyphs_sorted(&gids);
        let mut cids = BTreeMap::new();
        let mut bbox = [0.0f32; 4];
        for (c, gid) in chars.iter().zip(&gids) {
            let id = ab_glyph::GlyphId(*gid);
            let cid = remapper.get(*gid).unwrap_or(0);
            cids.insert(cid, (*c, f.h_advance_unscaled(id) * 1000.0 / upem));
            if let Some([x0, y0, x1, y1]) = glyph_box(id) {
                bbox = [bbox[0].min(x0), bbox[1].min(y0), bbox[2].max(x1), bbox[3].max(y1)];
            }
        }
        Glyphs { remapper, cids, bbox }
    }

    /// The text as 2-byte CIDs (Identity-H).
    fn encode(&self, s: &str) -> Vec<u8> {
        let f = text::font();
        s.chars()
            .flat_map(|c| self.remapper.get(f.glyph_id(c).0).unwrap_or(0).to_be_bytes())
            .collect()
    }
}

/// A glyph's bounding box in 1/1000 em, y up (PDF's glyph space). ab_glyph's unscaled
/// bounds keep the font's units but may list the y extremes either way round, so both are
/// sorted here.
fn glyph_box(id: ab_glyph::GlyphId) -> Option<[f32; 4]> {
    let f = text::font();
    let k = 1000.0 / f.units_per_em().unwrap_or(1000.0);
    let b = f.outline(id)?.bounds;
    let (y0, y1) = (b.min.y.min(b.max.y), b.min.y.max(b.max.y));
    Some([b.min.x.min(b.max.x) * k, y0 * k, b.min.x.max(b.max.x) * k, y1 * k])
}

fn rgb(c: Rgb) -> (f32, f32, f32) {
    (f32::from(c.0) / 255.0, f32::from(c.1) / 255.0, f32::from(c.2) / 255.0)
}

/// The page's content stream (PDF space: points, y up from the bottom).
fn content(sheet: &Sheet, qr: &Matrix, glyphs: &Glyphs) -> Vec<u8> {
    let height = sheet.size.1 * PT;
    let mut c = Content::new();
    for shape in &sheet.shapes {
        match shape {
            Shape::Panel { rect, radius, fill } => {
                let (r, g, b) = rgb(*fill);
                c.set_fill_rgb(r, g, b);
                let (x, y, w, h) =
                    (rect.x * PT, height - (rect.y + rect.h) * PT, rect.w * PT, rect.h * PT);
                rounded_rect(&mut c, x, y, w, h, radius * PT);
                c.fill_nonzero();
            }
            Shape::Text { text, x, baseline, size, ink, bold } => {
                let (r, g, b) = rgb(*ink);
                let size = size * PT;
                c.begin_text();
                c.set_font(FONT, size);
                c.set_fill_rgb(r, g, b);
                if *bold {
                    c.set_stroke_rgb(r, g, b);
                    c.set_line_width(BOLD * size);
                    c.set_line_join(LineJoinStyle::RoundJoin);
                    c.set_text_rendering_mode(TextRenderingMode::FillStroke);
                } else {
                    c.set_text_rendering_mode(TextRenderingMode::Fill);
                }
                c.set_text_matrix([1.0, 0.0, 0.0, 1.0, x * PT, height - baseline * PT]);
                c.show(Str(&glyphs.encode(text)));
                c.end_text();
            }
            Shape::Qr { x, y, module } => {
                c.set_fill_rgb(0.0, 0.0, 0.0);
                let m = module * PT;
                let (x0, top) = (x * PT, height - y * PT);
                for (row, col, len) in qr.runs() {
                    c.rect(x0 + col as f32 * m, top - (row + 1) as f32 * m, len as f32 * m, m);
                }
                c.fill_nonzero();
            }
        }
    }
    c.finish().into_vec()
}

/// A rounded rectangle with its corners as cubic Béziers (the usual 0.5523 circle fit).
fn rounded_rect(c: &mut Content, x: f32, y: f32, w: f32, h: f32, r: f32) {
    const K: f32 = 0.552_284_8;
    let r = r.min(w / 2.0).min(h / 2.0);
    let (x1, y1) = (x + w, y + h);
    let k = K * r;
    c.move_to(x + r, y);
    c.line_to(x1 - r, y);
    c.cubic_to(x1 - r + k, y, x1, y + r - k, x1, y + r);
    c.line_to(x1, y1 - r);
    c.cubic_to(x1, y1 - r + k, x1 - r + k, y1, x1 - r, y1);
    c.line_to(x + r, y1);
    c.cubic_to(x + r - k, y1, x, y1 - r + k, x, y1 - r);
    c.line_to(x, y + r);
    c.cubic_to(x, y + r - k, x + r - k, y, x + r, y);
    c.close_path();
}

/// Six capital letters from a hash: the subset tag PDF requires before a subset font's name.
fn subset_tag(hash: &[u8]) -> String {
    hash.iter().take(6).map(|b| char::from(b'A' + b % 26)).collect()
}

/// Writes `sheet` as a one-page PDF titled `title`.
pub fn pdf(sheet: &Sheet, qr: &Matrix, title: &str) -> Result<Vec<u8>, PdfError> {
    let glyphs = Glyphs::of(sheet);
    let stream = content(sheet, qr, &glyphs);
    let subset = subsetter::subset(FONT_DATA, 0, &glyphs.remapper)
        .map_err(|e| PdfError(format!("{e:?}")))?;
    let hash =
        Sha256::new().chain_update(&stream).chain_update(&subset).chain_update(title).finalize();
    let base_font = format!("{}+{FONT_NAME}", subset_tag(&hash));
    let base = Name(base_font.as_bytes());

    let ids = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(Ref::new);
    let [catalog, tree, page, contents, type0, cid, descriptor, file, to_unicode, info] = ids;
    let mut pdf = Pdf::new();
    pdf.set_file_id((hash[..16].to_vec(), hash[..16].to_vec()));
    pdf.document_info(info).title(TextStr(title)).creator(TextStr("oyako"));
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree).kids([page]).count(1);
    let (w, h) = (sheet.size.0 * PT, sheet.size.1 * PT);
    let mut p = pdf.page(page);
    p.parent(tree).media_box(Rect::new(0.0, 0.0, w, h)).contents(contents);
    p.resources().fonts().pair(FONT, type0);
    p.finish();
    let deflate = |data: &[u8]| miniz_oxide::deflate::compress_to_vec_zlib(data, 9);
    pdf.stream(contents, &deflate(&stream)).filter(Filter::FlateDecode);

    pdf.type0_font(type0)
        .base_font(base)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid)
        .to_unicode(to_unicode);
    let mut font = pdf.cid_font(cid);
    font.subtype(CidFontType::Type2)
        .base_font(base)
        .system_info(SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        })
        .font_descriptor(descriptor)
        .default_width(1000.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    {
        let mut widths = font.widths();
        for (cid, (_, advance)) in &glyphs.cids {
            widths.consecutive(*cid, [*advance]);
        }
    }
    font.finish();
    let f = text::font();
    let k = 1000.0 / f.units_per_em().unwrap_or(1000.0);
    let cap = glyph_box(f.glyph_id('H')).map_or(700.0, |b| b[3]);
    let [x0, y0, x1, y1] = glyphs.bbox;
    pdf.font_descriptor(descriptor)
        .name(base)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(f.ascent_unscaled() * k)
        .descent(f.descent_unscaled() * k)
        .cap_height(cap)
        .stem_v(80.0)
        .font_file2(file);
    pdf.stream(file, &deflate(&subset)).filter(Filter::FlateDecode);
    let system = SystemInfo { registry: Str(b"Adobe"), ordering: Str(b"UCS"), supplement: 0 };
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
    for (cid, (c, _)) in &glyphs.cids {
        cmap.pair(*cid, *c);
    }
    pdf.cmap(to_unicode, &cmap.finish());
    Ok(pdf.finish())
}
