//! Drawing shared by the images the compiler makes (rich menus, promotion posters and cards):
//! the embedded Japanese font and its line breaking ([`text`]), rounded rectangles and PNG
//! encoding. Everything here is deterministic: the font is compiled in, curves avoid
//! platform maths (see [`rounded_rect`]) and tiny-skia is built without SIMD, so an image is
//! byte-identical on every machine.

pub mod text;

use tiny_skia::{Path, PathBuilder, Pixmap};

/// A rectangle with fractional edges, for drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub w: f32,
    /// Height.
    pub h: f32,
}

/// A rectangle with circular corners of radius `r`.
///
/// Corners are quadratic Béziers (two per quarter circle, off by < 0.4 % of `r`), not cubics:
/// stroking a cubic makes tiny-skia call `cos`/`acos`, whose last bit may differ between
/// platforms' maths libraries, and the image must be the same everywhere.
pub fn rounded_rect(c: Rect, r: f32) -> Option<Path> {
    let r = r.min(c.w / 2.0).min(c.h / 2.0);
    let (x0, y0, x1, y1) = (c.x, c.y, c.x + c.w, c.y + c.h);
    let mut pb = PathBuilder::new();
    pb.move_to(x0 + r, y0);
    pb.line_to(x1 - r, y0);
    quarter(&mut pb, (x1 - r, y0 + r), (0.0, -1.0), (1.0, 0.0), r);
    pb.line_to(x1, y1 - r);
    quarter(&mut pb, (x1 - r, y1 - r), (1.0, 0.0), (0.0, 1.0), r);
    pb.line_to(x0 + r, y1);
    quarter(&mut pb, (x0 + r, y1 - r), (0.0, 1.0), (-1.0, 0.0), r);
    pb.line_to(x0, y0 + r);
    quarter(&mut pb, (x0 + r, y0 + r), (-1.0, 0.0), (0.0, -1.0), r);
    pb.close();
    pb.finish()
}

/// A quarter circle around `c` from direction `u` to direction `v`, as two quadratics.
fn quarter(pb: &mut PathBuilder, c: (f32, f32), u: (f32, f32), v: (f32, f32), r: f32) {
    const HALF_SQRT2: f32 = std::f32::consts::FRAC_1_SQRT_2;
    // Tangents at two points 45° apart meet at (a + b) · r / (1 + cos 45°).
    const K: f32 = 1.0 / (1.0 + HALF_SQRT2);
    let m = ((u.0 + v.0) * HALF_SQRT2, (u.1 + v.1) * HALF_SQRT2);
    let at = |d: (f32, f32), k: f32| (c.0 + d.0 * r * k, c.1 + d.1 * r * k);
    let (c1, p1) = (at((u.0 + m.0, u.1 + m.1), K), at(m, 1.0));
    let (c2, p2) = (at((m.0 + v.0, m.1 + v.1), K), at(v, 1.0));
    pb.quad_to(c1.0, c1.1, p1.0, p1.1);
    pb.quad_to(c2.0, c2.1, p2.0, p2.1);
}

/// Encodes opaque pixels as an 8-bit RGB PNG (no alpha channel: smaller, and LINE shows the
/// menu on an opaque bar anyway).
pub fn encode_png(pm: &Pixmap) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(pm.data().len() / 4 * 3);
    for p in pm.data().chunks_exact(4) {
        rgb.extend_from_slice(&p[..3]);
    }
    encode(pm, png::ColorType::Rgb, &rgb, None)
}

/// Encodes opaque pixels as an 8-bit RGBA PNG that records `dpi` (`pHYs`), so image viewers,
/// word processors and print software give it its intended physical size. The alpha channel
/// is kept because dropping it costs a pass over every pixel (most of the time of a large
/// image in a debug build), while the constant alpha bytes compress to almost nothing.
pub fn encode_png_at(pm: &Pixmap, dpi: u32) -> Vec<u8> {
    encode(pm, png::ColorType::Rgba, pm.data(), Some(dpi))
}

fn encode(pm: &Pixmap, color: png::ColorType, data: &[u8], dpi: Option<u32>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut enc = png::Encoder::new(&mut out, pm.width(), pm.height());
    enc.set_color(color);
    enc.set_depth(png::BitDepth::Eight);
    enc.set_compression(png::Compression::Balanced);
    // Flat colours compress best after `Up`; trying every filter on every row (the default)
    // gains nothing here and costs about half a second per image in debug builds (tests).
    enc.set_filter(png::Filter::Up);
    if let Some(dpi) = dpi {
        // pHYs counts pixels per metre.
        let per_metre = (f64::from(dpi) / 0.0254).round() as u32;
        enc.set_pixel_dims(Some(png::PixelDimensions {
            xppu: per_metre,
            yppu: per_metre,
            unit: png::Unit::Meter,
        }));
    }
    let written = enc.write_header().and_then(|mut w| w.write_image_data(data));
    // Writing into a Vec cannot fail, and the data length matches the header by construction.
    debug_assert!(written.is_ok(), "{written:?}");
    out
}
