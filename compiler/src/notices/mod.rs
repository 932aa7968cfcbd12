//! Direct mail: a page with `notify:` front matter is also a notice pushed to friends.
//!
//! Stages, one module each:
//! - [`spec`] is `notify:` and `audiences:` as written, checked per file while loading;
//! - this module checks what needs the whole site (the audience exists), renders the notice's
//!   message — an event card with a "詳しく見る" button opening the page — validates it with
//!   the same LINE limit checks as every reply, and stamps its hash;
//! - [`format`] is what goes into the bundle (`bundle.json` → `notices`) for the runtime's
//!   scheduler and `oyako send`.

use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use bundle::ASSET_URL_PREFIX;
use bundle::Notice;

use crate::content::{Page, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex;
use crate::lookup;
use crate::resolve::pushed;
use crate::validate::{self, VALIDATION_ASSET_BASE};

use crate::spec::notify::{AUDIENCE_ALL, Notify};

/// Checks and renders every notice of the site, sorted by id; problems go into `diags`.
pub fn compile(site: &Site, dir: &Path, diags: &mut Diagnostics) -> Vec<Notice> {
    let mut out = Vec::new();
    for page in site.pages.values() {
        let Some(notify) = &page.notify else { continue };
        let filter = match notify.audience.as_str() {
            AUDIENCE_ALL => None,
            name => match site.account.audiences.get(name) {
                Some(a) => Some(a.demographic.clone()),
                None => {
                    diags.push(unknown_audience(site, page, notify));
                    continue;
                }
            },
        };
        let messages = vec![card_message(site, dir, page)];
        check(site, page, &messages, diags);
        let mut notice = Notice {
            id: page.path.clone(),
            title: page.title.clone(),
            at: bundle::japan::format(notify.at),
            audience: notify.audience.clone(),
            filter,
            force: notify.force,
            messages: Value::Array(messages),
            hash: String::new(),
        };
        notice.hash = hash(&notice);
        out.push(notice);
    }
    out
}

fn unknown_audience(site: &Site, page: &Page, notify: &Notify) -> Diagnostic {
    let names: Vec<&str> = site.account.audiences.keys().map(String::as_str).collect();
    let near = names
        .iter()
        .map(|n| (strsim::damerau_levenshtein(&notify.audience, n), *n))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, n)| format!("「{n}」のまちがいではありませんか？"));
    let hint = near.unwrap_or_else(|| {
        "全員に送るときは audience: all、絞り込むときは content/_index.md の audiences に名前と条件を書いてください".to_string()
    });
    Diagnostic::error(
        &page.source.file,
        notify.audience_pos,
        format!(
            "お知らせの宛先「{}」が content/_index.md の audiences にありません",
            notify.audience
        ),
    )
    .with_hint(hint)
}

/// The notice as one Flex message: hero image, title, date/time/place, summary and a button
/// that opens the page, with the page's quick reply.
fn card_message(site: &Site, dir: &Path, page: &Page) -> Value {
    let mut body = vec![
        json!({"type": "text", "text": if page.event.is_some() { "イベントのお知らせ" } else { "お知らせ" },
               "size": "xs", "weight": "bold", "color": "#B8560B"}),
        json!({"type": "text", "text": page.title, "weight": "bold", "size": "lg",
               "color": "#333333", "wrap": true}),
    ];
    let mut when = None;
    if let Some(e) = &page.event {
        let date = lookup::japanese_date(e.date);
        let date = match &e.time {
            Some(t) => format!("{date} {t}"),
            None => date,
        };
        let mut rows = vec![row("日時", &date)];
        if let Some(place) = &e.place {
            rows.push(row("場所", place));
        }
        body.push(json!({"type": "box", "layout": "vertical", "spacing": "xs",
                         "backgroundColor": "#F4F9F4", "cornerRadius": "md", "paddingAll": "md",
                         "contents": rows}));
        when = Some(date);
    }
    let bubble = flex::pushed::page_card(pushed(dir, page), body, "#B8560B");
    let alt = match when {
        Some(w) => format!("【お知らせ】{}（{w}）", page.title),
        None => format!("【お知らせ】{}", page.title),
    };
    let mut message = flex::flex_message(&alt, bubble);
    message["quickReply"] = lookup::quick_reply(site, &page.section);
    message
}

fn row(label: &str, value: &str) -> Value {
    json!({"type": "box", "layout": "baseline", "spacing": "sm", "contents": [
        {"type": "text", "text": label, "size": "sm", "color": "#666666", "flex": 1},
        {"type": "text", "text": value, "size": "sm", "color": "#333333", "wrap": true, "flex": 4}]})
}

/// The same LINE limit checks as every reply, on the messages as they will be sent.
fn check(site: &Site, page: &Page, messages: &[Value], diags: &mut Diagnostics) {
    let text = serde_json::to_string(messages).unwrap_or_default();
    let served: Vec<Value> = if text.contains(ASSET_URL_PREFIX) {
        serde_json::from_str(&text.replace(ASSET_URL_PREFIX, VALIDATION_ASSET_BASE))
            .unwrap_or_default()
    } else {
        messages.to_vec()
    };
    let origin = crate::locate::Origin::Page(page.path.clone());
    let key = format!("notice:{}", page.path);
    for v in validate::check_messages(&served) {
        diags.push(crate::locate::over_limit(site, &origin, &served, &key, &v));
    }
}

/// SHA-256 (hex) over the notice with an empty hash field (serde field order is fixed).
fn hash(notice: &Notice) -> String {
    let bytes = serde_json::to_vec(notice).unwrap_or_default();
    Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
