//! Text: the embedded Japanese font, line breaking and sizing, and drawing it.
//!
//! The font ships in the repository (`compiler/fonts/`, see its README) and is compiled in,
//! so a build needs no system fonts and draws the same pixels on every machine. It has one
//! weight; labels are made bold by stroking the outline as well as filling it.

use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, OutlineCurve};
use tiny_skia::{FillRule, LineCap, LineJoin, Paint, Path, PathBuilder, Pixmap, Stroke, Transform};

/// IPAex Gothic 004.01 (IPA Font License v1.0; `compiler/fonts/README.md`).
/// Also embedded (subset) in the promotion PDFs, so they print with the same glyphs.
pub const FONT_DATA: &[u8] = include_bytes!("../../fonts/ipaexg.ttf");
/// Stroke width, in ems, that makes the one-weight font bold.
pub const BOLD: f32 = 0.05;

/// Line pitch as a multiple of the font size.
pub const LINE_HEIGHT: f32 = 1.2;
/// Most lines a label is broken into.
pub const MAX_LINES: usize = 3;

/// Characters that may not start a line (Japanese line-breaking rules, kinsoku).
const NO_LINE_START: &str =
    "、。，．・：；ー〜…）」』】〕！？!?)]}ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々";
/// Characters that may not end a line.
const NO_LINE_END: &str = "（「『【〔([{";

/// The embedded font.
pub fn font() -> &'static FontRef<'static> {
    static FONT: OnceLock<FontRef<'static>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_DATA).expect("the embedded font parses"))
}

/// Characters of `s` the font has no glyph for (they would be drawn as empty boxes).
pub fn missing_chars(s: &str) -> Vec<char> {
    let f = font();
    let mut out: Vec<char> =
        s.chars().filter(|c| !c.is_whitespace() && f.glyph_id(*c).0 == 0).collect();
    out.dedup();
    out
}

/// A label broken into lines, with each line's width in ems.
#[derive(Debug, Clone, PartialEq)]
pub struct Lines {
    /// The lines, without the spaces they were broken at.
    pub lines: Vec<String>,
    /// Width of each line in ems.
    pub widths: Vec<f32>,
    /// How natural the breaks are (after `・` or a space scores 2, between scripts 1).
    quality: u32,
}

impl Lines {
    /// Width of the widest line, in ems.
    pub fn max_width(&self) -> f32 {
        self.widths.iter().copied().fold(0.0, f32::max)
    }

    /// Height of the text block, in ems.
    pub fn height(&self) -> f32 {
        (self.lines.len().max(1) as f32 - 1.0) * LINE_HEIGHT + 1.0
    }

    /// The largest font size (px) at which these lines fit a `w × h` box.
    pub fn fit(&self, w: f32, h: f32) -> f32 {
        (w / self.max_width().max(0.01)).min(h / self.height())
    }
}

/// Every way to break `label` into at most [`MAX_LINES`] lines.
pub fn candidates(label: &str) -> Vec<Lines> {
    let chars: Vec<char> = label.trim().chars().collect();
    let breaks: Vec<(usize, u32)> = (1..chars.len())
        .filter_map(|i| break_quality(chars[i - 1], chars[i]).map(|q| (i, q)))
        .collect();
    let mut out = Vec::new();
    let mut chosen = Vec::new();
    collect(&chars, &breaks, 0, &mut chosen, &mut out);
    out
}

fn collect(
    chars: &[char],
    breaks: &[(usize, u32)],
    from: usize,
    chosen: &mut Vec<(usize, u32)>,
    out: &mut Vec<Lines>,
) {
    out.extend(make_lines(chars, chosen));
    if chosen.len() + 1 >= MAX_LINES {
        return;
    }
    for (k, &b) in breaks.iter().enumerate().skip(from) {
        chosen.push(b);
        collect(chars, breaks, k + 1, chosen, out);
        chosen.pop();
    }
}

fn make_lines(chars: &[char], breaks: &[(usize, u32)]) -> Option<Lines> {
    let mut lines = Vec::new();
    let mut start = 0;
    for end in breaks.iter().map(|b| b.0).chain([chars.len()]) {
        let mut line: String = chars[start..end].iter().collect::<String>().trim().to_string();
        if end < chars.len() {
            // A middle dot at a break is the break: 「健診・予防接種」 → 健診 / 予防接種.
            line = line.trim_end_matches('・').to_string();
        }
        if line.is_empty() {
            return None;
        }
        lines.push(line);
        start = end;
    }
    let widths = lines.iter().map(|l| width(l)).collect();
    Some(Lines { lines, widths, quality: breaks.iter().map(|b| b.1).sum() })
}

/// Whether a line may break between `a` and `b`, and how natural that break is.
fn break_quality(a: char, b: char) -> Option<u32> {
    if NO_LINE_START.contains(b) || NO_LINE_END.contains(a) {
        return None;
    }
    if a.is_ascii_alphanumeric() && b.is_ascii_alphanumeric() {
        return None;
    }
    if a == ' ' || b == ' ' || a == '\u{3000}' || b == '\u{3000}' || "・、。".contains(a) {
        return Some(2);
    }
    Some(u32::from(script(a) != script(b)))
}

fn script(c: char) -> u8 {
    match c {
        '\u{3040}'..='\u{309f}' => 1,
        '\u{30a0}'..='\u{30ff}' => 2,
        '\u{4e00}'..='\u{9fff}' | '々' => 3,
        _ => 0,
    }
}

/// Width of `s` in ems.
pub fn width(s: &str) -> f32 {
    let f = font();
    let upem = f.units_per_em().unwrap_or(1000.0);
    s.chars().map(|c| f.h_advance_unscaled(f.glyph_id(c))).sum::<f32>() / upem
}

/// Weight lost per extra line when choosing a size: a label on fewer lines reads better, so
/// one more line must buy more than this share of font size to be chosen.
const LINE_PENALTY: f32 = 0.15;

/// The font size (px, at most `max`) at which `label` fits a `w × h` box best: the largest,
/// but with a preference for fewer lines.
pub fn best_size(label: &str, w: f32, h: f32, max: f32) -> f32 {
    let score =
        |l: &Lines| l.fit(w, h).min(max) * (1.0 - LINE_PENALTY * (l.lines.len() as f32 - 1.0));
    candidates(label)
        .iter()
        .max_by(|a, b| score(a).total_cmp(&score(b)))
        .map_or(0.0, |l| l.fit(w, h).min(max))
}

/// The best breaking of `label` at font size `px` in a `w × h` box: fewest lines, then the
/// most natural breaks, then the most even lines. When nothing fits (callers check
/// [`best_size`] first), the label on one line.
pub fn layout(label: &str, px: f32, w: f32, h: f32) -> Lines {
    let fits = |l: &Lines| l.fit(w, h) >= px * 0.999;
    let all = candidates(label);
    let best = all.iter().filter(|l| fits(l)).min_by(|a, b| {
        let key = |l: &Lines| (l.lines.len(), std::cmp::Reverse(l.quality));
        key(a).cmp(&key(b)).then(a.max_width().total_cmp(&b.max_width()))
    });
    match best.or(all.first()) {
        Some(l) => l.clone(),
        None => Lines { lines: Vec::new(), widths: Vec::new(), quality: 0 },
    }
}

/// Distance from the top of a line's em box to its baseline, in ems.
pub fn ascent() -> f32 {
    let f = font();
    let (a, d) = (f.ascent_unscaled(), f.descent_unscaled());
    a / (a - d)
}

/// Fills one line of text at font size `px` from `x` on baseline `y`; `bold` also strokes the
/// outline ([`BOLD`] ems wide, round joins), which is how the one-weight font is made bold.
pub fn fill_line(
    pm: &mut Pixmap,
    text: &str,
    px: f32,
    x: f32,
    y: f32,
    paint: &Paint<'_>,
    bold: bool,
) {
    let Some(path) = outline(text, px, x, y) else { return };
    pm.fill_path(&path, paint, FillRule::Winding, Transform::identity(), None);
    if bold {
        let stroke = Stroke {
            width: BOLD * px,
            line_join: LineJoin::Round,
            line_cap: LineCap::Round,
            ..Stroke::default()
        };
        pm.stroke_path(&path, paint, &stroke, Transform::identity(), None);
    }
}

/// The outline of `text` at font size `px`, starting at `x` on baseline `y`, in pixels.
pub fn outline(text: &str, px: f32, x: f32, y: f32) -> Option<Path> {
    let f = font();
    let s = px / f.units_per_em().unwrap_or(1000.0);
    let mut pb = PathBuilder::new();
    let mut pen = x;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(o) = f.outline(id) {
            let p = |q: ab_glyph::Point| (pen + q.x * s, y - q.y * s);
            let mut last = None;
            for curve in &o.curves {
                let (start, end) = match *curve {
                    OutlineCurve::Line(a, b) => (a, b),
                    OutlineCurve::Quad(a, _, b) => (a, b),
                    OutlineCurve::Cubic(a, _, _, b) => (a, b),
                };
                if last != Some(start) {
                    if last.is_some() {
                        pb.close();
                    }
                    let (sx, sy) = p(start);
                    pb.move_to(sx, sy);
                }
                match *curve {
                    OutlineCurve::Line(_, b) => {
                        let (bx, by) = p(b);
                        pb.line_to(bx, by);
                    }
                    OutlineCurve::Quad(_, c, b) => {
                        let ((cx, cy), (bx, by)) = (p(c), p(b));
                        pb.quad_to(cx, cy, bx, by);
                    }
                    OutlineCurve::Cubic(_, c1, c2, b) => {
                        let ((ax, ay), (cx, cy), (bx, by)) = (p(c1), p(c2), p(b));
                        // Only CFF fonts have cubics; the embedded TrueType font has none.
                        pb.cubic_to(ax, ay, cx, cy, bx, by);
                    }
                }
                last = Some(end);
            }
            if last.is_some() {
                pb.close();
            }
        }
        pen += f.h_advance_unscaled(id) * s;
    }
    pb.finish()
}
