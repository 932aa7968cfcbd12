use super::*;
use crate::timed::index::Fact;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

const TODAY: &str = "2026-04-01";

fn run(index: &mut Index, user: &str, action: TimedAction<'_>, date: Option<&str>) -> Answer {
    let mut n = index.children.len();
    let (facts, answer) = decide(index, user, action, date, d(TODAY), 1, || {
        n += 1;
        format!("{n:012x}")
    });
    for f in facts {
        index.apply(f);
    }
    answer
}

#[test]
fn nothing_changes_without_consent() {
    let mut i = Index::default();
    for a in [
        TimedAction::Start,
        TimedAction::Add(Anchor::Birth),
        TimedAction::Change("000000000001"),
        TimedAction::Delete("000000000001"),
        TimedAction::Born("000000000001"),
        TimedAction::Quiet("000000000001"),
    ] {
        assert_eq!(run(&mut i, "U1", a, Some("2026-03-01")), Answer::Consent, "{a:?}");
    }
    assert_eq!(run(&mut i, "U1", TimedAction::Stop, None), Answer::Stopped);
    assert!(i.parents.is_empty() && i.children.is_empty());
}

#[test]
fn register_replay_change_delete() {
    let mut i = Index::default();
    assert_eq!(run(&mut i, "U1", TimedAction::Consent, None), Answer::Pick);
    assert_eq!(run(&mut i, "U1", TimedAction::Consent, None), Answer::Pick, "replayed consent");
    assert_eq!(i.parents.len(), 1);
    let a = run(&mut i, "U1", TimedAction::Add(Anchor::Birth), Some("2026-03-01"));
    assert!(matches!(a, Answer::Confirm(c) if c.date == d("2026-03-01")));
    // Replayed: the same child, not a second one.
    run(&mut i, "U1", TimedAction::Add(Anchor::Birth), Some("2026-03-01"));
    assert_eq!(i.children.len(), 1);
    // A second child (a due date).
    run(&mut i, "U1", TimedAction::Add(Anchor::Due), Some("2026-10-01"));
    assert_eq!(i.parents["U1"].children.len(), 2);
    // Bad picker data changes nothing.
    for bad in
        [None, Some(""), Some("2026-13-01"), Some("2027-01-01"), Some("2019-04-01"), Some("x")]
    {
        assert_eq!(
            run(&mut i, "U1", TimedAction::Add(Anchor::Birth), bad),
            Answer::BadDate,
            "{bad:?}"
        );
    }
    assert_eq!(
        run(&mut i, "U1", TimedAction::Add(Anchor::Due), Some("2026-03-31")),
        Answer::BadDate
    );
    assert_eq!(i.children.len(), 2);
    let id = i.parents["U1"].children[0].clone();
    // Someone else's child: not found, nothing changes.
    run(&mut i, "U2", TimedAction::Consent, None);
    assert_eq!(run(&mut i, "U2", TimedAction::Delete(&id), None), Answer::NotFound);
    assert_eq!(run(&mut i, "U2", TimedAction::Change(&id), Some("2026-02-01")), Answer::NotFound);
    assert_eq!(i.children[&id].plan.date, d("2026-03-01"));
    run(&mut i, "U1", TimedAction::Change(&id), Some("2026-02-01"));
    assert_eq!(i.children[&id].plan.date, d("2026-02-01"));
    assert_eq!(run(&mut i, "U1", TimedAction::Delete(&id), None), Answer::Deleted);
    assert_eq!(run(&mut i, "U1", TimedAction::Delete(&id), None), Answer::NotFound, "replayed");
    assert_eq!(i.children.len(), 1);
    assert_eq!(run(&mut i, "U1", TimedAction::Stop, None), Answer::Stopped);
    assert!(!i.parents.contains_key("U1") && i.children.is_empty());
}

#[test]
fn born_switches_a_due_date_to_the_birthday() {
    let mut i = Index::default();
    run(&mut i, "U1", TimedAction::Consent, None);
    i.apply(Fact::Child {
        u: "U1".into(),
        c: "00000000000a".into(),
        k: Anchor::Due,
        d: "2026-03-10".into(),
        r: "2025-09-01".into(),
        dl: vec![],
        ts: 1,
    });
    assert_eq!(
        run(&mut i, "U1", TimedAction::Born("00000000000a"), Some("2026-04-02")),
        Answer::BadDate
    );
    run(&mut i, "U1", TimedAction::Born("00000000000a"), Some("2026-03-12"));
    let c = &i.children["00000000000a"];
    assert_eq!(
        (c.plan.anchor, c.plan.date, c.plan.registered),
        (Anchor::Birth, d("2026-03-12"), d(TODAY))
    );
}

#[test]
fn the_quiet_stop_deletes_and_answers_in_its_own_words() {
    let mut i = Index::default();
    run(&mut i, "U1", TimedAction::Consent, None);
    run(&mut i, "U1", TimedAction::Add(Anchor::Due), Some("2026-10-01"));
    let id = i.parents["U1"].children[0].clone();
    let (facts, answer) = decide(&i, "U1", TimedAction::Quiet(&id), None, d(TODAY), 1, String::new);
    assert_eq!(answer, Answer::Quiet);
    assert!(matches!(&facts[..], [Fact::Delete { why: Some(w), .. }] if w == "quiet"));
    for f in facts {
        i.apply(f);
    }
    assert!(i.children.is_empty());
    // Replayed: the same gentle words, nothing else changes.
    assert_eq!(run(&mut i, "U1", TimedAction::Quiet(&id), None), Answer::Quiet);
    let mut texts = bundle::TimedTexts {
        deleted: "deleted".into(),
        quiet: "quiet".into(),
        ..Default::default()
    };
    let timed = |texts: &bundle::TimedTexts| Timed { steps: vec![], texts: texts.clone() };
    assert_eq!(render(&timed(&texts), &i, "U1", &Answer::Quiet, d(TODAY)), "quiet");
    texts.quiet.clear();
    assert_eq!(render(&timed(&texts), &i, "U1", &Answer::Quiet, d(TODAY)), "deleted", "old bundle");
}

#[test]
fn placeholders_are_filled_in_one_pass_with_json_escaping() {
    let template = r#"[{"a":"@@WHEN@@","b":"@@TITLE@@","c":"@@NOPE@@ @@ x@@","d":"@@ID@@"}]"#;
    let title = "a \"quote\", a \\ backslash,\na line, \u{1}, and @@ID@@ as text";
    let out = fill(template, &[("WHEN", "2026年5月1日"), ("TITLE", title), ("ID", "0123456789ab")]);
    let v: serde_json::Value = serde_json::from_str(&out).expect(&out);
    assert_eq!(v[0]["a"], "2026年5月1日");
    assert_eq!(v[0]["b"], title, "the value is the text, not spliced again");
    assert_eq!(v[0]["c"], "@@NOPE@@ @@ x@@", "unknown placeholders stay");
    assert_eq!(v[0]["d"], "0123456789ab");
    assert_eq!(fill("no placeholders", &[("ID", "x")]), "no placeholders");
    assert_eq!(fill("@@ID@@@@ID@@", &[("ID", "x")]), "xx");
    assert_eq!(fill("@@", &[("ID", "x")]), "@@");
}
