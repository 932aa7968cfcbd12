//! A sheet as a PNG (for the city's website and 広報紙), drawn with the rich menu's tools: the
//! embedded font's outlines and tiny-skia without SIMD, so the bytes are the same on every
//! machine. The file records its resolution (`pHYs`), so it has the sheet's physical size.

use tiny_skia::{Color, FillRule, Paint, PathBuilder, Pixmap, Transform};

use super::qr::Matrix;
use super::sheet::{Rgb, Shape, Sheet};
use crate::paint::{self, Rect, text};

const MM_PER_INCH: f32 = 25.4;

/// Pixels for `mm` at `dpi`.
pub fn px(mm: f32, dpi: u32) -> f32 {
    mm * dpi as f32 / MM_PER_INCH
}

/// The image size of `sheet` at `dpi`: each side rounded to the nearest pixel.
pub fn size(sheet: &Sheet, dpi: u32) -> (u32, u32) {
    (px(sheet.size.0, dpi).round() as u32, px(sheet.size.1, dpi).round() as u32)
}

fn paint_of(c: Rgb, anti_alias: bool) -> Paint<'static> {
    let mut p = Paint::default();
    p.set_color(Color::from_rgba8(c.0, c.1, c.2, 255));
    p.anti_alias = anti_alias;
    p
}

/// Draws `sheet` at `dpi` on white and encodes it as a PNG.
pub fn png(sheet: &Sheet, qr: &Matrix, dpi: u32) -> Vec<u8> {
    let (w, h) = size(sheet, dpi);
    let mut pm = Pixmap::new(w, h).expect("sheet sizes are fixed and non-zero");
    pm.fill(Color::WHITE);
    let k = |mm: f32| px(mm, dpi);
    for shape in &sheet.shapes {
        match shape {
            Shape::Panel { rect, radius, fill } => {
                let r = Rect { x: k(rect.x), y: k(rect.y), w: k(rect.w), h: k(rect.h) };
                if let Some(path) = paint::rounded_rect(r, k(*radius)) {
                    let p = paint_of(*fill, true);
                    pm.fill_path(&path, &p, FillRule::Winding, Transform::identity(), None);
                }
            }
            Shape::Text { text, x, baseline, size, ink, bold } => {
                text::fill_line(
                    &mut pm,
                    text,
                    k(*size),
                    k(*x),
                    k(*baseline),
                    &paint_of(*ink, true),
                    *bold,
                );
            }
            Shape::Qr { x, y, module } => draw_qr(&mut pm, qr, (k(*x), k(*y)), k(*module)),
        }
    }
    paint::encode_png_at(&pm, dpi)
}

/// The dark modules, each row's runs as one rectangle with edges on whole pixels and no
/// anti-aliasing: sharp edges and no grey seams between modules, which is what decoders like.
fn draw_qr(pm: &mut Pixmap, qr: &Matrix, (x0, y0): (f32, f32), module: f32) {
    let edge = |start: f32, n: usize| (start + n as f32 * module).round();
    let mut pb = PathBuilder::new();
    for (row, col, len) in qr.runs() {
        let (left, right) = (edge(x0, col), edge(x0, col + len));
        let (top, bottom) = (edge(y0, row), edge(y0, row + 1));
        if let Some(r) = tiny_skia::Rect::from_ltrb(left, top, right, bottom) {
            pb.push_rect(r);
        }
    }
    if let Some(path) = pb.finish() {
        let p = paint_of(super::sheet::BLACK, false);
        pm.fill_path(&path, &p, FillRule::Winding, Transform::identity(), None);
    }
}
