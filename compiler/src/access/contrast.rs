//! Colour contrast of text and buttons, computed from the colours in the generated messages
//! (so template overrides in `content/_templates/` are checked as they render).
//!
//! The rule is WCAG 2.1 success criterion 1.4.3 (level AA, the level JIS X 8341-3:2016 asks of
//! public bodies): text needs a contrast ratio of 4.5:1 against its background, large text
//! 3:1 (<https://www.w3.org/TR/WCAG21/#contrast-minimum>). Ratio and relative luminance are
//! WCAG's definitions (<https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio>).
//!
//! What LINE does not document is assumed in the way that can only miss a problem, never
//! invent one: a bubble's background is white unless a style or box says otherwise; text with
//! no colour is black; a primary button's text is white and a secondary button's black; a
//! button or text with no colour at all is LINE's own and not checked.

use serde_json::{Map, Value};

/// WCAG AA: normal text.
pub const AA_NORMAL: f64 = 4.5;
/// WCAG AA: large text (at least 18 pt, or 14 pt bold).
pub const AA_LARGE: f64 = 3.0;

/// A colour, 0–255 per channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rgb(pub u8, pub u8, pub u8);

/// White, the background of a bubble when nothing else is said.
pub const WHITE: Rgb = Rgb(255, 255, 255);
/// Black, assumed for text whose colour is not given.
pub const BLACK: Rgb = Rgb(0, 0, 0);

impl Rgb {
    /// `#RRGGBB`, or `#RRGGBBAA` blended over `under` (LINE allows alpha for box backgrounds).
    pub fn parse(hex: &str, under: Rgb) -> Option<Rgb> {
        let h = hex.strip_prefix('#')?;
        if !(h.len() == 6 || h.len() == 8) || !h.is_ascii() {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
        let c = Rgb(byte(0)?, byte(2)?, byte(4)?);
        let alpha = if h.len() == 8 { f64::from(byte(6)?) / 255.0 } else { 1.0 };
        let mix = |top: u8, bottom: u8| {
            (f64::from(top) * alpha + f64::from(bottom) * (1.0 - alpha)).round() as u8
        };
        Some(Rgb(mix(c.0, under.0), mix(c.1, under.1), mix(c.2, under.2)))
    }

    /// WCAG relative luminance.
    pub fn luminance(self) -> f64 {
        let channel = |v: u8| {
            let c = f64::from(v) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }
}

/// WCAG contrast ratio of two colours (1 to 21).
pub fn ratio(a: Rgb, b: Rgb) -> f64 {
    let (la, lb) = (a.luminance(), b.luminance());
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// One pair of colours below the AA ratio.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Problem {
    /// The text colour as written (`#D9690F`), or how it was assumed.
    pub text: String,
    /// The background as written, or how it was assumed.
    pub background: String,
    /// Large text (3:1 suffices).
    pub large: bool,
    /// A button's label rather than running text.
    pub button: bool,
    /// The ratio × 100, rounded down (kept whole so problems can be sorted and compared).
    pub ratio_centi: u32,
}

impl Problem {
    /// The ratio needed.
    pub fn needed(&self) -> f64 {
        if self.large { AA_LARGE } else { AA_NORMAL }
    }
}

/// Every text or button of a message (any Flex container or message array) whose colours do
/// not reach AA, with their colours as written (duplicates removed).
pub fn problems(v: &Value) -> Vec<Problem> {
    let mut out = Vec::new();
    walk(v, &Bg::white(), &mut out);
    out.sort();
    out.dedup();
    out
}

/// A background: the colour, and how it was written.
#[derive(Debug, Clone)]
struct Bg {
    rgb: Rgb,
    written: String,
}

impl Bg {
    fn white() -> Bg {
        Bg { rgb: WHITE, written: "#FFFFFF（白、LINE の背景）".into() }
    }

    /// The background `key` of `m` over `self`, if it gives one.
    fn under(&self, m: &Map<String, Value>, key: &str) -> Bg {
        match m.get(key).and_then(Value::as_str).and_then(|h| Some((h, Rgb::parse(h, self.rgb)?))) {
            Some((h, rgb)) => Bg { rgb, written: h.to_string() },
            None => self.clone(),
        }
    }
}

fn walk(v: &Value, bg: &Bg, out: &mut Vec<Problem>) {
    match v {
        Value::Array(items) => items.iter().for_each(|i| walk(i, bg, out)),
        Value::Object(m) => match m.get("type").and_then(Value::as_str) {
            Some("bubble") => bubble(m, bg, out),
            Some("box") => {
                let inner = bg.under(m, "backgroundColor");
                for b in gradient(m, &inner) {
                    children(m, &b, out);
                }
            }
            Some("text") => text(m, bg, out),
            Some("button") => button(m, bg, out),
            _ => m.values().for_each(|c| walk(c, bg, out)),
        },
        _ => {}
    }
}

fn children(m: &Map<String, Value>, bg: &Bg, out: &mut Vec<Problem>) {
    if let Some(c) = m.get("contents") {
        walk(c, bg, out);
    }
}

/// A box with a gradient background: its text must read on every colour of it, so each
/// given stop is tried as the background.
fn gradient(m: &Map<String, Value>, bg: &Bg) -> Vec<Bg> {
    let Some(g) = m.get("background").and_then(Value::as_object) else {
        return vec![bg.clone()];
    };
    let stops: Vec<Bg> = ["startColor", "centerColor", "endColor"]
        .iter()
        .filter(|k| g.contains_key(**k))
        .map(|k| bg.under(g, k))
        .collect();
    if stops.is_empty() { vec![bg.clone()] } else { stops }
}

fn bubble(m: &Map<String, Value>, bg: &Bg, out: &mut Vec<Problem>) {
    let styles = m.get("styles").and_then(Value::as_object);
    for part in ["header", "hero", "body", "footer"] {
        let Some(block) = m.get(part) else { continue };
        let style = styles.and_then(|s| s.get(part)).and_then(Value::as_object);
        let under = style.map_or_else(|| bg.clone(), |s| bg.under(s, "backgroundColor"));
        walk(block, &under, out);
    }
}

fn text(m: &Map<String, Value>, bg: &Bg, out: &mut Vec<Problem>) {
    let large = is_large(m);
    let colour = m.get("color").and_then(Value::as_str);
    check(out, colour, bg, large, false);
    for span in m.get("contents").and_then(Value::as_array).into_iter().flatten() {
        let Some(s) = span.as_object() else { continue };
        let span_large = large || (is_bold(s) && size_px(m).is_some_and(|px| px >= LARGE_BOLD_PX));
        check(out, s.get("color").and_then(Value::as_str).or(colour), bg, span_large, false);
    }
}

fn button(m: &Map<String, Value>, bg: &Bg, out: &mut Vec<Problem>) {
    let colour = m.get("color").and_then(Value::as_str);
    match m.get("style").and_then(Value::as_str).unwrap_or("link") {
        "primary" | "secondary" => {
            let Some(face) = colour.and_then(|c| Rgb::parse(c, bg.rgb)) else { return };
            let (label, written) = if m.get("style").and_then(Value::as_str) == Some("primary") {
                (WHITE, "#FFFFFF（白、LINE のボタンの文字）")
            } else {
                (BLACK, "#000000（黒、LINE のボタンの文字）")
            };
            let face_bg = Bg { rgb: face, written: colour.unwrap_or_default().to_string() };
            push(out, label, written, &face_bg, false, true);
        }
        // A link button's colour is its text's; with none, LINE chooses it.
        _ => {
            if colour.is_some() {
                check(out, colour, bg, false, true);
            }
        }
    }
}

/// Checks text of colour `colour` (black when not given) on `bg`.
fn check(out: &mut Vec<Problem>, colour: Option<&str>, bg: &Bg, large: bool, button: bool) {
    let (rgb, written) = match colour.and_then(|c| Some((c, Rgb::parse(c, bg.rgb)?))) {
        Some((c, rgb)) => (rgb, c),
        None => (BLACK, "#000000（黒、色の指定なし）"),
    };
    push(out, rgb, written, bg, large, button);
}

fn push(out: &mut Vec<Problem>, fg: Rgb, written: &str, bg: &Bg, large: bool, button: bool) {
    let r = ratio(fg, bg.rgb);
    let needed = if large { AA_LARGE } else { AA_NORMAL };
    if r < needed {
        out.push(Problem {
            text: written.to_string(),
            background: bg.written.clone(),
            large,
            button,
            ratio_centi: (r * 100.0).floor() as u32,
        });
    }
}

/// Pixels from which text is large (18 pt); bold text from 14 pt.
const LARGE_PX: f64 = 24.0;
const LARGE_BOLD_PX: f64 = 18.66;

/// Font sizes of LINE's keywords, in CSS pixels. LINE documents the keywords, not their pixel
/// sizes; these are the sizes the preview and the simulator draw with (`FONT` in
/// `compiler/web/flex.js`), so what is checked here is what staff see there.
const KEYWORD_PX: &[(&str, f64)] = &[
    ("xxs", 11.0),
    ("xs", 13.0),
    ("sm", 14.0),
    ("md", 16.0),
    ("lg", 19.0),
    ("xl", 22.0),
    ("xxl", 29.0),
    ("3xl", 35.0),
    ("4xl", 48.0),
    ("5xl", 74.0),
];

fn size_px(m: &Map<String, Value>) -> Option<f64> {
    let size = m.get("size").and_then(Value::as_str).unwrap_or("md");
    if let Some(px) = size.strip_suffix("px") {
        return px.parse().ok();
    }
    KEYWORD_PX.iter().find(|(k, _)| *k == size).map(|(_, px)| *px)
}

fn is_bold(m: &Map<String, Value>) -> bool {
    m.get("weight").and_then(Value::as_str) == Some("bold")
}

fn is_large(m: &Map<String, Value>) -> bool {
    size_px(m).is_some_and(|px| px >= LARGE_PX || (is_bold(m) && px >= LARGE_BOLD_PX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn rgb(hex: &str) -> Rgb {
        Rgb::parse(hex, WHITE).unwrap()
    }

    #[test]
    fn known_pairs() {
        // WCAG's own extremes and two LINE colours.
        assert!((ratio(rgb("#000000"), rgb("#FFFFFF")) - 21.0).abs() < 1e-9);
        assert!((ratio(rgb("#FFFFFF"), rgb("#FFFFFF")) - 1.0).abs() < 1e-9);
        let line_green = ratio(rgb("#06C755"), WHITE);
        assert!(line_green < AA_NORMAL, "{line_green}");
        assert!(line_green < AA_LARGE, "not even for large text: {line_green}");
        assert!((line_green - 2.26).abs() < 0.01, "{line_green}");
        // The grey used for small print here passes, the old button orange did not.
        assert!(ratio(rgb("#666666"), WHITE) >= AA_NORMAL);
        assert!(ratio(rgb("#D9690F"), WHITE) < AA_NORMAL);
        // Symmetric.
        assert_eq!(ratio(rgb("#123456"), WHITE), ratio(WHITE, rgb("#123456")));
    }

    #[test]
    fn alpha_blends_over_the_background() {
        assert_eq!(Rgb::parse("#00000080", WHITE), Some(Rgb(127, 127, 127)));
        assert_eq!(Rgb::parse("#00000000", WHITE), Some(WHITE));
        assert_eq!(Rgb::parse("#GG0000", WHITE), None);
        assert_eq!(Rgb::parse("000000", WHITE), None);
    }

    #[test]
    fn problems_are_found_with_their_background() {
        let bubble = json!({"type": "bubble",
            "styles": {"footer": {"backgroundColor": "#333333"}},
            "body": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": "a", "color": "#999999"},
                {"type": "text", "text": "b", "color": "#999999", "size": "xxl"},
                {"type": "box", "layout": "vertical", "backgroundColor": "#06C755", "contents": [
                    {"type": "text", "text": "c", "color": "#FFFFFF"}]},
                {"type": "text", "text": "d", "contents": [{"type": "span", "text": "e", "color": "#06C755"}]},
                {"type": "button", "style": "primary", "color": "#06C755", "action": {}},
                {"type": "button", "style": "link", "action": {}},
                {"type": "button", "style": "primary", "action": {}}]},
            "footer": {"type": "box", "layout": "vertical", "contents": [
                {"type": "text", "text": "f"}]}});
        let found = problems(&bubble);
        let got: Vec<(&str, &str, bool, bool)> = found
            .iter()
            .map(|p| (p.text.as_str(), p.background.as_str(), p.large, p.button))
            .collect();
        assert_eq!(
            got,
            [
                ("#000000（黒、色の指定なし）", "#333333", false, false),
                ("#06C755", "#FFFFFF（白、LINE の背景）", false, false),
                ("#999999", "#FFFFFF（白、LINE の背景）", false, false),
                ("#999999", "#FFFFFF（白、LINE の背景）", true, false),
                ("#FFFFFF", "#06C755", false, false),
                ("#FFFFFF（白、LINE のボタンの文字）", "#06C755", false, true),
            ]
        );
        // #999999 at xxl is large text, but 2.85:1 is below even 3:1.
        let big = json!({"type": "text", "text": "x", "color": "#949494", "size": "xxl"});
        assert!(problems(&big).is_empty(), "#949494 reaches 3:1 as large text");
    }
}
