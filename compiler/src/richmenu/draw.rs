//! Drawing a menu image: soft rounded cards on a warm background, each with an optional icon
//! and a big bold label, encoded as an opaque PNG.
//!
//! A phone shows the 2500-pixel-wide image about 390 points wide (6.4× smaller), so every
//! size here is chosen for that: labels are at least [`MIN_TEXT_PX`] (≈16 pt on the phone)
//! and all cards of a menu share one text size, as large as the longest label allows.
//! Everything scales with the image width, so narrower custom sizes look the same.

use tiny_skia::{Color, FillRule, FilterQuality, Paint, Pixmap, PixmapPaint, Stroke, Transform};

use super::geometry::{Bounds, Rect, card};
use crate::paint::rounded_rect;
use crate::paint::text::{self, Lines};

/// Width all sizes below are given for.
const REFERENCE_WIDTH: f32 = 2500.0;
/// Smallest label font size at the reference width: kanji ink is then ≥ 90 px tall.
pub const MIN_TEXT_PX: f32 = 104.0;
/// Largest label font size at the reference width.
const MAX_TEXT_PX: f32 = 168.0;
/// Space between cards and around the edge.
const GAP: f32 = 26.0;
/// Card corner radius.
const RADIUS: f32 = 44.0;
/// Width of a card's outline.
const BORDER: f32 = 7.0;
/// How far a card's shadow falls below it (makes the cards look pressable).
const SHADOW: f32 = 10.0;
/// Space inside a card, left and right.
const PAD_X: f32 = 36.0;
/// Space inside a card, top and bottom.
const PAD_Y: f32 = 30.0;
/// Share of a card's inner height given to an icon.
const ICON_SHARE: f32 = 0.38;
/// Space between icon and label, as a share of the inner height.
const ICON_GAP: f32 = 0.05;

/// Background behind the cards (soft apricot).
const BACKGROUND: Rgb = Rgb(0xf6, 0xe6, 0xd4);
/// Card shadow on the background.
const SHADOW_COLOR: Rgb = Rgb(0xe2, 0xcc, 0xb3);
/// Label colour on pale cards (warm near-black: contrast above 12:1 on every card colour).
const INK: Rgb = Rgb(0x2b, 0x26, 0x22);
/// Card fill and outline colours, taken in turn.
const CARDS: [(Rgb, Rgb); 6] = [
    (Rgb(0xff, 0xeb, 0xdf), Rgb(0xf0, 0xa9, 0x86)), // peach
    (Rgb(0xe3, 0xf4, 0xe8), Rgb(0x86, 0xc9, 0x9c)), // mint
    (Rgb(0xe3, 0xee, 0xfb), Rgb(0x8d, 0xb6, 0xe3)), // sky
    (Rgb(0xff, 0xf5, 0xd3), Rgb(0xe3, 0xbf, 0x55)), // lemon
    (Rgb(0xee, 0xe8, 0xf9), Rgb(0xad, 0x9a, 0xdb)), // lavender
    (Rgb(0xfd, 0xe8, 0xef), Rgb(0xe6, 0x9a, 0xb4)), // pink
];
/// Fill of the card that stands for the tab being shown, and its label colour.
const ACTIVE: (Rgb, Rgb) = (Rgb(0x3f, 0x6e, 0x8c), Rgb(0xff, 0xff, 0xff));

#[derive(Debug, Clone, Copy)]
struct Rgb(u8, u8, u8);

impl Rgb {
    fn paint(self) -> Paint<'static> {
        let mut p = Paint::default();
        p.set_color(Color::from_rgba8(self.0, self.1, self.2, 255));
        p.anti_alias = true;
        p
    }
}

/// What to draw in one tap area.
#[derive(Debug)]
pub struct Cell<'a> {
    /// The tap area.
    pub bounds: Bounds,
    /// The label broken into lines.
    pub lines: Lines,
    /// Icon drawn above the label.
    pub icon: Option<&'a Pixmap>,
    /// True for a button that switches to the tab being shown (drawn highlighted).
    pub active: bool,
}

/// Scale of all sizes for an image `width` pixels wide.
fn scale(width: u32) -> f32 {
    width as f32 / REFERENCE_WIDTH
}

/// Smallest and largest label font size for an image `width` pixels wide.
pub fn text_px_range(width: u32) -> (f32, f32) {
    (MIN_TEXT_PX * scale(width), MAX_TEXT_PX * scale(width))
}

/// The box a label may fill in tap area `b`: `(width, height)`.
pub fn text_box(b: Bounds, image: (u32, u32), has_icon: bool) -> (f32, f32) {
    let inner = inner(b, image);
    let h = if has_icon { inner.h * (1.0 - ICON_SHARE - ICON_GAP) } else { inner.h };
    (inner.w, h)
}

fn inner(b: Bounds, image: (u32, u32)) -> Rect {
    let s = scale(image.0);
    let c = card(b, image, GAP * s);
    let (px, py) = ((PAD_X + BORDER) * s, (PAD_Y + BORDER) * s);
    Rect { x: c.x + px, y: c.y + py, w: c.w - 2.0 * px, h: c.h - 2.0 * py }
}

/// Draws the menu at `text_px` and returns the pixels (premultiplied RGBA, all opaque).
pub fn draw(size: (u32, u32), cells: &[Cell<'_>], text_px: f32) -> Pixmap {
    let mut pm = Pixmap::new(size.0, size.1).expect("menu sizes are checked to be non-zero");
    pm.fill(Color::from_rgba8(BACKGROUND.0, BACKGROUND.1, BACKGROUND.2, 255));
    let s = scale(size.0);
    for (i, cell) in cells.iter().enumerate() {
        let (fill, edge) = if cell.active { (ACTIVE.0, ACTIVE.0) } else { CARDS[i % CARDS.len()] };
        let ink = if cell.active { ACTIVE.1 } else { INK };
        let c = card(cell.bounds, size, GAP * s);
        let shadow = Rect { y: c.y + SHADOW * s, ..c };
        if let Some(path) = rounded_rect(shadow, RADIUS * s) {
            let paint = SHADOW_COLOR.paint();
            pm.fill_path(&path, &paint, FillRule::Winding, Transform::identity(), None);
        }
        if let Some(path) = rounded_rect(c, RADIUS * s) {
            pm.fill_path(&path, &fill.paint(), FillRule::Winding, Transform::identity(), None);
            let stroke = Stroke { width: BORDER * s, ..Stroke::default() };
            pm.stroke_path(&path, &edge.paint(), &stroke, Transform::identity(), None);
        }
        draw_content(&mut pm, cell, inner(cell.bounds, size), text_px, ink);
    }
    pm
}

/// Icon and label, centred together in the card's inner box.
fn draw_content(pm: &mut Pixmap, cell: &Cell<'_>, inner: Rect, px: f32, ink: Rgb) {
    let text_h = cell.lines.height() * px;
    let icon = cell.icon.map(|i| {
        let max_h = inner.h * ICON_SHARE;
        let k = (max_h / i.height() as f32).min(inner.w / i.width() as f32);
        (i, k, i.height() as f32 * k)
    });
    let gap = if icon.is_some() { inner.h * ICON_GAP } else { 0.0 };
    let total = icon.map_or(0.0, |i| i.2) + gap + text_h;
    let mut top = inner.y + (inner.h - total) / 2.0;
    if let Some((img, k, h)) = icon {
        let left = inner.x + (inner.w - img.width() as f32 * k) / 2.0;
        let paint = PixmapPaint { quality: FilterQuality::Bicubic, ..PixmapPaint::default() };
        let t = Transform::from_row(k, 0.0, 0.0, k, left.round(), top.round());
        pm.draw_pixmap(0, 0, img.as_ref(), &paint, t, None);
        top += h + gap;
    }
    let fill = ink.paint();
    for (n, (line, w)) in cell.lines.lines.iter().zip(&cell.lines.widths).enumerate() {
        let x = inner.x + (inner.w - w * px) / 2.0;
        let y = top + n as f32 * text::LINE_HEIGHT * px + text::ascent() * px;
        text::fill_line(pm, line, px, x, y, &fill, true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::contrast::{AA_NORMAL, Rgb as C, ratio};

    /// The drawn labels meet WCAG AA on every card, the current tab's included (the same
    /// rule the build applies to the Flex messages' colours).
    #[test]
    fn labels_reach_aa_contrast_on_every_card() {
        let c = |x: Rgb| C(x.0, x.1, x.2);
        for (fill, _) in CARDS {
            let r = ratio(c(INK), c(fill));
            assert!(r >= AA_NORMAL, "{fill:?}: {r}");
        }
        let (fill, label) = ACTIVE;
        assert!(ratio(c(label), c(fill)) >= AA_NORMAL);
    }
}
