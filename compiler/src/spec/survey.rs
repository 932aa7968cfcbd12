//! `survey:` as staff write it in a page's front matter, and its checks.
//!
//! Every value a diagnostic may point at is [`Spanned`], so a mistake comes back with the line
//! and column it is on. The keys are documented for staff in `content/README.md`.

use std::path::Path;

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::spec::{StringOrNumber, pos};
use bundle::limits::MAX_FLEX_LABEL_LEN;

/// Fewest choices of a survey.
pub const MIN_CHOICES: usize = 2;
/// Most choices of a survey (each is a button of one bubble).
pub const MAX_CHOICES: usize = 10;
/// Longest survey id: it goes into postback data (≤300,
/// <https://developers.line.biz/en/reference/messaging-api/#postback-action>) and file names.
pub const MAX_ID_LEN: usize = 64;
/// Longest follow-up prompt, in UTF-16 units: it is sent as a text message
/// (<https://developers.line.biz/en/reference/messaging-api/#text-message>).
pub const MAX_FOLLOWUP_LEN: usize = 5000;

/// `survey:` as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SurveySpec {
    /// Names the survey in answers and reports (`[a-z0-9-]+`, unique in the account).
    pub id: Spanned<StringOrNumber>,
    /// The question shown above the choices.
    pub question: Spanned<String>,
    /// Button texts, 2–10.
    pub choices: Spanned<Vec<Spanned<StringOrNumber>>>,
    /// Which of `choices` count as satisfied (may be empty for a survey that is no
    /// satisfaction question).
    pub satisfied: Spanned<Vec<Spanned<StringOrNumber>>>,
    /// Sent after an answer to invite a free comment.
    pub followup: Option<Spanned<String>>,
}

/// A checked survey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Survey {
    /// The id.
    pub id: String,
    /// The question.
    pub question: String,
    /// Button texts in order.
    pub choices: Vec<String>,
    /// One flag per choice.
    pub satisfied: Vec<bool>,
    /// The follow-up prompt.
    pub followup: Option<String>,
    /// Line and column of the id, for the duplicate-id diagnostic.
    pub pos: (usize, usize),
}

/// Checks `spec` (from a file whose YAML starts on `yaml_line`), reporting each problem at its
/// line; returns the survey when it is usable.
pub fn check(
    spec: &SurveySpec,
    yaml_line: usize,
    file: &Path,
    diags: &mut Diagnostics,
) -> Option<Survey> {
    let before = diags.error_count();
    let mut error = |s: (usize, usize), msg: String, hint: &str| {
        diags.push(Diagnostic::error(file, s, msg).with_hint(hint));
    };
    let id = text(&spec.id.value);
    let id_pos = pos(&spec.id, yaml_line);
    let id_ok = id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if id.is_empty() || !id_ok || id.len() > MAX_ID_LEN {
        error(
            id_pos,
            format!("アンケートの id「{id}」は使えません"),
            "英小文字・数字・ハイフンだけで64文字までにしてください（例: manzokudo-2026）",
        );
    }
    let question = spec.question.value.trim().to_string();
    if question.is_empty() {
        error(
            pos(&spec.question, yaml_line),
            "アンケートの question（質問文）が空です".into(),
            "保護者にたずねる文を書いてください",
        );
    }
    let choices: Vec<String> = spec.choices.value.iter().map(|c| text(&c.value)).collect();
    let count = choices.len();
    if !(MIN_CHOICES..=MAX_CHOICES).contains(&count) {
        error(
            pos(&spec.choices, yaml_line),
            format!(
                "アンケートの選択肢は{MIN_CHOICES}〜{MAX_CHOICES}個にしてください（{count}個）"
            ),
            "選択肢はボタンになります。LINE で見やすい数にしてください",
        );
    }
    for (i, (choice, spanned)) in choices.iter().zip(&spec.choices.value).enumerate() {
        let pos = pos(spanned, yaml_line);
        let len = choice.chars().count();
        if len == 0 || len > MAX_FLEX_LABEL_LEN {
            error(
                pos,
                format!(
                    "選択肢「{choice}」は1〜{MAX_FLEX_LABEL_LEN}文字にしてください（{len}文字）"
                ),
                "ボタンに表示される文字です（LINE の決まりで40文字まで）",
            );
        } else if choices[..i].contains(choice) {
            error(
                pos,
                format!("選択肢「{choice}」が2回あります"),
                "同じ文の選択肢は1つにしてください",
            );
        }
    }
    let mut satisfied = vec![false; count];
    for s in &spec.satisfied.value {
        let wanted = text(&s.value);
        match choices.iter().position(|c| *c == wanted) {
            Some(i) => satisfied[i] = true,
            None => error(
                pos(s, yaml_line),
                format!("satisfied の「{wanted}」が choices にありません"),
                "satisfied には choices の中の文をそのまま書いてください",
            ),
        }
    }
    let followup = spec.followup.as_ref().map(|f| (f.value.trim().to_string(), pos(f, yaml_line)));
    if let Some((text, pos)) = &followup {
        let len = text.encode_utf16().count();
        if text.is_empty() || len > MAX_FOLLOWUP_LEN {
            error(
                *pos,
                format!("followup は1〜{MAX_FOLLOWUP_LEN}文字にしてください（{len}文字）"),
                "回答のあとに送る、ご意見をたずねる文です。いらなければ followup の行を消してください",
            );
        }
    }
    (diags.error_count() == before).then(|| Survey {
        id,
        question,
        choices,
        satisfied,
        followup: followup.map(|(t, _)| t),
        pos: id_pos,
    })
}

fn text(v: &StringOrNumber) -> String {
    v.clone().into_string().trim().to_string()
}
