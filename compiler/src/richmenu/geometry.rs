//! Where each button is: a grid of tap areas that tiles the image exactly, and the smaller
//! drawn card inside each area.
//!
//! Tap areas have no gaps (a tap between two drawn cards still hits the nearest one), and
//! integer cuts are taken as `i * size / n`, so the last area ends on the last pixel whatever
//! the rounding.

use serde::Serialize;

/// A tap area in image pixels, as LINE's `bounds` object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Bounds {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width (at least 1).
    pub width: u32,
    /// Height (at least 1).
    pub height: u32,
}

pub use crate::paint::Rect;

/// The `rows × columns` tap areas of a `width × height` image, row by row.
///
/// Callers keep `rows ≤ height` and `columns ≤ width`, so no area is empty.
pub fn grid(width: u32, height: u32, rows: u32, columns: u32) -> Vec<Bounds> {
    let cut = |i: u32, size: u32, n: u32| (u64::from(i) * u64::from(size) / u64::from(n)) as u32;
    let mut out = Vec::with_capacity((rows * columns) as usize);
    for r in 0..rows {
        let (y0, y1) = (cut(r, height, rows), cut(r + 1, height, rows));
        for c in 0..columns {
            let (x0, x1) = (cut(c, width, columns), cut(c + 1, width, columns));
            out.push(Bounds { x: x0, y: y0, width: x1 - x0, height: y1 - y0 });
        }
    }
    out
}

/// The drawn card of a tap area: inset so that neighbouring cards and the image edge are
/// `gap` apart.
pub fn card(b: Bounds, image: (u32, u32), gap: f32) -> Rect {
    let side = |at_edge: bool| if at_edge { gap } else { gap / 2.0 };
    let left = side(b.x == 0);
    let top = side(b.y == 0);
    let right = side(b.x + b.width == image.0);
    let bottom = side(b.y + b.height == image.1);
    Rect {
        x: b.x as f32 + left,
        y: b.y as f32 + top,
        w: b.width as f32 - left - right,
        h: b.height as f32 - top - bottom,
    }
}
