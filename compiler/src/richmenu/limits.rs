//! LINE's rules for rich menus
//! (<https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>,
//! <https://developers.line.biz/en/reference/messaging-api/#action-objects>; the constants are in
//! [`bundle::limits`]) as a check of the finished request JSON and image.
//!
//! The content checks in `plan` give staff located messages; [`check_request`] and
//! [`check_image`] then check what is actually written, so a bug in the builder cannot ship a
//! menu LINE would refuse at deploy time.

use serde_json::Value;

use bundle::limits::{
    AREA_ACTION_TYPES, MAX_ALIAS_LEN, MAX_AREAS, MAX_CHAT_BAR_LEN, MAX_IMAGE_BYTES, MAX_NAME_LEN,
    MAX_POSTBACK_DATA_LEN, MAX_RICHMENU_LABEL_LEN, MAX_URI_LEN, MAX_WIDTH, MIN_HEIGHT, MIN_RATIO,
    MIN_WIDTH, URI_SCHEMES,
};

use crate::validate::Violation;

/// True when `id` is a valid rich menu alias ID.
pub fn is_alias_id(id: &str) -> bool {
    (1..=MAX_ALIAS_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// Why a menu size is not allowed, if it is not.
pub fn size_problem(width: u32, height: u32) -> Option<String> {
    if !(MIN_WIDTH..=MAX_WIDTH).contains(&width) {
        return Some(format!("幅 {width} は {MIN_WIDTH}〜{MAX_WIDTH} ピクセルにしてください"));
    }
    if height < MIN_HEIGHT {
        return Some(format!("高さ {height} は {MIN_HEIGHT} ピクセル以上にしてください"));
    }
    if f64::from(width) / f64::from(height) < MIN_RATIO {
        return Some(format!("幅÷高さ（{width}÷{height}）は {MIN_RATIO} 以上にしてください"));
    }
    None
}

/// Checks a rich menu request body (a rich menu object,
/// <https://developers.line.biz/en/reference/messaging-api/#rich-menu-object>) against LINE's
/// limits.
pub fn check_request(menu: &Value) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut bad = |pointer: String, message: String| out.push(Violation { pointer, message });
    let int = |v: &Value, key: &str| v.get(key).and_then(Value::as_u64);
    let (w, h) = match (int(&menu["size"], "width"), int(&menu["size"], "height")) {
        (Some(w), Some(h)) => (w, h),
        _ => {
            bad("/size".into(), "size.width と size.height が必要です".into());
            (0, 0)
        }
    };
    if let Some(p) = size_problem(w.try_into().unwrap_or(u32::MAX), h.try_into().unwrap_or(0)) {
        bad("/size".into(), p);
    }
    if !menu["selected"].is_boolean() {
        bad("/selected".into(), "selected は true か false です".into());
    }
    match menu["name"].as_str() {
        Some(n) if !n.is_empty() && n.chars().count() <= MAX_NAME_LEN => {}
        _ => bad("/name".into(), format!("name は1〜{MAX_NAME_LEN}文字です")),
    }
    match menu["chatBarText"].as_str() {
        Some(t) if !t.is_empty() && t.chars().count() <= MAX_CHAT_BAR_LEN => {}
        _ => bad("/chatBarText".into(), format!("chatBarText は1〜{MAX_CHAT_BAR_LEN}文字です")),
    }
    let areas = menu["areas"].as_array().map_or(&[][..], Vec::as_slice);
    if areas.is_empty() || areas.len() > MAX_AREAS {
        bad("/areas".into(), format!("areas は1〜{MAX_AREAS}個です（{}個）", areas.len()));
    }
    for (i, area) in areas.iter().enumerate() {
        let b = &area["bounds"];
        let get = |k| int(b, k);
        match (get("x"), get("y"), get("width"), get("height")) {
            (Some(x), Some(y), Some(bw), Some(bh))
                if bw >= 1 && bh >= 1 && x + bw <= w && y + bh <= h => {}
            _ => bad(format!("/areas/{i}/bounds"), format!("範囲が画像（{w}×{h}）の外です")),
        }
        for (ptr, msg) in check_action(&area["action"]) {
            bad(format!("/areas/{i}/action{ptr}"), msg);
        }
    }
    out
}

/// Checks one area action; pointers are relative to the action.
fn check_action(a: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let ty = a["type"].as_str().unwrap_or_default();
    if !AREA_ACTION_TYPES.contains(&ty) {
        out.push(("/type".into(), format!("リッチメニューで使えない動作「{ty}」です")));
    }
    if let Some(l) = a.get("label") {
        let n = l.as_str().map_or(usize::MAX, |s| s.chars().count());
        if n == 0 || n > MAX_RICHMENU_LABEL_LEN {
            out.push(("/label".into(), format!("label は1〜{MAX_RICHMENU_LABEL_LEN}文字です")));
        }
    }
    if let Some(d) = a.get("data") {
        let n = d.as_str().map_or(usize::MAX, |s| s.encode_utf16().count());
        if n == 0 || n > MAX_POSTBACK_DATA_LEN {
            out.push(("/data".into(), format!("data は1〜{MAX_POSTBACK_DATA_LEN}文字です")));
        }
    }
    match ty {
        "uri" => {
            let uri = a["uri"].as_str().unwrap_or_default();
            let scheme = uri.split_once(':').map_or("", |(s, _)| s);
            if uri.chars().count() > MAX_URI_LEN || !URI_SCHEMES.contains(&scheme) {
                out.push(("/uri".into(), format!("uri「{uri}」は使えません")));
            }
        }
        "richmenuswitch" => {
            let alias = a["richMenuAliasId"].as_str().unwrap_or_default();
            if !is_alias_id(alias) {
                out.push((
                    "/richMenuAliasId".into(),
                    format!("エイリアスID「{alias}」は使えません"),
                ));
            }
            if a.get("data").is_none() {
                out.push(("/data".into(), "richmenuswitch には data が必要です".into()));
            }
        }
        _ => {}
    }
    out
}

/// Checks an image file against LINE's rules for a menu of `size`.
pub fn check_image(bytes: &[u8], size: (u32, u32)) -> Vec<String> {
    let mut out = Vec::new();
    if bytes.len() > MAX_IMAGE_BYTES {
        out.push(format!(
            "画像が大きすぎます（{}バイト、{MAX_IMAGE_BYTES}バイトまで）",
            bytes.len()
        ));
    }
    let png = bytes.starts_with(b"\x89PNG\r\n\x1a\n");
    let jpeg = bytes.starts_with(&[0xff, 0xd8, 0xff]);
    match imagesize::blob_size(bytes) {
        Ok(s) if png || jpeg => {
            let found = (s.width as u64, s.height as u64);
            if found != (u64::from(size.0), u64::from(size.1)) {
                out.push(format!(
                    "画像の大きさが {}×{} です（メニューは {}×{}）",
                    found.0, found.1, size.0, size.1
                ));
            }
        }
        _ => out.push("PNG か JPEG の画像として読めません".into()),
    }
    out
}
