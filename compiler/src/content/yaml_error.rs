//! The YAML parser's errors in plain Japanese.
//!
//! serde-saphyr and its scanner describe problems in English for developers ("unknown field
//! `forse`, expected one of at, audience, force", "illegal placement of ':' indicator"). Staff
//! read these in a CI log or the simulator, so every kind of error is turned into a Japanese
//! sentence naming the setting it is about, with a hint saying what to write instead. Nothing
//! English is passed through: an error this module does not know becomes a general Japanese
//! message (the position still points at the place).

use serde_saphyr::Error;

/// One YAML error, explained for staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explained {
    /// What is wrong.
    pub message: String,
    /// What to write instead.
    pub hint: String,
}

/// Explains `e`, which was found in `yaml` (the key and value it is about are read from the
/// text at the error's position).
pub fn explain(e: &Error, yaml: &str) -> Explained {
    let at = e.location().map(|l| (l.line() as usize, l.column() as usize));
    let key = at.and_then(|(l, c)| key_before(yaml, l, c));
    let value = at.map(|(l, c)| value_at(yaml, l, c)).unwrap_or_default();
    let parent = at.and_then(|(l, c)| parent_key(yaml, l, c));
    explain_kind(e, key.as_deref(), parent.as_deref(), &value)
}

fn explain_kind(e: &Error, key: Option<&str>, parent: Option<&str>, value: &str) -> Explained {
    let the = |k: Option<&str>| k.map_or_else(|| "この設定".to_string(), |k| format!("「{k}」"));
    let written = if value.is_empty() { String::new() } else { format!("（「{value}」）") };
    match e {
        Error::WithSnippet { error, .. } => explain_kind(error, key, parent, value),
        Error::AliasError { error, .. } => explain_kind(error, key, parent, value),
        Error::SerdeUnknownField { field, expected, .. } => {
            let place = parent.map_or_else(String::new, |p| format!("「{p}」の中の"));
            let near = closest(field, expected)
                .map(|k| format!("「{k}」のまちがいではありませんか？ "))
                .unwrap_or_default();
            Explained {
                message: format!("{place}「{field}」は知らない設定です"),
                hint: format!("{near}ここに書けるのは {} です", expected.join("・")),
            }
        }
        Error::SerdeMissingField { field, .. } => Explained {
            message: format!("{}に必要な「{field}」がありません", the(key.or(parent))),
            hint: format!(
                "「{field}: …」を書き足してください（content/README.md に書き方があります）"
            ),
        },
        Error::DuplicateMappingKey { key: dup, .. } => {
            let k = dup.as_deref().or(key);
            Explained {
                message: format!("{}が2回書かれています", the(k)),
                hint: "同じ設定は1回だけ書いてください。どちらかの行を消してください".into(),
            }
        }
        Error::InvalidScalar { ty, .. } => scalar(ty, &the(key), &written),
        Error::Unexpected { expected, .. } => shape(expected, &the(key), &written),
        Error::SerdeInvalidType { expected, .. }
        | Error::SerdeInvalidValue { expected, .. }
        | Error::SerdeInvalidLength { expected, .. } => shape(expected, &the(key), &written),
        Error::SerdeUnknownVariant { expected, .. } => Explained {
            message: format!("{}の値{written}は使えません", the(key)),
            hint: format!("{} のどれかを書いてください", expected.join("・")),
        },
        Error::NullIntoString { .. } => Explained {
            message: format!("{}の値がありません", the(key)),
            hint: "「: 」のあとに値を書くか、使わない設定なら行ごと消してください".into(),
        },
        Error::Eof { .. } => Explained {
            message: "front matter の設定が途中で終わっています".into(),
            hint: "かっこ（[ ] や { }）や引用符（\"）の閉じ忘れがないか確かめてください".into(),
        },
        Error::ExternalMessage { msg, .. } => scanner(msg),
        _ => general(),
    }
}

/// The word of `known` closest to `word`, when it is close enough to be a likely typo.
pub fn closest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(word, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

/// A value of the wrong kind: a number, true/false.
fn scalar(ty: &str, the: &str, written: &str) -> Explained {
    if ty == "boolean" {
        return Explained {
            message: format!("{the}には true か false を書いてください{written}"),
            hint: "する・使うときは true、しない・使わないときは false です".into(),
        };
    }
    Explained {
        message: format!("{the}には数を書いてください{written}"),
        hint: "半角の数字だけで書いてください（例: 1）".into(),
    }
}

/// A value of the wrong shape: a list, a group of settings, a text.
fn shape(expected: &str, the: &str, written: &str) -> Explained {
    let expected = expected.to_ascii_lowercase();
    if expected.contains("seq") || expected.contains("sequence") {
        Explained {
            message: format!("{the}はリストで書いてください{written}"),
            hint: "[a, b] のように角かっこで囲むか、1行ずつ「- 」で始めて書いてください".into(),
        }
    } else if expected.contains("map") || expected.contains("struct") {
        Explained {
            message: format!("{the}は「名前: 値」のまとまりで書いてください{written}"),
            hint: "例: {date: 2026-12-12, time: \"10:00〜11:30\"}（content/README.md に書き方があります）"
                .into(),
        }
    } else if expected.contains("bool") {
        scalar("boolean", the, written)
    } else if expected.contains("integer") || expected.contains("i64") || expected.contains("u32") {
        scalar("integer", the, written)
    } else {
        Explained {
            message: format!("{the}には文字を書いてください{written}"),
            hint: "[ ] や { } を文字として使うときは、値全体を \"…\" で囲んでください".into(),
        }
    }
}

/// Problems the YAML scanner finds in the text itself.
fn scanner(msg: &str) -> Explained {
    let m = msg.to_ascii_lowercase();
    let (message, hint) = if m.contains("':'") || m.contains("mapping values") {
        (
            "「:」の位置がおかしく、設定として読めません",
            "値に : や # を含むときは \"…\" で囲んでください。字下げのずれや、[ ] { } の閉じ忘れも確かめてください",
        )
    } else if m.contains("quote") {
        ("引用符（\" や '）が閉じられていません", "\"…\" の終わりの \" を書き足してください")
    } else if m.contains("bracket") {
        ("かっこ（[ ] や { }）が正しく閉じられていません", "開いたかっこと同じ数だけ閉じてください")
    } else if m.contains("tab") {
        ("字下げにタブが使われています", "字下げは半角の空白にしてください")
    } else if m.contains("indent") {
        (
            "字下げ（行の先頭の空白）がそろっていません",
            "同じまとまりの行は、同じ数の空白で字下げしてください",
        )
    } else if m.contains("unexpected character") {
        (
            "値が、そのままでは使えない文字で始まっています",
            "@ や ` や % で始まる値は、\"@216ruxyz\" のように \"…\" で囲んでください",
        )
    } else if m.contains("comment") {
        (
            "# の前に空白がありません",
            "# から後ろはメモ（コメント）になります。値に # を含むときは \"…\" で囲んでください",
        )
    } else {
        return general();
    };
    Explained { message: message.into(), hint: hint.into() }
}

fn general() -> Explained {
    Explained {
        message: "front matter の書き方が正しくありません".into(),
        hint: "「名前: 値」の形で書き、値に : や # を含むときは \"…\" で囲んでください".into(),
    }
}

/// The key whose value is at `line`:`col` (1-based, in `yaml`): the last `key:` before the
/// column on that line, else the key of the nearest less-indented line above.
fn key_before(yaml: &str, line: usize, col: usize) -> Option<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let text = *lines.get(line.checked_sub(1)?)?;
    let before: String = text.chars().take(col.saturating_sub(1)).collect();
    last_key(&before).or_else(|| key_above(&lines, line - 1, indent(text)))
}

/// The key of the group holding the value at `line`:`col`: the key before the innermost
/// open `{` on the line, else the key of the nearest less-indented line above.
fn parent_key(yaml: &str, line: usize, col: usize) -> Option<String> {
    let lines: Vec<&str> = yaml.lines().collect();
    let text = *lines.get(line.checked_sub(1)?)?;
    let before: String = text.chars().take(col.saturating_sub(1)).collect();
    if let Some(key) = before.rfind('{').and_then(|open| last_key(&before[..open])) {
        return Some(key);
    }
    // A list item's settings belong to the list: skip `- ` lines up to the list's key.
    let mut width = indent(text);
    for l in lines[..line - 1].iter().rev().filter(|l| !l.trim().is_empty()) {
        if indent(l) < width {
            if !l.trim_start().starts_with("- ") {
                return l.trim_start().split_once(':').map(|(k, _)| k.trim().to_string());
            }
            width = indent(l);
        }
    }
    None
}

/// The last `key:` in `s` (a key is a run of letters, digits, `_` or `-` before `:`).
fn last_key(s: &str) -> Option<String> {
    let colon = s.rfind(':')?;
    let key: String = s[..colon]
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '-')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    if key.is_empty() { last_key(&s[..colon]) } else { Some(key) }
}

/// The key of the nearest line above `line` (0-based) indented less than `width`.
fn key_above(lines: &[&str], line: usize, width: usize) -> Option<String> {
    lines[..line.min(lines.len())]
        .iter()
        .rev()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .find(|l| indent(l) < width)
        .and_then(|l| l.trim_start().trim_start_matches("- ").split_once(':'))
        .map(|(k, _)| k.trim().to_string())
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The value written at `line`:`col`, up to the end of a flow item or the line.
fn value_at(yaml: &str, line: usize, col: usize) -> String {
    let Some(text) = yaml.lines().nth(line.saturating_sub(1)) else { return String::new() };
    let rest: String = text.chars().skip(col.saturating_sub(1)).collect();
    let end = rest.find([',', '}', ']', '#']).unwrap_or(rest.len());
    let value = rest[..end].trim();
    if value.starts_with(['[', '{']) || value.chars().count() > 40 {
        return String::new();
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::front_matter::FrontMatter;

    fn explained(yaml: &str) -> Explained {
        let e = serde_saphyr::from_str::<FrontMatter>(yaml).map(|_| ()).unwrap_err();
        explain(&e, yaml)
    }

    #[test]
    fn nested_unknown_keys_name_their_group() {
        let e = explained("title: a\nnotify: {at: x, forse: true}\n");
        assert_eq!(e.message, "「notify」の中の「forse」は知らない設定です");
        assert_eq!(
            e.hint,
            "「force」のまちがいではありませんか？ ここに書けるのは at・audience・force です"
        );
        let e = explained("title: a\nlinks:\n  - label: a\n    url: x\n    foo: 1\n");
        assert_eq!(e.message, "「links」の中の「foo」は知らない設定です");
    }

    #[test]
    fn wrong_kinds_of_value() {
        assert_eq!(explained("order: abc\n").message, "「order」には数を書いてください（「abc」）");
        assert_eq!(
            explained("draft: yes please\n").message,
            "「draft」には true か false を書いてください（「yes please」）"
        );
        assert_eq!(
            explained("keywords: a\n").message,
            "「keywords」はリストで書いてください（「a」）"
        );
        assert_eq!(
            explained("event: 2026-01-01\n").message,
            "「event」は「名前: 値」のまとまりで書いてください（「2026-01-01」）"
        );
        assert_eq!(
            explained("survey: {id: a, question: q, choices: x, satisfied: [x]}\n").message,
            "「choices」はリストで書いてください（「x」）"
        );
    }

    #[test]
    fn missing_and_duplicate_keys() {
        assert_eq!(
            explained("notify: {audience: all}\n").message,
            "「notify」に必要な「at」がありません"
        );
        assert_eq!(explained("title: a\ntitle: b\n").message, "「title」が2回書かれています");
    }

    #[test]
    fn scanner_errors_are_japanese() {
        for yaml in [
            "keywords: [a, b\norder: 1\n",
            "title: \"a\n",
            "title: a\n  summary: b\n",
            "summary: b: c\n",
            "title: [a\n",
        ] {
            let e = explained(yaml);
            let english = ["expected", "unknown", "invalid", "line", "scalar", "mapping", "quote"];
            let text = format!("{} {}", e.message, e.hint);
            assert!(!english.iter().any(|w| text.contains(w)), "{yaml:?}: {e:?}");
        }
    }
}
