//! Shared plumbing for the LINE limit checks: the violation collector, typed field access
//! that reports wrong JSON types instead of panicking, character counting, and the value
//! formats (keywords, `Npx`, `N%`, colours, aspect ratios, URLs) used by Flex properties.
//!
//! Every helper here is total: it accepts any `serde_json::Value` and turns surprises into
//! violations, because the checked JSON comes from templates that city staff can edit.

use serde_json::{Map, Value};

use super::Violation;

/// Collects violations while a message is walked; pointers are JSON pointers (RFC 6901).
#[derive(Debug, Default)]
pub(crate) struct Checker {
    pub(crate) out: Vec<Violation>,
}

impl Checker {
    /// Records one broken rule at `pointer`.
    pub(crate) fn push(&mut self, pointer: &str, message: impl Into<String>) {
        self.out.push(Violation { pointer: pointer.to_owned(), message: message.into() });
    }

    /// Returns `value` as an object, or records that it must be one.
    pub(crate) fn object<'a>(
        &mut self,
        pointer: &str,
        what: &str,
        value: &'a Value,
    ) -> Option<&'a Map<String, Value>> {
        match value {
            Value::Object(map) => Some(map),
            other => {
                let kind = kind_name(other);
                self.push(
                    pointer,
                    format!("{what}はオブジェクトで指定してください（{kind}が指定されています）"),
                );
                None
            }
        }
    }

    /// Returns the string field `key`, recording a violation when it has another JSON type.
    /// An absent field (or `null`, which LINE treats as absent) is `None` without a violation.
    pub(crate) fn str_field<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Option<&'a str> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.wrong_type(&at(pointer, key), key, "文字列", other);
                None
            }
        }
    }

    /// Like [`Checker::str_field`] but the field must be present.
    pub(crate) fn required_str<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        pointer: &str,
        key: &str,
        what: &str,
    ) -> Option<&'a str> {
        if matches!(obj.get(key), None | Some(Value::Null)) {
            self.push(&at(pointer, key), format!("{what}に「{key}」がありません"));
            return None;
        }
        self.str_field(obj, pointer, key)
    }

    /// Returns the array field `key`, recording a violation when it has another JSON type.
    pub(crate) fn array_field<'a>(
        &mut self,
        obj: &'a Map<String, Value>,
        pointer: &str,
        key: &str,
    ) -> Option<&'a [Value]> {
        match obj.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Array(items)) => Some(items),
            Some(other) => {
                self.wrong_type(&at(pointer, key), key, "配列", other);
                None
            }
        }
    }

    /// Checks that a boolean field, when present, really is a boolean.
    pub(crate) fn bool_field(&mut self, obj: &Map<String, Value>, pointer: &str, key: &str) {
        match obj.get(key) {
            None | Some(Value::Null | Value::Bool(_)) => {}
            Some(other) => self.wrong_type(&at(pointer, key), key, "真偽値", other),
        }
    }

    /// Checks an integer field that must be `>= 0` (`flex`, `maxLines`).
    pub(crate) fn non_negative_int(&mut self, obj: &Map<String, Value>, pointer: &str, key: &str) {
        match obj.get(key) {
            None | Some(Value::Null) => {}
            Some(Value::Number(n)) if n.as_u64().is_some() => {}
            Some(Value::Number(n)) => {
                let msg = format!("「{key}」は0以上の整数で指定してください（{n}）");
                self.push(&at(pointer, key), msg);
            }
            Some(other) => self.wrong_type(&at(pointer, key), key, "整数", other),
        }
    }

    /// Checks an optional keyword field against a fixed set of values.
    pub(crate) fn enum_field(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
        allowed: &[&str],
    ) {
        if let Some(value) = self.str_field(obj, pointer, key)
            && !allowed.contains(&value)
        {
            self.push(&at(pointer, key), not_allowed(key, value, allowed));
        }
    }

    /// Checks an optional field with a custom format; `expected` describes it in Japanese.
    pub(crate) fn format_field(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
        is_valid: impl Fn(&str) -> bool,
        expected: &str,
    ) {
        if let Some(value) = self.str_field(obj, pointer, key)
            && !is_valid(value)
        {
            self.push(
                &at(pointer, key),
                format!("「{key}」の値「{value}」は使えません（{expected}）"),
            );
        }
    }

    /// Checks a length-like property: one of `keywords`, or a number with the units allowed.
    pub(crate) fn length_field(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
        keywords: &[&str],
        units: Units,
    ) {
        let is_valid = |s: &str| {
            keywords.contains(&s) || is_px(s) || (units == Units::PxOrPercent && is_percent(s))
        };
        let Some(value) = self.str_field(obj, pointer, key) else { return };
        if is_valid(value) {
            return;
        }
        // Built only for a violation: this check runs for every spacing, margin, padding and
        // offset of every component, so the happy path must not allocate.
        let forms = match units {
            Units::Px => "10px",
            Units::PxOrPercent => "10px・10%",
        };
        let expected = match keywords {
            [] => format!("{forms} の形"),
            _ => format!("{} のいずれか、または {forms} の形", keywords.join(", ")),
        };
        self.push(&at(pointer, key), format!("「{key}」の値「{value}」は使えません（{expected}）"));
    }

    /// Checks an HTTPS URL field (images, icons, videos): scheme, encoding and, if LINE
    /// states one, maximum length. `what` names the field in Japanese ("画像のURL").
    pub(crate) fn https_url(
        &mut self,
        obj: &Map<String, Value>,
        pointer: &str,
        key: &str,
        what: &str,
        max_len: Option<usize>,
    ) {
        let Some(url) = self.str_field(obj, pointer, key) else {
            return;
        };
        let ptr = || at(pointer, key);
        if !url.starts_with("https://") || url.len() <= "https://".len() {
            self.push(&ptr(), format!("{what}は https:// で始めてください（「{url}」）"));
        }
        let len = utf16_len(url);
        if let Some(max) = max_len
            && len > max
        {
            self.push(&ptr(), too_long(what, max, len));
        }
        if !is_percent_encoded(url) {
            self.push(
                &ptr(),
                format!("{what}に空白や全角文字が含まれています。パーセントエンコードしてください"),
            );
        }
    }

    /// Records that `key` holds the wrong JSON type.
    pub(crate) fn wrong_type(&mut self, pointer: &str, key: &str, expected: &str, got: &Value) {
        let kind = kind_name(got);
        self.push(
            pointer,
            format!("「{key}」は{expected}で指定してください（{kind}が指定されています）"),
        );
    }
}

/// Which unit forms a length-like property accepts besides its keywords
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/>).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Units {
    /// `Npx` only (margin, spacing, sizes of text, span and icon, border width, corner radius).
    Px,
    /// `Npx` or `N%` (padding, offsets, image size, box width and height).
    PxOrPercent,
}

/// Appends an object key to a JSON pointer, escaping `~` and `/` as RFC 6901 requires.
pub(crate) fn at(pointer: &str, key: &str) -> String {
    // One allocation: this runs for every property of every generated message.
    let mut out = String::with_capacity(pointer.len() + key.len() + 1);
    out.push_str(pointer);
    out.push('/');
    if key.contains(['~', '/']) {
        out.push_str(&key.replace('~', "~0").replace('/', "~1"));
    } else {
        out.push_str(key);
    }
    out
}

/// Appends an array index to a JSON pointer.
pub(crate) fn index(pointer: &str, i: usize) -> String {
    use std::fmt::Write;
    let mut out = String::with_capacity(pointer.len() + 4);
    out.push_str(pointer);
    let _ = write!(out, "/{i}");
    out
}

/// Japanese name of a JSON value's kind, for "wrong type" messages.
pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "真偽値",
        Value::Number(_) => "数値",
        Value::String(_) => "文字列",
        Value::Array(_) => "配列",
        Value::Object(_) => "オブジェクト",
    }
}

/// "`key`「value」は使えません（a, b, c のいずれか）".
pub(crate) fn not_allowed(what: &str, value: &str, allowed: &[&str]) -> String {
    let list = allowed.join(", ");
    format!("{what}「{value}」は使えません（{list} のいずれか）")
}

/// "`what`が`limit`文字を超えています（`actual`文字）".
pub(crate) fn too_long(what: &str, limit: usize, actual: usize) -> String {
    format!("{what}が{limit}文字を超えています（{actual}文字）")
}

/// Length as LINE counts most text: UTF-16 code units, so 🍎 counts 2
/// (<https://developers.line.biz/en/docs/messaging-api/text-character-count/>).
pub(crate) fn utf16_len(s: &str) -> usize {
    s.encode_utf16().count()
}

/// Length as LINE counts labels and action texts: grapheme clusters
/// (<https://developers.line.biz/en/docs/messaging-api/text-character-count/>).
///
/// Approximated by Unicode scalar values (`char`s) to avoid a segmentation crate. A cluster
/// is one or more chars, so this never undercounts: the check can only be stricter than LINE
/// (an emoji with a skin-tone modifier counts 2 here, 1 at LINE), never let an overlong
/// label through.
pub(crate) fn grapheme_len(s: &str) -> usize {
    s.chars().count()
}

/// A non-negative decimal number such as `12` or `2.5`.
fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.split_once('.') {
        Some((int, frac)) => (int, Some(frac)),
        None => (s, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

/// `Npx` with a non-negative number
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/>).
pub(crate) fn is_px(s: &str) -> bool {
    s.strip_suffix("px").is_some_and(is_decimal)
}

/// `N%` with a non-negative number
/// (<https://developers.line.biz/en/docs/messaging-api/flex-message-layout/>).
pub(crate) fn is_percent(s: &str) -> bool {
    s.strip_suffix('%').is_some_and(is_decimal)
}

/// `#RRGGBB` (<https://developers.line.biz/en/reference/messaging-api/#f-text>).
pub(crate) fn is_rgb(s: &str) -> bool {
    is_hex_colour(s, 6)
}

/// `#RRGGBB` or `#RRGGBBAA`; only box backgrounds accept alpha
/// (<https://developers.line.biz/en/reference/messaging-api/#box>).
pub(crate) fn is_rgb_or_rgba(s: &str) -> bool {
    is_hex_colour(s, 6) || is_hex_colour(s, 8)
}

fn is_hex_colour(s: &str, digits: usize) -> bool {
    s.strip_prefix('#')
        .is_some_and(|hex| hex.len() == digits && hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Why an image `aspectRatio` is refused, or `None` when it is a valid `W:H`.
///
/// LINE states the range 1–100000 for both sides without saying "integer", and its own
/// samples use ratios such as `1.51:1`, so decimals are accepted.
pub(crate) fn aspect_ratio_problem(
    s: &str,
    max_side: u32,
    max_height_factor: u32,
) -> Option<String> {
    let Some((w, h)) = s.split_once(':') else {
        return Some(format!("aspectRatio「{s}」は「幅:高さ」の形で指定してください"));
    };
    let parse = |p: &str| if is_decimal(p) { p.parse::<f64>().ok() } else { None };
    let (Some(w), Some(h)) = (parse(w), parse(h)) else {
        return Some(format!("aspectRatio「{s}」は「幅:高さ」の形で指定してください"));
    };
    let in_range = |x: f64| (1.0..=f64::from(max_side)).contains(&x);
    if !in_range(w) || !in_range(h) {
        return Some(format!("aspectRatio「{s}」の幅と高さは1〜{max_side}で指定してください"));
    }
    if h > w * f64::from(max_height_factor) {
        return Some(format!(
            "aspectRatio「{s}」の高さは幅の{max_height_factor}倍以下にしてください"
        ));
    }
    None
}

/// A URL LINE will accept in a JSON body: no spaces or raw non-ASCII (it wants percent-encoded
/// UTF-8, <https://developers.line.biz/en/reference/messaging-api/#url-encoding>).
pub(crate) fn is_percent_encoded(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_graphic())
}

/// Scheme of a URI (`https` in `https://…`), if it has a syntactically plausible one.
pub(crate) fn scheme(uri: &str) -> Option<&str> {
    let (scheme, _) = uri.split_once(':')?;
    let mut bytes = scheme.bytes();
    let starts_alpha = bytes.next().is_some_and(|b| b.is_ascii_alphabetic());
    let rest_ok = bytes.all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'));
    (starts_alpha && rest_ok).then_some(scheme)
}

/// Depth of the deepest array/object nesting in `value`, computed without recursion so a
/// hostile document cannot overflow the stack before we even start checking it.
pub(crate) fn nesting_depth(value: &Value) -> usize {
    let mut deepest = 0;
    let mut stack: Vec<(&Value, usize)> = vec![(value, 1)];
    while let Some((v, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        match v {
            Value::Array(items) => stack.extend(items.iter().map(|c| (c, depth + 1))),
            Value::Object(map) => stack.extend(map.values().map(|c| (c, depth + 1))),
            _ => {}
        }
    }
    deepest
}

/// Pointer (relative to `value`) to the first node, in document order, that is nested deeper
/// than `max`: the place to report a depth problem, so it can be traced to what produced it
/// (a list indented too deep) rather than to the whole message. Iterative, like
/// [`nesting_depth`].
pub(crate) fn first_too_deep(value: &Value, max: usize) -> Option<String> {
    let mut stack: Vec<(&Value, usize, String)> = vec![(value, 1, String::new())];
    while let Some((v, depth, ptr)) = stack.pop() {
        if depth > max {
            return Some(ptr);
        }
        match v {
            Value::Array(items) => stack.extend(
                items.iter().enumerate().rev().map(|(i, c)| (c, depth + 1, index(&ptr, i))),
            ),
            Value::Object(map) => stack.extend(
                map.iter()
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .map(|(k, c)| (c, depth + 1, at(&ptr, k))),
            ),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_node_too_deep_is_found() {
        let v = serde_json::json!({"a": [1, {"b": [[2]]}], "c": {"d": {"e": 3}}});
        assert_eq!(first_too_deep(&v, 3).as_deref(), Some("/a/1/b"));
        assert_eq!(first_too_deep(&v, 10), None);
    }

    #[test]
    fn px_and_percent_accept_decimals_and_reject_signs_and_units() {
        assert!(is_px("10px") && is_px("2.5px") && is_px("0px"));
        assert!(!is_px("px") && !is_px("-1px") && !is_px("10") && !is_px("1.px"));
        assert!(is_percent("50%") && !is_percent("50") && !is_percent("%"));
    }

    #[test]
    fn colours_need_hash_and_exact_digit_count() {
        assert!(is_rgb("#00ff00") && !is_rgb("#00ff0") && !is_rgb("00ff00"));
        assert!(!is_rgb("#00ff0080") && is_rgb_or_rgba("#00ff0080"));
        assert!(!is_rgb("#gg0000"));
    }

    #[test]
    fn aspect_ratio_range_and_height_factor() {
        assert_eq!(aspect_ratio_problem("20:13", 100_000, 3), None);
        assert_eq!(aspect_ratio_problem("1.51:1", 100_000, 3), None);
        assert_eq!(aspect_ratio_problem("1:3", 100_000, 3), None);
        assert!(aspect_ratio_problem("1:4", 100_000, 3).is_some());
        assert!(aspect_ratio_problem("0:1", 100_000, 3).is_some());
        assert!(aspect_ratio_problem("100001:1", 100_000, 3).is_some());
        assert!(aspect_ratio_problem("16x9", 100_000, 3).is_some());
        assert!(aspect_ratio_problem(":", 100_000, 3).is_some());
    }

    #[test]
    fn lengths_count_utf16_units_and_chars() {
        assert_eq!(utf16_len("🍎a"), 3);
        assert_eq!(grapheme_len("🍎a"), 2);
        assert_eq!(grapheme_len("保育園"), 3);
    }

    #[test]
    fn scheme_and_encoding() {
        assert_eq!(scheme("https://x"), Some("https"));
        assert_eq!(scheme("tel:0120"), Some("tel"));
        assert_eq!(scheme("/relative"), None);
        assert_eq!(scheme("1a:b"), None);
        assert!(is_percent_encoded("https://a.jp/%E4%BF%9D"));
        assert!(!is_percent_encoded("https://a.jp/保育"));
        assert!(!is_percent_encoded("https://a.jp/a b"));
    }

    #[test]
    fn pointer_escapes_tilde_and_slash() {
        assert_eq!(at("", "a/b~c"), "/a~1b~0c");
        assert_eq!(index("/contents", 3), "/contents/3");
    }

    #[test]
    fn nesting_depth_is_iterative() {
        let mut v = Value::Null;
        for _ in 0..10_000 {
            v = Value::Array(vec![v]);
        }
        assert_eq!(nesting_depth(&v), 10_001);
        // Dropping a deeply nested Value recurses inside serde_json; unwind it by hand.
        while let Value::Array(mut items) = v {
            v = items.pop().unwrap_or(Value::Null);
        }
    }
}
