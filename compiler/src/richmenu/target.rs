//! What a button does: its `target` turned into a LINE action
//! (<https://developers.line.biz/en/reference/messaging-api/#action-objects>), checked against the
//! site. Sections and pages open by postback (`menu:<path>`, `page:<path>`, shown in the chat as
//! the title), addresses and phone numbers by `uri`, tabs by `richmenuswitch`, and `timed:` opens
//! the registration for timed messages.

use serde_json::{Value, json};
use serde_saphyr::Spanned;

use super::{Cx, MAIN_TAB, alias};
use crate::content::is_dialable;
use crate::flex::actions;
use bundle::limits::MAX_RICHMENU_LABEL_LEN;
use bundle::limits::MAX_URI_LEN;
use bundle::postback;

/// The action of a button labelled `label` with target `t`; `tabs` are the defined tab names.
/// `None` (after reporting why) when the target is not usable.
pub fn action(cx: &mut Cx<'_>, label: &str, t: &Spanned<String>, tabs: &[&str]) -> Option<Value> {
    let pos = cx.spec.pos(t);
    let target = t.value.trim();
    let max = MAX_RICHMENU_LABEL_LEN;
    if let Some(name) = target.strip_prefix(postback::TAB) {
        if name != MAIN_TAB && !tabs.contains(&name) {
            let known: Vec<String> = std::iter::once(MAIN_TAB)
                .chain(tabs.iter().copied())
                .map(|t| format!("tab:{t}"))
                .collect();
            cx.error(
                pos,
                format!("タブ「{name}」がありません"),
                format!("tabs: に書いたタブの名前を使ってください（{}）", known.join("、")),
            );
            return None;
        }
        return Some(json!({
            "type": "richmenuswitch",
            "label": clip(label, max),
            "richMenuAliasId": alias(name),
            "data": format!("{}{name}", postback::TAB),
        }));
    }
    if target == postback::TIMED || target == postback::timed(postback::TimedAction::Start) {
        let data = postback::timed(postback::TimedAction::Start);
        return Some(actions::postback(label, &data, label, max));
    }
    if target.starts_with("https://") || target.starts_with("http://") {
        if !target.starts_with("https://") || target.chars().count() > MAX_URI_LEN {
            cx.error(
                pos,
                format!("URL「{target}」は使えません"),
                "https:// で始まる1000文字までのアドレスにしてください",
            );
            return None;
        }
        return Some(actions::uri(label, target, max));
    }
    if let Some(number) = target.strip_prefix("tel:") {
        if !is_dialable(number) {
            cx.error(
                pos,
                format!("電話番号「{number}」が正しくありません"),
                "tel:0479-62-1212 のように書いてください",
            );
            return None;
        }
        return Some(actions::tel(label, number, max));
    }
    content_action(cx, label, target, pos)
}

fn content_action(
    cx: &mut Cx<'_>,
    label: &str,
    target: &str,
    pos: (usize, usize),
) -> Option<Value> {
    let path = target.trim_matches('/').trim_end_matches(".md");
    let site = cx.site;
    let (data, title) = if let Some(p) = site.pages.get(path) {
        (postback::page(path), p.title.as_str())
    } else if let Some(s) = site.sections.get(path).filter(|_| !path.is_empty()) {
        (postback::menu(path, 1), s.title.as_str())
    } else {
        let all = site.sections.keys().chain(site.pages.keys()).filter(|p| !p.is_empty());
        let near = all
            .map(|p| (strsim::damerau_levenshtein(path, p), p))
            .filter(|(d, _)| *d <= 3 && !path.is_empty())
            .min()
            .map(|(_, p)| p.clone());
        let hint = match near {
            Some(p) => format!("「{p}」のまちがいではありませんか？"),
            None => "セクションかページのパス（例: ninshin、ninshin/boshi-techo）、https:// の URL、tel:番号、tab:タブ名 のどれかを書いてください".to_string(),
        };
        cx.error(pos, format!("ボタンの行き先「{target}」が見つかりません"), hint);
        return None;
    };
    Some(actions::postback(label, &data, title, MAX_RICHMENU_LABEL_LEN))
}

fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
