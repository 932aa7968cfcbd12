//! Survey pages compiled through the real pipeline: the replies, the bundle entry and the
//! answer postbacks.

use std::path::Path;

use serde_json::Value;

use crate::validate;
use crate::{BuildOptions, pipeline};
use bundle::Bundle;

const ACCOUNT: &str =
    "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\n---\nようこそ。\n";

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Compiles an account with section `s` holding `s/anketo.md` = `survey_page`.
fn compile(survey_page: &str) -> Bundle {
    let dir = tempfile::tempdir().unwrap();
    let content = dir.path().join("content");
    write(&content, "_index.md", ACCOUNT);
    write(&content, "s/_index.md", "---\ntitle: テスト\n---\n");
    write(&content, "s/info.md", "---\ntitle: お知らせ\n---\n本文\n");
    write(&content, "s/anketo.md", survey_page);
    let opts = BuildOptions {
        content_dir: content,
        out_dir: dir.path().join("dist"),
        today: "2026-11-27".parse().unwrap(),
    };
    match pipeline::compile(&opts) {
        Ok((out, _)) => out.bundle,
        Err(d) => panic!("build failed:\n{d}"),
    }
}

const PAGE: &str = "---
title: 満足度アンケート
survey:
  id: manzokudo-2026
  question: この LINE は役に立っていますか？
  choices: [とても満足, 満足, ふつう, 不満]
  satisfied: [とても満足, 満足]
  followup: 自由にご意見をどうぞ
---
1分で終わります。
";

fn messages(b: &Bundle, blob: &bundle::Blob) -> Vec<Value> {
    let v = b.messages_value(blob);
    let list = v.as_array().expect("array").clone();
    let violations = validate::check_messages(&list);
    assert!(violations.is_empty(), "{violations:#?}");
    list
}

#[test]
fn survey_page_becomes_buttons_and_a_bundle_entry() {
    let b = compile(PAGE);
    let entry = &b.surveys["manzokudo-2026"];
    assert_eq!(entry.page, "s/anketo");
    assert_eq!(entry.question, "この LINE は役に立っていますか？");
    let flags: Vec<(&str, bool)> =
        entry.choices.iter().map(|c| (c.label.as_str(), c.satisfied)).collect();
    assert_eq!(flags, [("とても満足", true), ("満足", true), ("ふつう", false), ("不満", false)]);
    assert_eq!(entry.followup.as_deref(), Some("自由にご意見をどうぞ"));

    let page = messages(&b, &b.postbacks["page:s/anketo"]);
    let actions = crate::pipeline::postbacks(&Value::Array(page.clone()));
    for i in 0..4 {
        assert!(actions.contains(&format!("survey:manzokudo-2026:{i}")), "{actions:?}");
    }
    let text = serde_json::to_string(&page).unwrap();
    assert!(text.contains("\"displayText\":\"ふつう\""), "{text}");
    assert!(text.contains("この LINE は役に立っていますか？"));
    assert!(page.last().unwrap().get("quickReply").is_some());

    let pushed = messages(&b, &entry.message);
    assert!(pushed.iter().all(|m| m.get("quickReply").is_none()), "notices get no quick reply");
    assert_eq!(pushed[0]["contents"], page[0]["contents"]);

    let thanks = messages(&b, &entry.thanks);
    assert_eq!(thanks.len(), 2);
    assert_eq!(thanks[0]["text"], super::THANKS);
    assert_eq!(thanks[1]["text"], "自由にご意見をどうぞ");
    for i in 0..4 {
        let key = format!("survey:manzokudo-2026:{i}");
        assert_eq!(b.messages_value(&b.postbacks[&key]), Value::Array(thanks.clone()));
    }
    let comment = messages(&b, entry.comment_thanks.as_ref().expect("followup set"));
    assert_eq!(comment[0]["text"], super::COMMENT_THANKS);
    b.check_blobs().unwrap();
}

#[test]
fn survey_without_body_or_followup() {
    let page = "---
title: アンケート
survey:
  id: q1
  question: 使いやすいですか？
  choices: [はい, 5]
  satisfied: [5]
---
";
    let b = compile(page);
    let entry = &b.surveys["q1"];
    assert_eq!(entry.choices[1].label, "5");
    assert!(entry.choices[1].satisfied);
    assert_eq!(entry.comment_thanks, None);
    assert_eq!(messages(&b, &entry.thanks).len(), 1);
}

#[test]
fn bundles_without_surveys_do_not_mention_them() {
    let b = compile("---\ntitle: ふつうのページ\n---\n本文\n");
    assert!(b.surveys.is_empty());
    let json = serde_json::to_string(&b).unwrap();
    assert!(!json.contains("surveys"));
    let back: Bundle = serde_json::from_str(&json).unwrap();
    assert!(back.surveys.is_empty());
}
