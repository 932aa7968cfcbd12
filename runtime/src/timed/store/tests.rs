use super::*;
use crate::timed::index::Fact;
use bundle::Anchor;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn sealer() -> Sealer {
    Sealer::from_bytes(&[3; 32])
}

const NOW: i64 = 1_790_000_000_000;

fn child(u: &str, c: &str, date: &str) -> Fact {
    Fact::Child {
        u: u.into(),
        c: c.into(),
        k: Anchor::Birth,
        d: date.into(),
        r: "2026-04-01".into(),
        dl: vec![],
        ts: NOW,
    }
}

#[test]
fn appended_facts_are_indexed_and_nothing_is_readable_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    s.append(&[
        Fact::Consent { u: "Uaaaa".into(), ts: NOW },
        child("Uaaaa", "child-1", "2026-03-01"),
    ])
    .unwrap();
    s.read(|i| {
        assert_eq!(i.parents["Uaaaa"].children, vec!["child-1".to_string()]);
        assert_eq!(i.children["child-1"].plan.date, d("2026-03-01"));
    })
    .unwrap();
    let raw = fs::read_to_string(s.path()).unwrap();
    // Markers with `-` never occur in base64 by chance (a two-letter id like "c1" now and then did).
    assert!(
        !raw.contains("Uaaaa") && !raw.contains("2026-03-01") && !raw.contains("child-1"),
        "{raw}"
    );
    // A child of someone who never consented is not taken.
    s.append(&[child("Ubbbb", "c2", "2026-03-01")]).unwrap();
    s.read(|i| assert!(!i.children.contains_key("c2"))).unwrap();
}

#[test]
fn a_torn_last_record_loses_nothing_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    s.append(&[Fact::Consent { u: "U1".into(), ts: NOW }, child("U1", "c1", "2026-03-01")])
        .unwrap();
    let good = sealer().seal(&serde_json::to_vec(&child("U1", "c2", "2026-03-02")).unwrap());
    let mut f = OpenOptions::new().append(true).open(s.path()).unwrap();
    f.write_all(&good.as_bytes()[..good.len() / 2]).unwrap();
    drop(f);
    // The torn half-line is not consumed until a newline ends it; the next append does.
    s.append(&[child("U1", "c3", "2026-03-03")]).unwrap();
    s.read(|i| {
        assert!(i.children.contains_key("c1") && i.children.contains_key("c3"));
        assert!(!i.children.contains_key("c2"));
        assert_eq!(i.skipped, 1);
    })
    .unwrap();
    drop(s);
    let (s, stats) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    assert_eq!(stats.after, 3);
    s.read(|i| assert_eq!(i.children.len(), 2)).unwrap();
}

#[test]
fn compaction_really_deletes() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    s.append(&[
        Fact::Consent { u: "U1".into(), ts: NOW },
        child("U1", "c1", "2026-03-01"),
        child("U1", "old", "2019-04-01"),
        Fact::Consent { u: "U2".into(), ts: NOW },
        child("U2", "c2", "2026-03-01"),
        Fact::Forget { u: "U2".into(), why: "stop".into(), ts: NOW },
        Fact::Started {
            key: "k".into(),
            s: "s1".into(),
            day: "2026-04-01".into(),
            cs: vec!["c1".into()],
            ts: NOW,
        },
        Fact::Sent { key: "k".into(), status: 200, ts: NOW },
    ])
    .unwrap();
    let before = fs::read(s.path()).unwrap().len();
    let stats = s.compact(d("2026-04-01"), NOW).unwrap();
    assert_eq!(stats, Compacted { before: 8, after: 2, ended: vec!["U1".to_string()] });
    assert!(fs::read(s.path()).unwrap().len() < before / 3);
    // What is left: U1 and c1 (with what it was sent); U2 and the child at school are gone.
    let lines: Vec<serde_json::Value> = fs::read_to_string(s.path())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_slice(&sealer().open(l.as_bytes()).unwrap()).unwrap())
        .collect();
    // One chunk: [step table, [[user, consent ts, [[child, anchor, date, registered, done, ts]]]]].
    assert_eq!(
        lines,
        vec![serde_json::json!([
            ["s1"],
            [["U1", NOW, [["c1", "birth", "2026-03-01", "2026-04-01", [0], NOW]]]]
        ])]
    );
    // Read back (a restart): the same index.
    drop(s);
    let (s, stats) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    assert_eq!((stats.before, stats.after), (2, 2));
    s.read(|i| {
        let c1 = &i.children["c1"];
        assert_eq!(i.done_steps(c1).collect::<Vec<_>>(), vec!["s1"]);
        assert!(i.is_done(c1, "s1") && !i.is_done(c1, "s2"));
        assert_eq!(i.parents["U1"].children, vec!["c1".to_string()]);
    })
    .unwrap();
}

#[test]
fn chunks_and_appended_facts_mix_and_large_journals_compact_into_few_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    let mut facts = Vec::new();
    for p in 0..2500 {
        let u = format!("U{p:032x}");
        facts.push(Fact::Consent { u: u.clone(), ts: NOW });
        let mut c = child(&u, &format!("{p:012x}"), "2026-03-01");
        if let Fact::Child { dl, .. } = &mut c {
            *dl = vec![format!("step-{}", p % 7), "common".into()];
        }
        facts.push(c);
    }
    s.append(&facts).unwrap();
    let stats = s.compact(d("2026-04-01"), NOW).unwrap();
    assert_eq!((stats.before, stats.after), (5000, 5000));
    assert_eq!(fs::read_to_string(s.path()).unwrap().lines().count(), 3, "1000 parents a chunk");
    // An append after compaction is a fact line; both are read back together.
    s.append(&[Fact::Delete {
        u: format!("U{:032x}", 5),
        c: format!("{:012x}", 5),
        why: None,
        ts: NOW,
    }])
    .unwrap();
    drop(s);
    let (s, stats) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    assert_eq!((stats.before, stats.after), (5001, 4999));
    s.read(|i| {
        assert_eq!((i.parents.len(), i.children.len()), (2500, 2499));
        let c = &i.children[&format!("{:012x}", 12)];
        let mut done: Vec<&str> = i.done_steps(c).collect();
        done.sort();
        assert_eq!(done, vec!["common", "step-5"]);
    })
    .unwrap();
}

#[test]
fn replicas_sharing_the_directory_see_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    let (b, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    a.append(&[Fact::Consent { u: "U1".into(), ts: NOW }, child("U1", "c1", "2026-03-01")])
        .unwrap();
    b.read(|i| assert!(i.children.contains_key("c1"))).unwrap();
    // b compacts (as a restarted replica does); a follows the new file and its appends land in it.
    b.append(&[Fact::Delete { u: "U1".into(), c: "c1".into(), why: None, ts: NOW }]).unwrap();
    b.compact(d("2026-04-01"), NOW).unwrap();
    a.append(&[child("U1", "c9", "2026-03-09")]).unwrap();
    a.read(|i| assert_eq!(i.children.keys().collect::<Vec<_>>(), vec!["c9"])).unwrap();
    b.read(|i| assert_eq!(i.children.keys().collect::<Vec<_>>(), vec!["c9"])).unwrap();
}

#[test]
fn a_wrong_key_refuses_to_start_and_throws_nothing_away() {
    let dir = tempfile::tempdir().unwrap();
    let (s, _) = Store::open(dir.path(), sealer(), d("2026-04-01"), NOW).unwrap();
    s.append(&[Fact::Consent { u: "U1".into(), ts: NOW }, child("U1", "c1", "2026-03-01")])
        .unwrap();
    let len = fs::metadata(s.path()).unwrap().len();
    let other = Sealer::from_bytes(&[4; 32]);
    let err = Store::open(dir.path(), other, d("2026-04-01"), NOW).unwrap_err();
    assert!(err.to_string().contains("OYAKO_DATA_KEY"), "{err}");
    assert_eq!(fs::metadata(s.path()).unwrap().len(), len, "nothing was thrown away");
}
