//! The HTML preview (`dist/preview/`): every menu and page rendered in a browser with the same
//! Flex renderer as the `oyako dev` simulator, so reviewers of a content change can tap
//! through it from a CI artifact without LINE.
//!
//! The page shell is static; content goes into scripts as JSON with `<`, `>` and `&` escaped,
//! and the renderer puts text on screen with `textContent` only, so a page that contains
//! `<script>` shows it as text. `data.js` holds the navigation, the special replies and the
//! top menu's; the replies of each other section (its menus and pages) are in
//! `replies/<n>.js`, loaded when one of them is first shown. A 10,000-page site then opens
//! with well under a megabyte instead of one 78 MB script, and the build writes the parts in
//! parallel. Scripts rather than JSON files because the preview is opened from `file://`,
//! where a browser does not `fetch`.

use rayon::prelude::*;
use serde::Serialize;

use bundle::Bundle;
use bundle::postback;

use crate::content::{Child, Site};

/// The Flex renderer shared by the preview and the `oyako dev` simulator.
pub const FLEX_JS: &str = include_str!("../web/flex.js");
/// Styles of the Flex renderer.
pub const FLEX_CSS: &str = include_str!("../web/flex.css");

/// Files of the preview, relative to the bundle directory.
pub fn files(site: &Site, bundle: &Bundle) -> Vec<(String, Vec<u8>)> {
    let statics: [(&str, &str); 5] = [
        ("index.html", include_str!("../web/preview.html")),
        ("preview.js", include_str!("../web/preview.js")),
        ("preview.css", include_str!("../web/preview.css")),
        ("flex.js", FLEX_JS),
        ("flex.css", FLEX_CSS),
    ];
    let mut out: Vec<(String, Vec<u8>)> =
        statics.iter().map(|(n, t)| (format!("preview/{n}"), t.as_bytes().to_vec())).collect();
    let parts = parts(site, bundle);
    out.push(("preview/data.js".into(), data_js(site, bundle, &parts).into_bytes()));
    out.par_extend(parts.groups.par_iter().enumerate().skip(1).filter(|(_, g)| !g.is_empty()).map(
        |(n, keys)| {
            let mut js = format!("OyakoPreview.part({n}, {{");
            replies_into(bundle, keys, &mut js);
            js.push_str("});\n");
            (format!("preview/replies/{n}.js"), js.into_bytes())
        },
    ));
    out
}

/// Replies grouped by the section they belong to: group 0 (in `data.js`) holds the special
/// replies, the top menu's and those of no section; group `n` the `n`-th section's.
struct Parts<'a> {
    groups: Vec<Vec<(&'a str, &'a bundle::Blob)>>,
    /// Each reply outside `data.js` and its group.
    of: Vec<(&'a str, usize)>,
}

fn parts<'a>(site: &Site, bundle: &'a Bundle) -> Parts<'a> {
    let index: std::collections::HashMap<&str, usize> =
        site.sections.keys().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
    let section = |key: &str| -> Option<usize> {
        let path = if let Some(page) = key.strip_prefix(postback::PAGE) {
            site.pages.get(page).map(|p| p.section.as_str())?
        } else {
            let menu = key.strip_prefix(postback::MENU)?;
            // `menu:<path>:<n>` for the later pages of a long menu.
            match menu.rsplit_once(':') {
                Some((path, n)) if n.bytes().all(|b| b.is_ascii_digit()) => path,
                _ => menu,
            }
        };
        index.get(path).copied().filter(|&i| i > 0 && !path.is_empty())
    };
    let mut groups = vec![Vec::new(); site.sections.len().max(1)];
    let mut of = Vec::new();
    for (key, blob) in bundle.all_replies() {
        let n = section(key).unwrap_or(0);
        groups[n].push((key, blob));
        if n > 0 {
            of.push((key, n));
        }
    }
    Parts { groups, of }
}

/// `"key":[messages],…` for `replies`, escaped for a script.
fn replies_into(bundle: &Bundle, replies: &[(&str, &bundle::Blob)], out: &mut String) {
    let mut text = Vec::new();
    for (i, (key, blob)) in replies.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape_into(&serde_json::to_string(key).unwrap_or_default(), out);
        out.push(':');
        text.clear();
        bundle.write_messages(blob, &mut text);
        escape_into(std::str::from_utf8(&text).unwrap_or("null"), out);
    }
}

#[derive(Serialize)]
struct Data<'a> {
    title: &'a str,
    tree: Vec<NavItem>,
    /// The rich menus (image path under the bundle, request with tap areas), if any.
    richmenu: Option<&'a bundle::RichMenuBundle>,
    /// The printables' overview page, relative to the preview, when the account has `line_id`.
    promo: Option<&'static str>,
    /// The timed messages as a timeline: when each is sent, and the message.
    timed: Vec<TimedView<'a>>,
}

/// One timed message in the preview's timeline.
#[derive(Serialize)]
struct TimedView<'a> {
    id: &'a str,
    title: &'a str,
    /// `birth` or `due`.
    from: &'static str,
    /// 生年月日 / 出産予定日.
    from_text: &'static str,
    /// As staff wrote it: `3m3w`, `-12w`.
    at: String,
    /// `until`, when the step has one.
    until: Option<String>,
    label: &'a str,
    messages: &'a serde_json::Value,
}

fn timeline(timed: &bundle::Timed) -> Vec<TimedView<'_>> {
    timed
        .steps
        .iter()
        .map(|s| TimedView {
            id: &s.id,
            title: &s.title,
            from: s.from.word(),
            from_text: s.from.japanese(),
            at: s.at.to_string(),
            until: s.until.map(|u| u.to_string()),
            label: &s.label,
            messages: &s.messages,
        })
        .collect()
}

#[derive(Serialize)]
struct NavItem {
    key: String,
    title: String,
    depth: usize,
}

/// `window.OYAKO_PREVIEW = {…};` with the replies of group 0 and, in `parts`, the group of
/// every other reply. Replies are copied as the JSON text the bundle stores (never parsed).
fn data_js(site: &Site, bundle: &Bundle, parts: &Parts<'_>) -> String {
    let mut tree = Vec::new();
    nav(site, "", 0, &mut tree);
    let promo = bundle.promo.as_ref().map(|_| "../promo/index.html");
    let data = Data {
        title: &bundle.title,
        tree,
        richmenu: bundle.richmenu.as_ref(),
        promo,
        timed: timeline(&bundle.timed),
    };
    let head = serde_json::to_string(&data).unwrap_or_else(|_| "{}".into());
    let mut out = String::from("window.OYAKO_PREVIEW = ");
    escape_into(head.strip_suffix('}').unwrap_or("{"), &mut out);
    out.push_str(",\"parts\":{");
    for (i, (key, n)) in parts.of.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        escape_into(&serde_json::to_string(key).unwrap_or_default(), &mut out);
        out.push(':');
        out.push_str(&n.to_string());
    }
    out.push_str("},\"replies\":{");
    replies_into(bundle, &parts.groups[0], &mut out);
    out.push('}');
    if let Some(calendar) = &bundle.calendar {
        calendar_js(bundle, calendar, &mut out);
    }
    out.push_str("};\n");
    out
}

/// `,"calendar":{…}`: the day variants, so the preview's date control shows the account as
/// it answers on any day of the window (`replies` holds the window's first day).
fn calendar_js(bundle: &Bundle, calendar: &bundle::Calendar, out: &mut String) {
    #[derive(Serialize)]
    struct Head<'a> {
        first_day: String,
        last_day: String,
        replies: &'a std::collections::BTreeMap<String, Vec<(u32, u32)>>,
        ended: u32,
        until: std::collections::BTreeMap<&'a str, String>,
        views: Vec<(&'a str, &'a str)>,
    }
    let head = Head {
        first_day: calendar.first_day.to_string(),
        last_day: calendar.last_day().to_string(),
        replies: &calendar.replies,
        ended: calendar.ended,
        until: calendar.until.iter().map(|(k, d)| (k.as_str(), d.to_string())).collect(),
        views: bundle
            .pages
            .iter()
            .filter(|p| p.postback.starts_with(postback::CALENDAR))
            .map(|p| (p.postback.as_str(), p.title.as_str()))
            .collect(),
    };
    let head = serde_json::to_string(&head).unwrap_or_else(|_| "{}".into());
    out.push_str(",\"calendar\":");
    escape_into(head.strip_suffix('}').unwrap_or("{"), out);
    out.push_str(",\"blobs\":[");
    let mut text = Vec::new();
    for (i, blob) in calendar.blobs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        text.clear();
        bundle.write_messages(blob, &mut text);
        escape_into(std::str::from_utf8(&text).unwrap_or("null"), out);
    }
    out.push_str("]}");
}

/// Appends `json` to `out` made safe inside a script file: no `</script>`, no HTML-significant
/// characters, and no line separators that old JavaScript parsers reject (all of these occur
/// only in strings). Appending lets large previews be escaped piece by piece.
fn escape_into(json: &str, out: &mut String) {
    // 0xE2 leads the UTF-8 of U+2028/U+2029: text without it (or `<>&`) is copied as is.
    if !json.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        out.push_str(json);
        return;
    }
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
}

fn nav(site: &Site, section: &str, depth: usize, out: &mut Vec<NavItem>) {
    let Some(s) = site.sections.get(section) else { return };
    let title = if section.is_empty() {
        "メニュー".to_string()
    } else {
        format!("{}（メニュー）", s.title)
    };
    out.push(NavItem { key: postback::menu(section, 1), title, depth });
    for child in &s.children {
        match child {
            Child::Section(p) => nav(site, p, depth + 1, out),
            Child::Page(p) => out.push(NavItem {
                key: postback::page(p),
                title: site.pages[p].title.clone(),
                depth: depth + 1,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn the_timeline_is_in_the_data_and_escaped() {
        use bundle::{Anchor, Offset, Timed, TimedStep};
        let step = TimedStep {
            id: "k/yon".into(),
            title: "4か月児健診 <b>".into(),
            from: Anchor::Birth,
            at: Offset::parse("3m3w").unwrap(),
            until: Some(Offset::parse("5m").unwrap()),
            label: "もうすぐ生後4か月".into(),
            messages: serde_json::json!([{"type": "text", "text": "</script>"}]),
            hash: String::new(),
        };
        let timed = Timed { steps: vec![step], texts: Default::default() };
        let json = serde_json::to_string(&timeline(&timed)).unwrap();
        let mut escaped = String::new();
        escape_into(&json, &mut escaped);
        assert!(!escaped.contains(['<', '>']), "{escaped}");
        let back: Value = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back[0]["from_text"], "生年月日");
        assert_eq!((back[0]["at"].as_str(), back[0]["until"].as_str()), (Some("3m3w"), Some("5m")));
        assert_eq!(back[0]["messages"][0]["text"], "</script>");
    }

    #[test]
    fn script_text_is_escaped() {
        let mut s = String::new();
        escape_into("{\"t\":\"<script>alert(1)</script> & \u{2028}\"}", &mut s);
        assert!(!s.contains(['<', '>', '&', '\u{2028}']), "{s}");
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back["t"], "<script>alert(1)</script> & \u{2028}");
    }
}
