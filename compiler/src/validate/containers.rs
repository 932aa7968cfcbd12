//! Checks for Flex containers
//! (<https://developers.line.biz/en/reference/messaging-api/#container>): bubble and carousel
//! structure, their JSON size budgets, and the hero rules that depend on the container (video
//! placement).

use serde_json::{Map, Value};

use super::actions::{Place, check_action};
use super::components::{check_box_at, check_component, component_type};
use bundle::limits::{
    BUBBLE_DIRECTIONS, BUBBLE_SIZES, DEFAULT_BUBBLE_SIZE, HERO_TYPES, MAX_BUBBLE_BYTES,
    MAX_CAROUSEL_BUBBLES, MAX_CAROUSEL_BYTES, MIN_CAROUSEL_BUBBLES, VIDEO_BUBBLE_SIZES,
};

use super::MAX_JSON_DEPTH;
use super::values::{Checker, at, first_too_deep, index, is_rgb, nesting_depth, not_allowed};

/// Checks a bubble or carousel at `ptr`.
pub(crate) fn check_container(ck: &mut Checker, value: &Value, ptr: &str) {
    if !depth_ok(ck, value, ptr) {
        return;
    }
    let Some(obj) = ck.object(ptr, "Flexのコンテナ", value) else {
        return;
    };
    match ck.required_str(obj, ptr, "type", "Flexのコンテナ") {
        Some("bubble") => check_bubble(ck, value, obj, ptr, false),
        Some("carousel") => check_carousel(ck, value, obj, ptr),
        Some(other) => {
            let msg = not_allowed("Flexのコンテナの種類", other, &["bubble", "carousel"]);
            ck.push(&at(ptr, "type"), msg);
        }
        None => {}
    }
}

/// Refuses values nested deeper than [`MAX_JSON_DEPTH`] before anything recurses into them
/// (including serde_json's serializer in the size checks).
pub(crate) fn depth_ok(ck: &mut Checker, value: &Value, ptr: &str) -> bool {
    let depth = nesting_depth(value);
    if depth > MAX_JSON_DEPTH {
        let msg = format!("入れ子が深すぎます（{depth}段。{MAX_JSON_DEPTH}段まで）");
        let deep = first_too_deep(value, MAX_JSON_DEPTH).unwrap_or_default();
        ck.push(&format!("{ptr}{deep}"), msg);
        return false;
    }
    true
}

/// Bytes of `value` as compact JSON, the strictest reading of LINE's "30 KB"/"50 KB" (LINE does not
/// say how it measures).
fn compact_len(value: &Value) -> usize {
    crate::flex::page::json_len(value)
}

fn check_bubble(
    ck: &mut Checker,
    value: &Value,
    obj: &Map<String, Value>,
    ptr: &str,
    in_carousel: bool,
) {
    let bytes = compact_len(value);
    if bytes > MAX_BUBBLE_BYTES {
        let msg = format!("バブルのJSONが{MAX_BUBBLE_BYTES}バイトを超えています（{bytes}バイト）");
        ck.push(ptr, msg);
    }
    ck.enum_field(obj, ptr, "size", BUBBLE_SIZES);
    ck.enum_field(obj, ptr, "direction", BUBBLE_DIRECTIONS);
    for (key, what) in [("header", "ヘッダー"), ("body", "本文"), ("footer", "フッター")]
    {
        if let Some(block) = obj.get(key).filter(|v| !v.is_null()) {
            check_box_at(ck, block, &at(ptr, key), &format!("バブルの{key}（{what}）"));
        }
    }
    if let Some(hero) = obj.get("hero").filter(|v| !v.is_null()) {
        let size = obj.get("size").and_then(Value::as_str).unwrap_or(DEFAULT_BUBBLE_SIZE);
        check_hero(ck, hero, &at(ptr, "hero"), size, in_carousel);
    }
    if let Some(styles) = obj.get("styles").filter(|v| !v.is_null()) {
        check_styles(ck, styles, &at(ptr, "styles"));
    }
    if let Some(action) = obj.get("action").filter(|v| !v.is_null()) {
        check_action(ck, action, &at(ptr, "action"), Place::FlexOther);
    }
}

/// Hero: a box, image or video; a video needs a kilo/mega/giga bubble outside a carousel.
fn check_hero(ck: &mut Checker, hero: &Value, ptr: &str, size: &str, in_carousel: bool) {
    let Some((obj, ty)) = component_type(ck, hero, ptr) else {
        return;
    };
    let type_ptr = || at(ptr, "type");
    if !HERO_TYPES.contains(&ty) {
        ck.push(&type_ptr(), not_allowed("hero のコンポーネント", ty, HERO_TYPES));
        return;
    }
    if ty == "video" {
        if in_carousel {
            ck.push(&type_ptr(), "video はカルーセルの中のバブルでは使えません");
        }
        if !VIDEO_BUBBLE_SIZES.contains(&size) {
            let sizes = VIDEO_BUBBLE_SIZES.join(", ");
            let msg = format!("video を使えるバブルの size は {sizes} だけです（「{size}」）");
            ck.push(&type_ptr(), msg);
        }
    }
    check_component(ck, obj, ty, ptr);
}

/// `styles.{header,hero,body,footer}` = `{backgroundColor, separator, separatorColor}`.
fn check_styles(ck: &mut Checker, styles: &Value, ptr: &str) {
    let Some(obj) = ck.object(ptr, "styles", styles) else {
        return;
    };
    for key in ["header", "hero", "body", "footer"] {
        let Some(block) = obj.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let block_ptr = at(ptr, key);
        if let Some(block) = ck.object(&block_ptr, key, block) {
            ck.format_field(block, &block_ptr, "backgroundColor", is_rgb, "#RRGGBB");
            ck.format_field(block, &block_ptr, "separatorColor", is_rgb, "#RRGGBB");
            ck.bool_field(block, &block_ptr, "separator");
        }
    }
}

/// Carousel: 1–12 bubbles of one size, ≤50,000 bytes in all
/// (<https://developers.line.biz/en/reference/messaging-api/#f-carousel>).
fn check_carousel(ck: &mut Checker, value: &Value, obj: &Map<String, Value>, ptr: &str) {
    let bytes = compact_len(value);
    if bytes > MAX_CAROUSEL_BYTES {
        let msg =
            format!("カルーセルのJSONが{MAX_CAROUSEL_BYTES}バイトを超えています（{bytes}バイト）");
        ck.push(ptr, msg);
    }
    let contents_ptr = at(ptr, "contents");
    if matches!(obj.get("contents"), None | Some(Value::Null)) {
        ck.push(&contents_ptr, "カルーセルに「contents」がありません");
        return;
    }
    let Some(bubbles) = ck.array_field(obj, ptr, "contents") else {
        return;
    };
    let count = bubbles.len();
    if !(MIN_CAROUSEL_BUBBLES..=MAX_CAROUSEL_BUBBLES).contains(&count) {
        let msg = format!(
            "カルーセルのバブルは{MIN_CAROUSEL_BUBBLES}〜{MAX_CAROUSEL_BUBBLES}個にしてください（{count}個）"
        );
        ck.push(&contents_ptr, msg);
    }
    let mut first_size: Option<&str> = None;
    for (i, bubble) in bubbles.iter().enumerate() {
        let bubble_ptr = index(&contents_ptr, i);
        let Some(bubble_obj) = ck.object(&bubble_ptr, "カルーセルの要素", bubble) else {
            continue;
        };
        match ck.required_str(bubble_obj, &bubble_ptr, "type", "カルーセルの要素") {
            Some("bubble") => {}
            Some(other) => {
                let msg = format!("カルーセルに入れられるのは bubble だけです（「{other}」）");
                ck.push(&at(&bubble_ptr, "type"), msg);
                continue;
            }
            None => continue,
        }
        let size = bubble_obj.get("size").and_then(Value::as_str).unwrap_or(DEFAULT_BUBBLE_SIZE);
        match first_size {
            None => first_size = Some(size),
            Some(first) if first != size => {
                let msg = format!(
                    "カルーセル内のバブルの size がそろっていません（最初のバブルは「{first}」、このバブルは「{size}」）"
                );
                ck.push(&at(&bubble_ptr, "size"), msg);
            }
            Some(_) => {}
        }
        check_bubble(ck, bubble, bubble_obj, &bubble_ptr, true);
    }
}
