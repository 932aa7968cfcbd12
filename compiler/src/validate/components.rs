//! Checks for Flex components
//! (<https://developers.line.biz/en/reference/messaging-api/#flex-component>), one function per
//! component kind.
//!
//! A parent decides which child types it accepts (box layouts, text → span, hero → video);
//! [`check_component`] then checks the component's own properties. Recursion only goes
//! through boxes, and callers have already refused values nested deeper than
//! [`MAX_JSON_DEPTH`](super::MAX_JSON_DEPTH), so the stack stays bounded.

use serde_json::{Map, Value};

use super::actions::{Place, check_action};
use super::values::{
    Checker, Units, aspect_ratio_problem, at, index, is_percent, is_rgb, is_rgb_or_rgba,
    not_allowed,
};
use bundle::limits::{
    ADJUST_MODES, ALIGN_ITEMS, ALIGNS, ASPECT_MODES, BACKGROUND_TYPES, BASELINE_BOX_CHILDREN,
    BASELINE_FORBIDDEN_CHILD_PROPS, BORDER_WIDTHS, BOX_LAYOUTS, BUTTON_HEIGHTS, BUTTON_STYLES,
    COMPONENT_TYPES, CORNER_RADII, DECORATIONS, GRAVITIES, IMAGE_SIZES, JUSTIFY_CONTENTS,
    LINEAR_BOX_CHILDREN, MAX_ASPECT_HEIGHT_FACTOR, MAX_ASPECT_RATIO_SIDE, MAX_FLEX_IMAGE_URL_LEN,
    MAX_GRADIENT_ANGLE_DEG, MAX_GRADIENT_CENTER_PERCENT, POSITIONS, SPACING_KEYWORDS, TEXT_SIZES,
    TEXT_STYLES, WEIGHTS,
};

/// Reads a component's `type`, recording a violation when it is missing or unknown.
pub(crate) fn component_type<'a>(
    ck: &mut Checker,
    value: &'a Value,
    pointer: &str,
) -> Option<(&'a Map<String, Value>, &'a str)> {
    let obj = ck.object(pointer, "コンポーネント", value)?;
    let ty = ck.required_str(obj, pointer, "type", "コンポーネント")?;
    if !COMPONENT_TYPES.contains(&ty) {
        let msg = not_allowed("コンポーネントの種類", ty, COMPONENT_TYPES);
        ck.push(&at(pointer, "type"), msg);
        return None;
    }
    Some((obj, ty))
}

/// Checks a component whose placement the caller has already accepted.
pub(crate) fn check_component(ck: &mut Checker, obj: &Map<String, Value>, ty: &str, ptr: &str) {
    match ty {
        "box" => check_box(ck, obj, ptr),
        "button" => check_button(ck, obj, ptr),
        "image" => check_image(ck, obj, ptr),
        "video" => check_video(ck, obj, ptr),
        "icon" => check_icon(ck, obj, ptr),
        "text" => check_text(ck, obj, ptr),
        "span" => check_span(ck, obj, ptr),
        "separator" => check_separator(ck, obj, ptr),
        "filler" => ck.non_negative_int(obj, ptr, "flex"),
        _ => {}
    }
}

/// Checks a box that must be at `ptr` (a bubble's header/body/footer, a video's altContent).
pub(crate) fn check_box_at(ck: &mut Checker, value: &Value, ptr: &str, what: &str) {
    let Some((obj, ty)) = component_type(ck, value, ptr) else {
        return;
    };
    if ty != "box" {
        ck.push(&at(ptr, "type"), format!("{what}には box を指定してください（「{ty}」）"));
        return;
    }
    check_box(ck, obj, ptr);
}

/// Box: layout, children allowed by that layout, spacing and decoration
/// (<https://developers.line.biz/en/reference/messaging-api/#box>).
fn check_box(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    let layout = ck.required_str(obj, ptr, "layout", "ボックス");
    let layout = match layout {
        Some(l) if BOX_LAYOUTS.contains(&l) => Some(l),
        Some(l) => {
            ck.push(&at(ptr, "layout"), not_allowed("ボックスの layout", l, BOX_LAYOUTS));
            None
        }
        None => None,
    };
    if matches!(obj.get("contents"), None | Some(Value::Null)) {
        ck.push(&at(ptr, "contents"), "ボックスに「contents」がありません");
    }
    let contents_ptr = at(ptr, "contents");
    for (i, child) in ck.array_field(obj, ptr, "contents").unwrap_or_default().iter().enumerate() {
        check_box_child(ck, child, &index(&contents_ptr, i), layout);
    }
    ck.length_field(obj, ptr, "spacing", SPACING_KEYWORDS, Units::Px);
    for key in ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"] {
        ck.length_field(obj, ptr, key, SPACING_KEYWORDS, Units::PxOrPercent);
    }
    for key in ["width", "maxWidth", "height", "maxHeight"] {
        ck.length_field(obj, ptr, key, &[], Units::PxOrPercent);
    }
    ck.length_field(obj, ptr, "borderWidth", BORDER_WIDTHS, Units::Px);
    ck.length_field(obj, ptr, "cornerRadius", CORNER_RADII, Units::Px);
    ck.format_field(obj, ptr, "backgroundColor", is_rgb_or_rgba, "#RRGGBB または #RRGGBBAA");
    ck.format_field(obj, ptr, "borderColor", is_rgb, "#RRGGBB");
    ck.enum_field(obj, ptr, "justifyContent", JUSTIFY_CONTENTS);
    ck.enum_field(obj, ptr, "alignItems", ALIGN_ITEMS);
    if let Some(bg) = obj.get("background").filter(|v| !v.is_null()) {
        check_background(ck, bg, &at(ptr, "background"));
    }
    check_layout_props(ck, obj, ptr);
    check_optional_action(ck, obj, ptr);
}

/// Checks one child of a box against what its layout allows, then the child itself.
fn check_box_child(ck: &mut Checker, child: &Value, ptr: &str, layout: Option<&str>) {
    let Some((obj, ty)) = component_type(ck, child, ptr) else {
        return;
    };
    let type_ptr = || at(ptr, "type");
    match ty {
        "span" => {
            ck.push(&type_ptr(), "span はテキストの contents の中でしか使えません");
            return;
        }
        "video" => {
            ck.push(&type_ptr(), "video はバブルの hero にしか置けません");
            return;
        }
        _ => {}
    }
    let allowed = match layout {
        Some("baseline") => BASELINE_BOX_CHILDREN,
        Some(_) => LINEAR_BOX_CHILDREN,
        None => COMPONENT_TYPES,
    };
    if !allowed.contains(&ty) {
        let layout = layout.unwrap_or_default();
        let list = allowed.join(", ");
        let msg = format!("{layout} のボックスには {ty} を入れられません（使えるのは {list}）");
        ck.push(&type_ptr(), msg);
        return;
    }
    if layout == Some("baseline") {
        for key in BASELINE_FORBIDDEN_CHILD_PROPS {
            if obj.get(*key).is_some_and(|v| !v.is_null()) {
                let msg = format!("baseline のボックスの子要素には {key} を指定できません");
                ck.push(&at(ptr, key), msg);
            }
        }
    }
    check_component(ck, obj, ty, ptr);
}

/// Box `background`: a linear gradient with angle and colours
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/#linear-gradient-bg>).
fn check_background(ck: &mut Checker, value: &Value, ptr: &str) {
    let Some(obj) = ck.object(ptr, "background", value) else {
        return;
    };
    if let Some(ty) = ck.required_str(obj, ptr, "type", "background")
        && !BACKGROUND_TYPES.contains(&ty)
    {
        ck.push(&at(ptr, "type"), not_allowed("background の type", ty, BACKGROUND_TYPES));
    }
    if let Some(angle) = ck.required_str(obj, ptr, "angle", "background") {
        let deg = angle.strip_suffix("deg").and_then(|n| n.parse::<f64>().ok());
        if !deg.is_some_and(|d| (0.0..MAX_GRADIENT_ANGLE_DEG).contains(&d)) {
            let msg = format!("angle「{angle}」は 0deg 以上 360deg 未満で指定してください");
            ck.push(&at(ptr, "angle"), msg);
        }
    }
    for key in ["startColor", "endColor"] {
        ck.required_str(obj, ptr, key, "background");
    }
    for key in ["startColor", "endColor", "centerColor"] {
        ck.format_field(obj, ptr, key, is_rgb_or_rgba, "#RRGGBB または #RRGGBBAA");
    }
    let center_ok = |s: &str| {
        let n = s.strip_suffix('%').and_then(|n| n.parse::<f64>().ok());
        is_percent(s) && n.is_some_and(|n| n <= MAX_GRADIENT_CENTER_PERCENT)
    };
    ck.format_field(obj, ptr, "centerPosition", center_ok, "0%〜100%");
}

/// Button: an action is required and its label is shown
/// (<https://developers.line.biz/en/reference/messaging-api/#button>).
fn check_button(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    match obj.get("action").filter(|v| !v.is_null()) {
        Some(action) => {
            check_action(ck, action, &at(ptr, "action"), Place::FlexButton);
        }
        None => ck.push(&at(ptr, "action"), "ボタンに action がありません"),
    }
    ck.enum_field(obj, ptr, "style", BUTTON_STYLES);
    ck.enum_field(obj, ptr, "height", BUTTON_HEIGHTS);
    ck.enum_field(obj, ptr, "gravity", GRAVITIES);
    ck.enum_field(obj, ptr, "adjustMode", ADJUST_MODES);
    ck.format_field(obj, ptr, "color", is_rgb, "#RRGGBB");
    ck.bool_field(obj, ptr, "scaling");
    check_layout_props(ck, obj, ptr);
}

/// Image: HTTPS URL ≤2000, size, aspect ratio
/// (<https://developers.line.biz/en/reference/messaging-api/#f-image>).
fn check_image(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.required_str(obj, ptr, "url", "画像");
    ck.https_url(obj, ptr, "url", "画像のURL", Some(MAX_FLEX_IMAGE_URL_LEN));
    ck.length_field(obj, ptr, "size", IMAGE_SIZES, Units::PxOrPercent);
    check_aspect_ratio(ck, obj, ptr);
    ck.enum_field(obj, ptr, "aspectMode", ASPECT_MODES);
    ck.enum_field(obj, ptr, "align", ALIGNS);
    ck.enum_field(obj, ptr, "gravity", GRAVITIES);
    ck.format_field(obj, ptr, "backgroundColor", is_rgb, "#RRGGBB");
    ck.bool_field(obj, ptr, "animated");
    check_layout_props(ck, obj, ptr);
    check_optional_action(ck, obj, ptr);
}

/// Video (only ever reached as a hero): HTTPS URLs, a box or image `altContent`, and only a URI
/// action (<https://developers.line.biz/en/reference/messaging-api/#f-video>).
fn check_video(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    for key in ["url", "previewUrl"] {
        ck.required_str(obj, ptr, key, "動画");
    }
    ck.https_url(obj, ptr, "url", "動画のURL", None);
    ck.https_url(obj, ptr, "previewUrl", "動画のプレビュー画像のURL", None);
    let alt_ptr = at(ptr, "altContent");
    match obj.get("altContent").filter(|v| !v.is_null()) {
        None => ck.push(&alt_ptr, "動画に altContent（再生できない端末向けの表示）がありません"),
        Some(alt) => {
            if let Some((alt_obj, ty)) = component_type(ck, alt, &alt_ptr) {
                if ty == "box" || ty == "image" {
                    check_component(ck, alt_obj, ty, &alt_ptr);
                } else {
                    let msg =
                        format!("altContent には box か image を指定してください（「{ty}」）");
                    ck.push(&at(&alt_ptr, "type"), msg);
                }
            }
        }
    }
    if let Some(action) = obj.get("action").filter(|v| !v.is_null()) {
        let action_ptr = at(ptr, "action");
        let ty = check_action(ck, action, &action_ptr, Place::FlexOther);
        if ty.is_some_and(|t| t != "uri") {
            ck.push(&at(&action_ptr, "type"), "動画のアクションには uri しか使えません");
        }
    }
}

/// Icon (baseline boxes only): HTTPS URL ≤2000, size
/// (<https://developers.line.biz/en/reference/messaging-api/#icon>).
fn check_icon(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.required_str(obj, ptr, "url", "アイコン");
    ck.https_url(obj, ptr, "url", "アイコンのURL", Some(MAX_FLEX_IMAGE_URL_LEN));
    ck.length_field(obj, ptr, "size", TEXT_SIZES, Units::Px);
    check_aspect_ratio(ck, obj, ptr);
    ck.bool_field(obj, ptr, "scaling");
    check_position_props(ck, obj, ptr);
    ck.length_field(obj, ptr, "margin", SPACING_KEYWORDS, Units::Px);
}

/// Text: needs `text` or span `contents`; contents may only hold spans
/// (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
fn check_text(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    let text = ck.str_field(obj, ptr, "text");
    let spans = ck.array_field(obj, ptr, "contents").unwrap_or_default();
    if spans.is_empty() && text.is_none_or(str::is_empty) {
        ck.push(ptr, "テキストに text も contents もありません");
    }
    let contents_ptr = at(ptr, "contents");
    for (i, span) in spans.iter().enumerate() {
        let span_ptr = index(&contents_ptr, i);
        let Some((span_obj, ty)) = component_type(ck, span, &span_ptr) else {
            continue;
        };
        if ty == "span" {
            check_span(ck, span_obj, &span_ptr);
        } else {
            let msg = format!("テキストの contents には span しか入れられません（「{ty}」）");
            ck.push(&at(&span_ptr, "type"), msg);
        }
    }
    check_text_style(ck, obj, ptr);
    ck.enum_field(obj, ptr, "align", ALIGNS);
    ck.enum_field(obj, ptr, "gravity", GRAVITIES);
    ck.enum_field(obj, ptr, "adjustMode", ADJUST_MODES);
    ck.bool_field(obj, ptr, "wrap");
    ck.bool_field(obj, ptr, "scaling");
    ck.non_negative_int(obj, ptr, "maxLines");
    ck.length_field(obj, ptr, "lineSpacing", &[], Units::Px);
    check_layout_props(ck, obj, ptr);
    check_optional_action(ck, obj, ptr);
}

/// Span (inside a text's `contents` only): `text` required
/// (<https://developers.line.biz/en/reference/messaging-api/#span>).
fn check_span(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.required_str(obj, ptr, "text", "span");
    check_text_style(ck, obj, ptr);
}

/// Separator: margin and colour only
/// (<https://developers.line.biz/en/reference/messaging-api/#separator>).
fn check_separator(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.length_field(obj, ptr, "margin", SPACING_KEYWORDS, Units::Px);
    ck.format_field(obj, ptr, "color", is_rgb, "#RRGGBB");
}

/// Font properties shared by text and span.
fn check_text_style(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.length_field(obj, ptr, "size", TEXT_SIZES, Units::Px);
    ck.format_field(obj, ptr, "color", is_rgb, "#RRGGBB");
    ck.enum_field(obj, ptr, "weight", WEIGHTS);
    ck.enum_field(obj, ptr, "style", TEXT_STYLES);
    ck.enum_field(obj, ptr, "decoration", DECORATIONS);
}

/// `flex`, `margin`, `position` and offsets, shared by box, button, image and text.
fn check_layout_props(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.non_negative_int(obj, ptr, "flex");
    ck.length_field(obj, ptr, "margin", SPACING_KEYWORDS, Units::Px);
    check_position_props(ck, obj, ptr);
}

fn check_position_props(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    ck.enum_field(obj, ptr, "position", POSITIONS);
    for key in ["offsetTop", "offsetBottom", "offsetStart", "offsetEnd"] {
        ck.length_field(obj, ptr, key, SPACING_KEYWORDS, Units::PxOrPercent);
    }
}

fn check_aspect_ratio(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    if let Some(ratio) = ck.str_field(obj, ptr, "aspectRatio")
        && let Some(msg) =
            aspect_ratio_problem(ratio, MAX_ASPECT_RATIO_SIDE, MAX_ASPECT_HEIGHT_FACTOR)
    {
        ck.push(&at(ptr, "aspectRatio"), msg);
    }
}

/// An optional tap action on a non-button component; its label is not shown.
fn check_optional_action(ck: &mut Checker, obj: &Map<String, Value>, ptr: &str) {
    if let Some(action) = obj.get("action").filter(|v| !v.is_null()) {
        check_action(ck, action, &at(ptr, "action"), Place::FlexOther);
    }
}
