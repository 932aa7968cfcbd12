//! Unit tests of the rich menu parts that need no content tree: geometry, line breaking,
//! LINE's limits and the drawn PNG. Content-level tests are in `compiler/tests/richmenu.rs`.

use serde_json::json;
use tiny_skia::Pixmap;

use super::geometry::{Bounds, grid};
use super::limits::{self, check_image, check_request, size_problem};
use super::{draw, plan};
use crate::paint::text::{self, candidates, layout};

/// PNG width and height from the IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    assert_eq!(&bytes[12..16], b"IHDR");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

fn overlaps(a: &Bounds, b: &Bounds) -> bool {
    a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
}

#[test]
fn grid_tiles_the_image_exactly() {
    let sizes = [plan::LARGE, plan::COMPACT, (800, 250), (1201, 811), (2499, 1000)];
    for (w, h) in sizes {
        for rows in 1..=plan::MAX_ROWS {
            for cols in 1..=plan::MAX_COLUMNS {
                let cells = grid(w, h, rows, cols);
                assert_eq!(cells.len() as u32, rows * cols);
                let area: u64 =
                    cells.iter().map(|b| u64::from(b.width) * u64::from(b.height)).sum();
                assert_eq!(area, u64::from(w) * u64::from(h), "{w}×{h} {rows}×{cols}");
                for (i, a) in cells.iter().enumerate() {
                    assert!(a.width >= 1 && a.height >= 1);
                    assert!(a.x + a.width <= w && a.y + a.height <= h, "{a:?} outside {w}×{h}");
                    for b in &cells[i + 1..] {
                        assert!(!overlaps(a, b), "{a:?} overlaps {b:?}");
                    }
                }
                // Area equal to the image and no overlap: every pixel is in exactly one cell,
                // the last one included.
                let last = cells.last().unwrap();
                assert_eq!((last.x + last.width, last.y + last.height), (w, h));
            }
        }
    }
}

#[test]
fn grid_rounding_spreads_the_remainder() {
    let cells = grid(2500, 1686, 2, 3);
    let widths: Vec<u32> = cells[..3].iter().map(|b| b.width).collect();
    assert_eq!(widths, [833, 833, 834]);
    assert_eq!((cells[3].y, cells[3].height), (843, 843));
}

#[test]
fn embedded_font_covers_japanese_but_not_emoji() {
    assert!(text::missing_chars("妊娠・出産 子育て支援センター（0〜2歳）ABC").is_empty());
    assert_eq!(text::missing_chars("相談😀"), vec!['😀']);
    let w = text::width("予防接種");
    assert!((w - 4.0).abs() < 0.01, "full-width kanji are 1 em: {w}");
}

#[test]
fn labels_break_at_natural_points() {
    let lines = |label: &str, px: f32, w: f32| layout(label, px, w, 1000.0).lines;
    assert_eq!(lines("健診・予防接種", 140.0, 700.0), ["健診", "予防接種"]);
    assert_eq!(lines("子育て支援センター", 140.0, 700.0), ["子育て支援", "センター"]);
    assert_eq!(lines("相談", 140.0, 700.0), ["相談"]);
    assert_eq!(lines("子育て 相談", 140.0, 600.0), ["子育て", "相談"]);
    // A line never starts with a prolonged sound mark, small kana or closing bracket.
    for c in candidates("スケジュール（ちょっと）") {
        for l in &c.lines {
            let first = l.chars().next().unwrap();
            assert!(!"ーュょっ）".contains(first), "{:?}", c.lines);
        }
    }
    // ASCII words stay whole.
    assert!(candidates("LINE").iter().all(|c| c.lines.len() == 1));
}

#[test]
fn fewer_lines_are_preferred_over_slightly_larger_text() {
    let (w, h) = (708.0, 700.0);
    let px = text::best_size("子育て支援センター", w, h, 168.0);
    assert!((px - 708.0 / 5.0).abs() < 0.5, "two lines of five, not three lines: {px}");
    assert_eq!(layout("子育て支援センター", px, w, h).lines.len(), 2);
}

#[test]
fn sizes_follow_line_rules() {
    assert_eq!(size_problem(2500, 1686), None);
    assert_eq!(size_problem(2500, 843), None);
    assert_eq!(size_problem(800, 250), None);
    assert!(size_problem(799, 250).is_some());
    assert!(size_problem(2501, 1686).is_some());
    assert!(size_problem(1000, 249).is_some());
    assert!(size_problem(1000, 700).is_some(), "ratio 1.43 < 1.45");
    assert!(limits::is_alias_id("oyako-main"));
    assert!(!limits::is_alias_id("Oyako"));
    assert!(!limits::is_alias_id(&"a".repeat(33)));
}

fn request(areas: Vec<serde_json::Value>) -> serde_json::Value {
    json!({
        "size": {"width": 2500, "height": 843},
        "selected": true,
        "name": "oyako-main 0123456789abcdef",
        "chatBarText": "メニュー",
        "areas": areas,
    })
}

fn area(x: u32, w: u32, action: serde_json::Value) -> serde_json::Value {
    json!({"bounds": {"x": x, "y": 0, "width": w, "height": 843}, "action": action})
}

#[test]
fn request_check_accepts_a_good_menu_and_names_each_problem() {
    let good = request(vec![
        area(0, 1250, json!({"type": "postback", "label": "相談", "data": "menu:soudan"})),
        area(
            1250,
            1250,
            json!({"type": "richmenuswitch", "richMenuAliasId": "oyako-b", "data": "tab:b"}),
        ),
    ]);
    assert_eq!(check_request(&good), vec![]);

    let mut bad = request(vec![
        area(0, 1250, json!({"type": "uri", "label": "あ".repeat(21), "uri": "mailto:a@b"})),
        area(1250, 1251, json!({"type": "richmenuswitch", "richMenuAliasId": "Tab B"})),
        area(0, 10, json!({"type": "camera", "label": "カメラ"})),
    ]);
    bad["chatBarText"] = json!("あ".repeat(15));
    let pointers: Vec<String> = check_request(&bad).into_iter().map(|v| v.pointer).collect();
    assert_eq!(
        pointers,
        [
            "/chatBarText",
            "/areas/0/action/label",
            "/areas/0/action/uri",
            "/areas/1/bounds",
            "/areas/1/action/richMenuAliasId",
            "/areas/1/action/data",
            "/areas/2/action/type",
        ]
    );

    let many = request(
        (0..21).map(|i| area(i * 100, 100, json!({"type": "message", "text": "a"}))).collect(),
    );
    assert!(check_request(&many).iter().any(|v| v.pointer == "/areas"));
}

fn sample_cells() -> Vec<draw::Cell<'static>> {
    let labels =
        ["妊娠・出産", "健診・予防接種", "子育て支援センター", "手当・助成", "相談", "イベント"];
    let bounds = grid(2500, 1686, 2, 3);
    labels
        .iter()
        .zip(bounds)
        .map(|(l, b)| {
            let (w, h) = draw::text_box(b, plan::LARGE, false);
            draw::Cell { bounds: b, lines: layout(l, 140.0, w, h), icon: None, active: false }
        })
        .collect()
}

#[test]
fn drawn_png_has_the_exact_size_and_fits_line_limit() {
    for (size, rows) in [(plan::LARGE, 2), (plan::COMPACT, 1), ((1200, 405), 1)] {
        let bounds = grid(size.0, size.1, rows, 3);
        let cells: Vec<draw::Cell<'_>> = bounds
            .iter()
            .map(|b| {
                let (w, h) = draw::text_box(*b, size, false);
                draw::Cell {
                    bounds: *b,
                    lines: layout("相談", 60.0, w, h),
                    icon: None,
                    active: false,
                }
            })
            .collect();
        let png = crate::paint::encode_png(&draw::draw(size, &cells, 60.0));
        assert_eq!(png_size(&png), size);
        assert!(png.len() <= bundle::limits::MAX_IMAGE_BYTES, "{} bytes", png.len());
        assert_eq!(check_image(&png, size), Vec::<String>::new());
        let decoded = Pixmap::decode_png(&png).expect("decodes");
        assert_eq!((decoded.width(), decoded.height()), size);
        assert!(decoded.pixels().iter().all(|p| p.alpha() == 255), "opaque");
    }
}

#[test]
fn drawing_is_deterministic() {
    let a = crate::paint::encode_png(&draw::draw(plan::LARGE, &sample_cells(), 140.0));
    let b = crate::paint::encode_png(&draw::draw(plan::LARGE, &sample_cells(), 140.0));
    assert!(a == b, "two draws differ");
    assert!(a.len() < 300_000, "flat colours compress well: {} bytes", a.len());
}

#[test]
fn labels_are_dark_on_light_cards_and_big() {
    let pm = draw::draw(plan::LARGE, &sample_cells(), 140.0);
    // The middle of 「相談」 (bottom middle card) has ink; a card corner is light.
    let cell = grid(2500, 1686, 2, 3)[4];
    let cy = cell.y + cell.height / 2;
    let dark_rows = (cy - 100..cy + 100)
        .filter(|&y| (cell.x..cell.x + cell.width).any(|x| luma(&pm, x, y) < 80))
        .count();
    assert!(dark_rows >= 90, "label ink is at least 90 px tall: {dark_rows}");
    assert!(luma(&pm, cell.x + 80, cell.y + 80) > 200, "card is light");
}

fn luma(pm: &Pixmap, x: u32, y: u32) -> u32 {
    let p = pm.pixel(x, y).unwrap();
    (u32::from(p.red()) * 299 + u32::from(p.green()) * 587 + u32::from(p.blue()) * 114) / 1000
}

#[test]
fn check_image_reads_size_and_bytes() {
    let png = crate::paint::encode_png(&Pixmap::new(800, 250).unwrap());
    assert!(check_image(&png, (800, 250)).is_empty());
    assert_eq!(check_image(&png, (2500, 843)).len(), 1);
    assert_eq!(check_image(b"GIF89a....", (800, 250)).len(), 1);
    let mut big = png.clone();
    big.resize(bundle::limits::MAX_IMAGE_BYTES + 1, 0);
    assert_eq!(check_image(&big, (800, 250)).len(), 1);
}
