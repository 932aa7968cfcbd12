//! `line_id:` and `promo:` as staff write them in `content/_index.md`, and their checks.
//!
//! ```yaml
//! summary: 妊娠・出産・子育ての情報が LINE に届きます   # the line printed on posters
//! line_id: "@216ruxyz"
//! promo:
//!   - {id: boshi-techo, label: 母子手帳の交付窓口}
//!   - {id: kenshin-4m, label: 4か月児健診, code: K4}
//! ```
//!
//! Every value a diagnostic may point at is [`Spanned`]. The keys are documented for staff in
//! `content/README.md`.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::spec::{StringOrNumber, pos};
use bundle::limits::{MAX_QUICK_REPLY_ITEMS, MAX_QUICK_REPLY_LABEL_LEN};
use bundle::promo::{NONE, OTHER};
use bundle::search::normalize;

/// Most channels: each is a quick-reply button of the follow question, beside その他 and 答えない.
pub const MAX_CHANNELS: usize = MAX_QUICK_REPLY_ITEMS - 2;
/// Longest channel id: it names files and goes into postback data.
pub const MAX_ID_LEN: usize = 32;
/// Longest channel code: printed in small print and typed by parents.
pub const MAX_CODE_LEN: usize = 16;
/// Longest account `summary` when it is printed: posters and cards show it large on one or
/// two lines.
pub const MAX_SUMMARY_LEN: usize = 40;
/// Longest LINE ID after the `@`. LINE does not publish one; basic IDs are 8 characters and
/// premium IDs are chosen within a short length, so anything longer is a paste error.
pub const MAX_LINE_ID_LEN: usize = 20;

/// One `promo:` item as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelSpec {
    /// Names the channel in answers, reports and file names (`[a-z0-9-]+`).
    pub id: Spanned<StringOrNumber>,
    /// Text of the answer button.
    pub label: Spanned<String>,
    /// Short code printed on the poster (default: the id).
    pub code: Option<Spanned<StringOrNumber>>,
}

/// The checked promotion settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Promo {
    /// The LINE ID with its `@`.
    pub line_id: String,
    /// The channels in the order written.
    pub channels: Vec<Channel>,
    /// Where `promo:` was written (line, column), for problems of the list as a whole.
    pub pos: (usize, usize),
}

/// One checked channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Channel {
    /// The id.
    pub id: String,
    /// The button text.
    pub label: String,
    /// The printed code.
    pub code: String,
    /// Where the item was written.
    pub pos: (usize, usize),
}

impl Promo {
    /// The bundle's form.
    pub fn to_bundle(&self) -> bundle::Promo {
        bundle::Promo {
            line_id: self.line_id.clone(),
            channels: self
                .channels
                .iter()
                .map(|c| bundle::promo::Channel {
                    id: c.id.clone(),
                    label: c.label.clone(),
                    code: c.code.clone(),
                })
                .collect(),
        }
    }
}

/// Checks `line_id:` and `promo:` of the account file (whose YAML starts on `yaml_line`).
/// Returns the settings when `line_id` is usable and every channel is.
pub fn check(
    line_id: Option<&Spanned<String>>,
    promo: Option<&Spanned<Vec<Spanned<ChannelSpec>>>>,
    yaml_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Promo> {
    let before = diags.error_count();
    let mut error = |at: (usize, usize), msg: String, hint: &str| {
        diags.push(Diagnostic::error(file, at, msg).with_hint(hint));
    };
    let line_id = match (line_id, promo) {
        (None, None) => return None,
        (None, Some(p)) => {
            error(
                pos(p, yaml_line),
                "promo を使うには line_id（アカウントの LINE ID）が必要です".into(),
                "line_id: \"@216ruxyz\" のように、LINE Official Account Manager に出ている @ で始まる ID を書いてください",
            );
            None
        }
        (Some(id), _) => match check_line_id(&id.value) {
            Ok(id) => Some(id),
            Err((msg, hint)) => {
                error(pos(id, yaml_line), msg, hint);
                None
            }
        },
    };
    let mut channels: Vec<Channel> = Vec::new();
    let list = promo.map_or(&[][..], |p| p.value.as_slice());
    if list.len() > MAX_CHANNELS {
        error(
            promo.map_or((1, 1), |p| pos(p, yaml_line)),
            format!("promo の場所が多すぎます（{}個、{MAX_CHANNELS}個まで）", list.len()),
            "友だち追加のあとの質問のボタンになります。LINE のきまりでボタンは「その他」「答えない」と合わせて13個までです",
        );
    }
    for item in list {
        let at = pos(item, yaml_line);
        if let Some(c) = channel(&item.value, yaml_line, at, &channels, &mut error) {
            channels.push(c);
        }
    }
    let ok = diags.error_count() == before;
    let pos = promo.map_or((1, 1), |p| pos(p, yaml_line));
    line_id.filter(|_| ok).map(|line_id| Promo { line_id, channels, pos })
}

/// Checks one channel against the ones before it.
fn channel(
    spec: &ChannelSpec,
    yaml_line: usize,
    at: (usize, usize),
    before: &[Channel],
    error: &mut impl FnMut((usize, usize), String, &str),
) -> Option<Channel> {
    let id = spec.id.value.clone().into_string().trim().to_string();
    let id_pos = pos(&spec.id, yaml_line);
    let id_ok = id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let mut ok = true;
    if id.is_empty() || !id_ok || id.len() > MAX_ID_LEN {
        error(
            id_pos,
            format!("promo の id「{id}」は使えません"),
            "英小文字・数字・ハイフンだけで32文字までにしてください（例: boshi-techo）",
        );
        ok = false;
    } else if id == OTHER || id == NONE {
        error(
            id_pos,
            format!(
                "promo の id「{id}」は使えません（「その他」「答えない」のために予約されています）"
            ),
            "ほかの名前にしてください",
        );
        ok = false;
    } else if before.iter().any(|c| c.id == id) {
        error(
            id_pos,
            format!("promo の id「{id}」が2回あります"),
            "場所ごとにちがう id にしてください",
        );
        ok = false;
    }
    let label = spec.label.value.trim().to_string();
    let len = label.chars().count();
    if len == 0 || len > MAX_QUICK_REPLY_LABEL_LEN {
        error(
            pos(&spec.label, yaml_line),
            format!(
                "promo の label「{label}」は1〜{MAX_QUICK_REPLY_LABEL_LEN}文字にしてください（{len}文字）"
            ),
            "「この LINE をどこで知りましたか？」の答えのボタンになります（LINE のきまりで20文字まで）",
        );
        ok = false;
    } else if before.iter().any(|c| c.label == label) {
        error(
            pos(&spec.label, yaml_line),
            format!("promo の label「{label}」が2回あります"),
            "ボタンで見分けられるよう、場所ごとにちがう label にしてください",
        );
        ok = false;
    }
    let (code, code_pos) = match &spec.code {
        Some(c) => (c.value.clone().into_string().trim().to_string(), pos(c, yaml_line)),
        // The id's own problems are reported above; as a code it is then not checked again.
        None if !ok => return None,
        None => (id.clone(), id_pos),
    };
    let code_ok = code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    if code.is_empty() || !code_ok || code.len() > MAX_CODE_LEN {
        error(
            code_pos,
            format!("promo のコード「{code}」は使えません"),
            "英字・数字・ハイフンで16文字までにしてください。code を書かないときは id がコードになります",
        );
        ok = false;
    } else if let Some(other) = before.iter().find(|c| normalize(&c.code) == normalize(&code)) {
        error(
            code_pos,
            format!("promo のコード「{code}」が「{}」のコードと同じです", other.id),
            "送られたコードで場所を見分けるので、場所ごとにちがうコードにしてください（大文字・小文字・ハイフンは区別しません）",
        );
        ok = false;
    }
    ok.then_some(Channel { id, label, code, pos: at })
}

/// Checks a LINE ID as written: `@` and then letters, digits, `.`, `_` or `-`. Catches what
/// staff are likely to paste instead: a URL, the ID without `@`, a full-width `＠`.
pub fn check_line_id(raw: &str) -> Result<String, (String, &'static str)> {
    let id = raw.trim();
    let hint_where = "LINE Official Account Manager の「設定」→「アカウント設定」にある、@ で始まる ID（例: \"@216ruxyz\"）を書いてください";
    if id.contains("://") || id.starts_with("line.me") || id.starts_with("lin.ee") {
        return Err((format!("line_id に URL「{id}」が書かれています"), hint_where));
    }
    if let Some(rest) = id.strip_prefix('＠') {
        return Err((
            format!("line_id「{id}」の ＠ が全角です"),
            if rest.is_empty() { hint_where } else { "半角の @ にしてください" },
        ));
    }
    if id.starts_with("%40") {
        return Err((
            format!("line_id「{id}」の %40 は @ にしてください"),
            "URL 用の書き方（%40）は oyako が自動で作ります",
        ));
    }
    let Some(rest) = id.strip_prefix('@') else {
        return Err((format!("line_id「{id}」は @ で始めてください"), hint_where));
    };
    let chars_ok = rest.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if rest.is_empty() || rest.len() > MAX_LINE_ID_LEN || !chars_ok {
        return Err((format!("line_id「{id}」は LINE ID の形になっていません"), hint_where));
    }
    Ok(id.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_ids() {
        assert_eq!(check_line_id(" @216ruxyz ").unwrap(), "@216ruxyz");
        assert_eq!(check_line_id("@asahi.kosodate_1-x").unwrap(), "@asahi.kosodate_1-x");
        for bad in [
            "216ruxyz",
            "@",
            "＠216ruxyz",
            "%40216ruxyz",
            "https://line.me/R/ti/p/%40216ruxyz",
            "https://lin.ee/abcd",
            "@216 ruxyz",
            "@あさひ",
            "@123456789012345678901",
        ] {
            assert!(check_line_id(bad).is_err(), "{bad}");
        }
    }
}
