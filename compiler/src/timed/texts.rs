//! The registration conversation as JSON message arrays with `@@NAME@@` placeholders.
//!
//! Staff may reword it: `content/_timed/<name>.md` (`welcome`, `consent`, `confirm`, `stop`,
//! `due-question`, `quiet`) each give a `title:` and a body (and, for `consent`, `links:` such as the
//! city's privacy page); a missing file keeps the default below. Buttons and dates are fixed,
//! because the runtime depends on them.
//!
//! Every text is checked like every reply, with sample values in place of the placeholders.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use bundle::limits::{MAX_FLEX_LABEL_LEN, MAX_URI_LEN};
use bundle::postback::{self, TimedAction};
use bundle::timed::placeholder;
use bundle::{Anchor, TimedTexts};

use crate::content::front_matter;
use crate::content::{Site, TIMED_TEXTS_DIR};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::flex::{self, actions};
use crate::markdown;
use crate::validate;

/// A text as staff wrote it (or the default).
struct Text {
    title: String,
    body: String,
    links: Vec<(String, String)>,
    file: PathBuf,
}

const DEFAULTS: &[(&str, &str, &str)] = &[
    (
        "welcome",
        "お子さんに合わせた配信",
        "出産予定日かお子さんの生年月日を登録すると、健診や予防接種、手続きのご案内を、お子さんに合わせた時期にお届けします。\n登録するのはどちらですか？",
    ),
    (
        "consent",
        "登録の前にご確認ください",
        "保存するのは、登録した日付（出産予定日または生年月日）と LINE のユーザーIDだけです。お名前や住所はうかがいません。\n使い道は、お子さんの時期に合わせたお知らせを送ることだけです。\n保存するのはお子さんが小学校に入学するまでです。メニューの「配信停止」を押せば、いつでも止められ、データは消去されます。\n（要確認：市の個人情報の取り扱いページ）",
    ),
    ("confirm", "登録しました", "これから届く予定のお知らせです。"),
    (
        "stop",
        "配信を停止しました",
        "登録した日付は消去しました。また使いたくなったら、いつでも登録できます。",
    ),
    (
        "due-question",
        "その後、いかがお過ごしですか",
        "出産予定日から少したちました。お子さんが生まれていたら、生年月日を教えていただくと、健診や予防接種のご案内をお届けします。\n配信が不要になったときは、下のボタンで止められます。理由はうかがいません。",
    ),
    (
        "quiet",
        "お知らせを止めました",
        "この登録のお知らせは、もう届きません。登録した日付は消去しました。\nどうぞお体を大切になさってください。また必要になったときは、いつでも登録できます。",
    ),
];

/// The conversation's texts, checked; the confirmation with `longest_title` (the longest
/// step title) in every row, since the runtime splices real titles into it.
pub fn compile(
    site: &Site,
    content_dir: &Path,
    longest_title: &str,
    diags: &mut Diagnostics,
) -> TimedTexts {
    let _ = site;
    let get = |name: &str, diags: &mut Diagnostics| load(content_dir, name, diags);
    let welcome = get("welcome", diags);
    let consent = get("consent", diags);
    let confirm = get("confirm", diags);
    let stop = get("stop", diags);
    let question = get("due-question", diags);
    let quiet = get("quiet", diags);
    let texts = TimedTexts {
        consent: array(&[consent_message(&consent)]),
        pick: array(&[pick_message(&welcome)]),
        confirm_head: String::new(),
        confirm_row: row_json(),
        confirm_tail: String::new(),
        confirm_none: none_row_json(),
        manage_head: String::new(),
        manage_row: manage_row_json(),
        manage_tail: String::new(),
        stopped: array(&[text_bubble(&stop, vec![])]),
        deleted: array(&[flex::text_message(
            "登録を削除しました。ほかに登録したお子さんへの配信は続きます。",
        )]),
        bad_date: array(&[flex::text_message(
            "日付を読み取れませんでした。お手数ですが、もう一度ボタンから選んでください。",
        )]),
        not_found: array(&[flex::text_message(
            "この登録はもうありません。メニューの「お子さんに合わせた配信」から確認できます。",
        )]),
        due_question: array(&[question_message(&question)]),
        quiet: array(&[text_bubble(&quiet, vec![])]),
    };
    let (head, tail) = split_rows(&confirm_message(&confirm));
    let (mhead, mtail) = split_rows(&manage_message());
    let texts = TimedTexts {
        confirm_head: head,
        confirm_tail: tail,
        manage_head: mhead,
        manage_tail: mtail,
        ..texts
    };
    for (name, json, file) in [
        ("consent", spliced(&texts.consent), &consent.file),
        ("welcome", spliced(&texts.pick), &welcome.file),
        ("confirm", confirm_sample(&texts, longest_title), &confirm.file),
        ("manage", manage_sample(&texts), &confirm.file),
        ("stop", spliced(&texts.stopped), &stop.file),
        ("due-question", spliced(&texts.due_question), &question.file),
        ("quiet", spliced(&texts.quiet), &quiet.file),
    ] {
        check(name, &json, file, diags);
    }
    texts
}

/// Sample values of every placeholder, for checks and previews.
fn sample_values() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TODAY", "2026-04-01"),
        ("DUE_MAX", "2027-01-26"),
        ("BIRTH_MIN", "2020-04-01"),
        ("MIN", "2020-04-01"),
        ("MAX", "2026-04-01"),
        ("DATE", "2025-10-01"),
        ("ID", "0123456789ab"),
        ("KIND", "生年月日"),
        ("CHILD", "生年月日 2025年10月1日"),
        ("WHEN", "2026年1月22日（生後3か月）"),
        ("TITLE", "4か月児健康診査（要確認）"),
    ]
}

fn spliced(template: &str) -> String {
    spliced_with(template, &[])
}

/// `template` with `values` (JSON-escaped, as the runtime writes them) and the sample values.
fn spliced_with(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        let json = serde_json::to_string(v).unwrap_or_default();
        out = out.replace(&placeholder(k), &json[1..json.len() - 1]);
    }
    for (k, v) in sample_values() {
        out = out.replace(&placeholder(k), v);
    }
    out
}

fn confirm_sample(t: &TimedTexts, longest_title: &str) -> String {
    let rows = vec![t.confirm_row.clone(); bundle::timed::CONFIRM_ROWS].join(",");
    spliced_with(
        &format!("{}{rows}{}", t.confirm_head, t.confirm_tail),
        &[("TITLE", longest_title)],
    )
}

fn manage_sample(t: &TimedTexts) -> String {
    let rows = vec![t.manage_row.clone(); bundle::timed::MAX_CHILDREN].join(",");
    spliced(&format!("{}{rows}{}", t.manage_head, t.manage_tail))
}

fn check(name: &str, json: &str, file: &Path, diags: &mut Diagnostics) {
    let messages: Vec<Value> = match serde_json::from_str(json) {
        Ok(m) => m,
        Err(_) => {
            diags.push(
                Diagnostic::error(file, (1, 1), format!("登録の文面（{name}）を作れません"))
                    .with_hint("oyako の不具合です。開発者に知らせてください"),
            );
            return;
        }
    };
    for v in validate::check_messages(&messages) {
        diags.push(
            Diagnostic::error(
                file,
                (1, 1),
                format!(
                    "登録の文面（{name}）が LINE の制限を超えています（{}）: {}",
                    v.pointer, v.message
                ),
            )
            .with_hint("title や本文を短くしてください"),
        );
    }
}

fn load(content_dir: &Path, name: &str, diags: &mut Diagnostics) -> Text {
    let file = content_dir.join(TIMED_TEXTS_DIR).join(format!("{name}.md"));
    let (_, title, body) =
        DEFAULTS.iter().find(|(n, _, _)| *n == name).copied().unwrap_or_default();
    let default =
        Text { title: title.into(), body: body.into(), links: Vec::new(), file: file.clone() };
    let Ok(text) = std::fs::read_to_string(&file) else { return default };
    let Ok(split) = front_matter::split(&text) else {
        diags.push(
            Diagnostic::error(&file, (1, 1), "front matter（--- で囲んだ設定）がありません")
                .with_hint("1行目を --- にして、title: を書き、--- で閉じてください"),
        );
        return default;
    };
    let parsed = front_matter::parse(split.yaml, split.yaml_line);
    if !parsed.errors.is_empty() {
        for e in parsed.errors {
            diags.push(Diagnostic::error(&file, (e.line, e.column), e.message).with_hint(e.hint));
        }
        return default;
    }
    let fm = parsed.front_matter;
    let mut links = Vec::new();
    for l in fm.links.iter().flatten() {
        match &l.value.url {
            Some(u) if u.starts_with("https://") && u.chars().count() <= MAX_URI_LEN => {
                links.push((l.value.label.clone(), u.clone()));
            }
            _ => {
                let line = l.referenced.line() as usize + split.yaml_line - 1;
                diags.push(
                    Diagnostic::error(
                        &file,
                        (line, 1),
                        "登録の文面のリンクには url（https://…）だけが使えます",
                    )
                    .with_hint("例: links: [{label: 個人情報の取り扱い, url: https://…}]"),
                );
            }
        }
    }
    let (blocks, _) = markdown::parse(split.body);
    let body = markdown::plain_text(&blocks);
    Text {
        title: fm.title.map_or(default.title, |t| t.value),
        body: if body.trim().is_empty() { default.body } else { body },
        links,
        file,
    }
}

fn array(messages: &[Value]) -> String {
    serde_json::to_string(messages).unwrap_or_default()
}

fn paragraphs(body: &str) -> Vec<Value> {
    body.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| json!({"type": "text", "text": l, "size": "sm", "color": "#444444", "wrap": true}))
        .collect()
}

fn bubble(title: &str, mut body: Vec<Value>, buttons: Vec<Value>) -> Value {
    body.insert(
        0,
        json!({"type": "text", "text": title, "weight": "bold", "size": "md", "color": "#1E7F5C", "wrap": true}),
    );
    let mut b = json!({
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": body},
    });
    if !buttons.is_empty() {
        b["footer"] =
            json!({"type": "box", "layout": "vertical", "spacing": "sm", "contents": buttons});
    }
    b
}

fn button(action: Value, primary: bool) -> Value {
    let style = if primary { "primary" } else { "secondary" };
    json!({"type": "button", "style": style, "height": "sm", "color": if primary { "#1E7F5C" } else { "#EEEEEE" }, "action": action})
}

fn picker(label: &str, data: &str, initial: &str, min: &str, max: &str) -> Value {
    json!({"type": "datetimepicker", "label": flex::clip(label, MAX_FLEX_LABEL_LEN), "data": data,
           "mode": "date", "initial": placeholder(initial), "min": placeholder(min), "max": placeholder(max)})
}

fn text_bubble(t: &Text, buttons: Vec<Value>) -> Value {
    flex::flex_message(&t.title, bubble(&t.title, paragraphs(&t.body), buttons))
}

fn consent_message(t: &Text) -> Value {
    let mut buttons: Vec<Value> = t
        .links
        .iter()
        .map(|(label, url)| button(actions::uri(label, url, MAX_FLEX_LABEL_LEN), false))
        .collect();
    buttons.push(button(
        actions::postback(
            "同意して登録する",
            &postback::timed(TimedAction::Consent),
            "同意する",
            MAX_FLEX_LABEL_LEN,
        ),
        true,
    ));
    text_bubble(t, buttons)
}

fn pick_message(t: &Text) -> Value {
    let due = picker(
        "出産予定日を選ぶ",
        &postback::timed(TimedAction::Add(Anchor::Due)),
        "TODAY",
        "TODAY",
        "DUE_MAX",
    );
    let birth = picker(
        "生年月日を選ぶ",
        &postback::timed(TimedAction::Add(Anchor::Birth)),
        "TODAY",
        "BIRTH_MIN",
        "TODAY",
    );
    text_bubble(t, vec![button(due, true), button(birth, true)])
}

/// Where the rows go: a marker element, cut out by [`split_rows`].
const ROWS: &str = "@@ROWS@@";

fn confirm_message(t: &Text) -> Value {
    let mut body = vec![
        json!({"type": "text", "text": placeholder("CHILD"), "size": "sm", "weight": "bold", "color": "#333333", "wrap": true}),
    ];
    body.extend(paragraphs(&t.body));
    body.push(json!({"type": "separator"}));
    body.push(json!(ROWS));
    let buttons = vec![button(
        actions::postback(
            "登録の確認・変更",
            &postback::timed(TimedAction::Start),
            "登録の確認",
            MAX_FLEX_LABEL_LEN,
        ),
        false,
    )];
    flex::flex_message(&t.title, bubble(&t.title, body, buttons))
}

fn row_json() -> String {
    let row = json!({"type": "box", "layout": "vertical", "contents": [
        {"type": "text", "text": placeholder("WHEN"), "size": "xs", "color": "#666666", "wrap": true},
        {"type": "text", "text": placeholder("TITLE"), "size": "sm", "color": "#333333", "wrap": true}]});
    row.to_string()
}

fn none_row_json() -> String {
    json!({"type": "text", "text": "これから届く予定はありません。", "size": "sm", "color": "#666666", "wrap": true})
        .to_string()
}

fn manage_message() -> Value {
    let body = vec![json!(ROWS)];
    let buttons = vec![
        button(
            actions::postback(
                "お子さんを追加",
                &postback::timed(TimedAction::Consent),
                "お子さんを追加",
                MAX_FLEX_LABEL_LEN,
            ),
            true,
        ),
        button(
            actions::postback(
                "配信停止",
                &postback::timed(TimedAction::Stop),
                "配信停止",
                MAX_FLEX_LABEL_LEN,
            ),
            false,
        ),
    ];
    flex::flex_message("登録しているお子さん", bubble("登録しているお子さん", body, buttons))
}

fn manage_row_json() -> String {
    let id = placeholder("ID");
    let change =
        picker("日付を変更", &format!("{}change:{id}", postback::TIMED), "DATE", "MIN", "MAX");
    let delete = actions::postback(
        "削除",
        &format!("{}delete:{id}", postback::TIMED),
        "この登録を削除",
        MAX_FLEX_LABEL_LEN,
    );
    json!({"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
        {"type": "text", "text": placeholder("CHILD"), "size": "sm", "weight": "bold", "color": "#333333", "wrap": true},
        {"type": "box", "layout": "horizontal", "spacing": "sm", "contents": [
            {"type": "button", "style": "secondary", "height": "sm", "action": change},
            {"type": "button", "style": "secondary", "height": "sm", "action": delete}]}]})
    .to_string()
}

fn question_message(t: &Text) -> Value {
    let id = placeholder("ID");
    let born = picker(
        "生年月日を登録する",
        &format!("{}born:{id}", postback::TIMED),
        "TODAY",
        "BIRTH_MIN",
        "TODAY",
    );
    let quiet = actions::postback(
        "配信を止める",
        &format!("{}quiet:{id}", postback::TIMED),
        "配信を止める",
        MAX_FLEX_LABEL_LEN,
    );
    text_bubble(t, vec![button(born, true), button(quiet, false)])
}

/// The message array's JSON cut at the rows marker: `(head, tail)`; rows joined by `,` go
/// between them.
fn split_rows(message: &Value) -> (String, String) {
    let text = array(std::slice::from_ref(message));
    let marker = format!("\"{ROWS}\"");
    match text.split_once(&marker) {
        Some((h, t)) => (h.to_string(), t.to_string()),
        None => (text, String::new()),
    }
}
