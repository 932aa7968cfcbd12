//! The printables' design: an A4 poster and a business card, laid out once in millimetres and
//! then drawn twice — as a PDF (`pdf`) and as a PNG (`raster`) — from the same list of shapes,
//! so both show exactly the same thing.
//!
//! Sizes are chosen for where they hang. A poster is read on a notice board or a counter from
//! about 1.5 m: the account name is set at 12 mm or more (kanji ink ≈ 11 mm), the line on why
//! to add it at 8 mm or more (a common rule for signs is 1 mm of letter height per 2.5 m…
//! 3.5 m of distance for headlines, and ≥ 4 mm for text read at 1.5 m), and the QR code is
//! 90 mm across without its quiet zone. A card is read in the hand: 3 mm text, a 30 mm code.
//! Nothing comes closer than 6 mm to a poster's edge or 4 mm to a card's, so office printers
//! (which cannot print to the edge) and print shops (no bleed needed) both work.

use super::qr::Matrix;
use crate::paint::Rect;
use crate::paint::text::{self, Lines};

/// A4 portrait, in mm.
pub const A4: (f32, f32) = (210.0, 297.0);
/// The Japanese business card (名刺, 4号), landscape, in mm.
pub const CARD: (f32, f32) = (91.0, 55.0);

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// Text: warm near-black (the rich menu's ink).
pub const INK: Rgb = Rgb(0x2b, 0x26, 0x22);
/// Small print.
pub const GREY: Rgb = Rgb(0x5f, 0x58, 0x52);
/// Header panel (the rich menu's background).
pub const PANEL: Rgb = Rgb(0xf6, 0xe6, 0xd4);
/// LINE's green, behind the add-friend call (ink on it has a contrast of about 6:1).
pub const LINE_GREEN: Rgb = Rgb(0x06, 0xc7, 0x55);
/// QR modules: pure black on white, the contrast scanners expect.
pub const BLACK: Rgb = Rgb(0, 0, 0);

/// One thing to draw, in mm from the top-left corner (y down).
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A filled rectangle with rounded corners.
    Panel {
        /// Where.
        rect: Rect,
        /// Corner radius.
        radius: f32,
        /// Fill.
        fill: Rgb,
    },
    /// One line of text.
    Text {
        /// The text (every character has a glyph in the embedded font).
        text: String,
        /// Left end of the line.
        x: f32,
        /// Baseline.
        baseline: f32,
        /// Font size (em).
        size: f32,
        /// Colour.
        ink: Rgb,
        /// Stroked as well as filled.
        bold: bool,
    },
    /// The QR code; `x`, `y` is the outer corner of its quiet zone.
    Qr {
        /// Left.
        x: f32,
        /// Top.
        y: f32,
        /// Side of one module.
        module: f32,
    },
}

/// A page: its size and what is on it.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Width and height in mm.
    pub size: (f32, f32),
    /// Shapes, bottom first.
    pub shapes: Vec<Shape>,
}

/// What a printable says.
#[derive(Debug, Clone, Copy)]
pub struct Words<'a> {
    /// The account name.
    pub title: &'a str,
    /// Why to add it (one line).
    pub summary: &'a str,
    /// The LINE ID, `@…`.
    pub line_id: &'a str,
    /// The channel's code, in small print.
    pub code: &'a str,
}

/// Which text did not fit, and the smallest size it would have needed to be legible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooLong {
    /// The account name.
    Title,
    /// The summary.
    Summary,
}

/// How a text block sits in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Centre,
}

/// A block of text to fit into a box.
struct Block<'a> {
    text: &'a str,
    rect: Rect,
    max: f32,
    min: f32,
    ink: Rgb,
    bold: bool,
    align: Align,
}

impl Block<'_> {
    /// Fits the text (largest size ≤ `max`, fewer lines preferred) and centres it vertically.
    fn place(&self, out: &mut Vec<Shape>) -> Result<(), ()> {
        let size = text::best_size(self.text, self.rect.w, self.rect.h, self.max);
        if size < self.min {
            return Err(());
        }
        let lines = text::layout(self.text, size, self.rect.w, self.rect.h);
        lines_at(&lines, size, self.rect, self.ink, self.bold, self.align, out);
        Ok(())
    }
}

fn lines_at(
    lines: &Lines,
    size: f32,
    r: Rect,
    ink: Rgb,
    bold: bool,
    align: Align,
    out: &mut Vec<Shape>,
) {
    let top = r.y + (r.h - lines.height() * size) / 2.0;
    for (n, (line, w)) in lines.lines.iter().zip(&lines.widths).enumerate() {
        let x = match align {
            Align::Left => r.x,
            Align::Centre => r.x + (r.w - w * size) / 2.0,
        };
        let baseline = top + n as f32 * text::LINE_HEIGHT * size + text::ascent() * size;
        out.push(Shape::Text { text: line.clone(), x, baseline, size, ink, bold });
    }
}

/// One line of fixed text (size known to fit), aligned in `r` horizontally, on `baseline`.
fn line(
    text: &str,
    size: f32,
    r: Rect,
    baseline: f32,
    ink: Rgb,
    bold: bool,
    align: Align,
) -> Shape {
    let w = text::width(text) * size;
    let x = match align {
        Align::Left => r.x,
        Align::Centre => r.x + (r.w - w) / 2.0,
    };
    Shape::Text { text: text.to_string(), x, baseline, size, ink, bold }
}

/// The code in small print, right-aligned at `right` on `baseline`.
fn small_print(code: &str, size: f32, right: f32, baseline: f32) -> Shape {
    let text = format!("掲示コード {code}");
    let w = text::width(&text) * size;
    Shape::Text { text, x: right - w, baseline, size, ink: GREY, bold: false }
}

/// The A4 poster.
pub fn poster(w: Words<'_>, qr: &Matrix) -> Result<Sheet, TooLong> {
    let (width, height) = A4;
    let m = 12.0;
    let inner = width - 2.0 * m;
    let mut s = Vec::new();
    let header = Rect { x: m, y: m, w: inner, h: 58.0 };
    s.push(Shape::Panel { rect: header, radius: 6.0, fill: PANEL });
    let title = Rect { x: m + 8.0, y: m + 5.0, w: inner - 16.0, h: 48.0 };
    let block = |text, rect, max, min| Block {
        text,
        rect,
        max,
        min,
        ink: INK,
        bold: true,
        align: Align::Centre,
    };
    block(w.title, title, 22.0, 12.0).place(&mut s).map_err(|_| TooLong::Title)?;
    let summary = Rect { x: m, y: 76.0, w: inner, h: 32.0 };
    block(w.summary, summary, 13.0, 8.0).place(&mut s).map_err(|_| TooLong::Summary)?;
    let call = Rect { x: (width - 130.0) / 2.0, y: 115.0, w: 130.0, h: 16.0 };
    s.push(Shape::Panel { rect: call, radius: 8.0, fill: LINE_GREEN });
    let baseline = call.y + call.h / 2.0 + (text::ascent() - 0.5) * 9.0;
    s.push(line("友だち追加はこちらから", 9.0, call, baseline, INK, true, Align::Centre));
    let side = 112.0;
    let module = side / qr.size as f32;
    let top = 135.0;
    s.push(Shape::Qr { x: (width - side) / 2.0, y: top, module });
    let page = Rect { x: m, y: 0.0, w: inner, h: height };
    let below = top + side;
    s.push(line(
        "スマートフォンのカメラで読み取ってください",
        6.5,
        page,
        below + 9.0,
        INK,
        true,
        Align::Centre,
    ));
    let id = format!("LINE の ID 検索でも見つかります：{}", w.line_id);
    let id_size = (inner / text::width(&id)).min(6.0);
    s.push(line(&id, id_size, page, below + 19.0, INK, false, Align::Centre));
    s.push(small_print(w.code, 3.5, width - m, height - 8.0));
    Ok(Sheet { size: A4, shapes: s })
}

/// The business card: text on the left, the code on the right.
pub fn card(w: Words<'_>, qr: &Matrix) -> Result<Sheet, TooLong> {
    let (width, height) = CARD;
    let m = 4.5;
    let side = 38.0;
    let module = side / qr.size as f32;
    let qr_x = width - m - side + 2.0; // the quiet zone may reach into the margin
    let column = Rect { x: m, y: m, w: qr_x - m, h: height - 2.0 * m };
    let mut s = Vec::new();
    let left = |text, y, h, max, min, bold| Block {
        text,
        rect: Rect { x: column.x, y, w: column.w, h },
        max,
        min,
        ink: INK,
        bold,
        align: Align::Left,
    };
    left(w.title, m, 14.0, 6.0, 3.2, true).place(&mut s).map_err(|_| TooLong::Title)?;
    left(w.summary, m + 15.0, 14.0, 3.8, 2.5, false).place(&mut s).map_err(|_| TooLong::Summary)?;
    let call = Rect { x: column.x, y: 35.5, w: column.w - 1.0, h: 7.5 };
    s.push(Shape::Panel { rect: call, radius: 3.75, fill: LINE_GREEN });
    let baseline = call.y + call.h / 2.0 + (text::ascent() - 0.5) * 3.4;
    s.push(line("友だち追加はこちら →", 3.4, call, baseline, INK, true, Align::Centre));
    let id = format!("ID 検索：{}", w.line_id);
    let id_size = (column.w / text::width(&id)).min(2.8);
    s.push(line(&id, id_size, column, 48.5, INK, false, Align::Left));
    s.push(Shape::Qr { x: qr_x, y: (height - side) / 2.0, module });
    s.push(small_print(w.code, 2.0, width - m, height - 2.5));
    Ok(Sheet { size: CARD, shapes: s })
}

#[cfg(test)]
impl Sheet {
    /// The QR code's outer square (quiet zone included): `(x, y, side)` in mm.
    pub fn qr_square(&self, modules: usize) -> Option<(f32, f32, f32)> {
        self.shapes.iter().find_map(|s| match s {
            Shape::Qr { x, y, module } => Some((*x, *y, module * modules as f32)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words() -> Words<'static> {
        Words {
            title: "旭市 子育て応援LINE",
            summary: "妊娠・出産・子育ての情報が LINE に届きます",
            line_id: "@216ruxyz",
            code: "A1",
        }
    }

    fn texts(s: &Sheet) -> Vec<(&str, f32)> {
        s.shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, size, .. } => Some((text.as_str(), *size)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn poster_sizes_read_from_a_distance() {
        let qr = Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
        let p = poster(words(), &qr).unwrap();
        let t = texts(&p);
        assert!(
            t.iter().filter(|(s, _)| "旭市 子育て応援LINE".contains(s)).all(|(_, z)| *z >= 12.0),
            "{t:?}"
        );
        let (_, _, side) = p.qr_square(qr.size).unwrap();
        let code = side * (qr.size - 2 * super::super::qr::QUIET_ZONE) as f32 / qr.size as f32;
        assert!(code >= 30.0, "QR {code} mm");
        for shape in &p.shapes {
            if let Shape::Text { x, .. } = shape {
                assert!(*x >= 6.0 && *x < A4.0 - 6.0, "{shape:?}");
            }
        }
    }

    #[test]
    fn card_and_too_long_texts() {
        let qr = Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
        let c = card(words(), &qr).unwrap();
        let (x, _, side) = c.qr_square(qr.size).unwrap();
        assert!(x + side <= CARD.0 - 2.0, "{x} {side}");
        // The longest title and summary content allows still fit, at a legible size.
        let long = "あ".repeat(crate::spec::promo::MAX_SUMMARY_LEN);
        let w = Words { title: &long, summary: &long, ..words() };
        assert!(poster(w, &qr).is_ok() && card(w, &qr).is_ok());
        // A word that cannot be broken does not.
        let word = "KOSODATE".repeat(5);
        let w = Words { title: &word, ..words() };
        assert_eq!(card(w, &qr), Err(TooLong::Title));
        let w = Words { summary: &word, ..words() };
        assert_eq!(poster(w, &qr), Err(TooLong::Summary));
        for shape in c.shapes.iter().chain(&poster(words(), &qr).unwrap().shapes) {
            if let Shape::Text { text, .. } = shape {
                assert!(text::missing_chars(text).is_empty(), "{text}");
            }
        }
    }
}
