//! The scheduling rules at given times: due, quiet hours, grace, retry window, journal folds.

use super::*;

fn t(s: &str) -> Timestamp {
    let local: jiff::civil::DateTime = s.parse().expect("time");
    local.to_zoned_datetime(bundle::japan::zone()).expect("in range").timestamp()
}

fn notice(at: &str, force: bool) -> Notice {
    Notice {
        id: "events/a".into(),
        title: "A".into(),
        at: bundle::japan::format(t(at)),
        audience: "all".into(),
        filter: None,
        force,
        messages: serde_json::json!([{"type": "text", "text": "a"}]),
        hash: "h1".into(),
    }
}

fn record(event: RecordKind, hash: &str, key: Option<&str>, time: &str) -> Record {
    Record {
        notice: "events/a".into(),
        event,
        hash: hash.into(),
        retry_key: key.map(str::to_owned),
        time: t(time).to_string(),
        status: None,
        request_id: None,
        detail: None,
        by: None,
        narrowcast: false,
        delivery: None,
    }
}

fn history(records: &[Record]) -> History {
    histories(records).remove("events/a").unwrap_or_default()
}

#[test]
fn sent_at_its_time_and_only_then() {
    let n = notice("2026-12-05 09:00", false);
    let p = Policy::default();
    let h = History::default();
    assert_eq!(decide(&n, &h, t("2026-12-05 08:59"), &p), Decision::Wait(t("2026-12-05 09:00")));
    let key = retry_key("events/a", "h1");
    let send = Decision::Send { key: key.clone(), resume: false };
    assert_eq!(decide(&n, &h, t("2026-12-05 09:00"), &p), send);
    let sent = history(&[
        record(RecordKind::Started, "h1", Some(&key), "2026-12-05 09:00"),
        record(RecordKind::Sent, "h1", Some(&key), "2026-12-05 09:00"),
    ]);
    assert_eq!(decide(&n, &sent, t("2026-12-05 09:01"), &p), Decision::Done);
    // A new version of a sent page is not sent again either.
    let edited = Notice { hash: "h2".into(), ..n };
    assert_eq!(decide(&edited, &sent, t("2026-12-05 09:01"), &p), Decision::Done);
}

#[test]
fn quiet_hours_hold_until_eight_unless_forced() {
    let p = Policy::default();
    let h = History::default();
    let late = notice("2026-12-05 21:30", false);
    let morning = t("2026-12-06 08:00");
    assert_eq!(due(&late, &p), Some(morning));
    assert_eq!(decide(&late, &h, t("2026-12-05 23:00"), &p), Decision::Wait(morning));
    assert!(matches!(decide(&late, &h, morning, &p), Decision::Send { .. }));
    let forced = notice("2026-12-05 21:30", true);
    assert!(matches!(decide(&forced, &h, t("2026-12-05 21:30"), &p), Decision::Send { .. }));
    let early = notice("2026-12-05 06:00", false);
    assert_eq!(due(&early, &p), Some(t("2026-12-05 08:00")));
    // Late after downtime and now in quiet hours: wait for the morning.
    let evening = notice("2026-12-05 20:00", false);
    assert_eq!(decide(&evening, &h, t("2026-12-05 22:00"), &p), Decision::Wait(morning));
    let off = Policy { quiet: None, ..Policy::default() };
    assert!(matches!(decide(&late, &h, t("2026-12-05 21:30"), &off), Decision::Send { .. }));
}

#[test]
fn grace_window_decides_between_late_and_missed() {
    let n = notice("2026-12-05 09:00", false);
    let p = Policy::default();
    let h = History::default();
    assert!(matches!(decide(&n, &h, t("2026-12-05 15:00"), &p), Decision::Send { .. }));
    assert_eq!(decide(&n, &h, t("2026-12-05 15:01"), &p), Decision::Miss);
    let missed = history(&[record(RecordKind::Missed, "h1", None, "2026-12-05 15:01")]);
    assert_eq!(decide(&n, &missed, t("2026-12-05 15:02"), &p), Decision::Done);
    assert!(matches!(status(&n, &missed, t("2026-12-05 15:02"), &p), Status::Missed(Some(_))));
    // Staff moved the notice to later: a new version gets a new chance.
    let moved = Notice { hash: "h2".into(), at: "2026-12-06T09:00:00+09:00".into(), ..n };
    assert!(matches!(decide(&moved, &missed, t("2026-12-06 09:00"), &p), Decision::Send { .. }));
}

#[test]
fn open_attempts_resume_with_their_key_until_the_window_ends() {
    let n = notice("2026-12-05 09:00", false);
    let p = Policy::default();
    let old_key = retry_key("events/a", "h0");
    let h = history(&[record(RecordKind::Started, "h0", Some(&old_key), "2026-12-05 09:00")]);
    let resume = Decision::Send { key: old_key.clone(), resume: true };
    // Even at night and long after the grace window: the key decides, not the schedule.
    assert_eq!(decide(&n, &h, t("2026-12-05 23:00"), &p), resume);
    assert_eq!(decide(&n, &h, t("2026-12-06 08:59:29"), &p), resume);
    assert_eq!(decide(&n, &h, t("2026-12-06 08:59:30"), &p), Decision::GiveUp(old_key.clone()));
    let failed = history(&[
        record(RecordKind::Started, "h0", Some(&old_key), "2026-12-05 09:00"),
        record(RecordKind::Failed, "h0", Some(&old_key), "2026-12-06 09:00"),
    ]);
    assert_eq!(failed.open, None);
    assert!(matches!(decide(&n, &failed, t("2026-12-06 10:00"), &p), Decision::Miss));
    let same = Notice { hash: "h0".into(), ..n };
    assert_eq!(decide(&same, &failed, t("2026-12-06 10:00"), &p), Decision::Done);
}

#[test]
fn the_first_attempt_time_is_the_first_started_record() {
    let key = retry_key("events/a", "h1");
    let h = history(&[
        record(RecordKind::Started, "h1", Some(&key), "2026-12-05 09:00"),
        record(RecordKind::Started, "h1", Some(&key), "2026-12-05 12:00"),
    ]);
    assert_eq!(h.open, Some((key.clone(), t("2026-12-05 09:00"))));
    // After a 400 the key was never accepted; a manual retry starts a new window.
    let h = history(&[
        record(RecordKind::Started, "h1", Some(&key), "2026-12-05 09:00"),
        record(RecordKind::Failed, "h1", Some(&key), "2026-12-05 09:00"),
        record(RecordKind::Started, "h1", Some(&key), "2026-12-07 09:00"),
    ]);
    assert_eq!(h.open, Some((key, t("2026-12-07 09:00"))));
}

#[test]
fn statuses_for_the_listing() {
    let n = notice("2026-12-05 09:00", false);
    let p = Policy::default();
    let h = History::default();
    assert_eq!(status(&n, &h, t("2026-12-01 00:00"), &p), Status::Upcoming);
    assert_eq!(status(&n, &h, t("2026-12-05 10:00"), &p), Status::Due);
    assert_eq!(status(&n, &h, t("2026-12-06 10:00"), &p), Status::Missed(None));
    let late = notice("2026-12-05 22:00", false);
    assert_eq!(status(&late, &h, t("2026-12-05 23:00"), &p), Status::Upcoming);
}

#[test]
fn retry_keys_are_stable_hex_uuids() {
    let a = retry_key("events/a", "h1");
    assert_eq!(a, retry_key("events/a", "h1"));
    assert_ne!(a, retry_key("events/a", "h2"));
    assert_ne!(a, retry_key("events/b", "h1"));
    let parts: Vec<&str> = a.split('-').collect();
    assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
    assert!(a.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    assert!(parts[2].starts_with('8'), "version 8: {a}");
    assert!("89ab".contains(&parts[3][..1]), "variant 10: {a}");
}

#[test]
fn the_bucket_allows_the_hourly_rate() {
    let mut b = Bucket::new(2);
    let now = t("2026-12-05 09:00");
    assert_eq!(b.take(now), Ok(()));
    assert_eq!(b.take(now), Ok(()));
    assert_eq!(b.take(now), Err(t("2026-12-05 09:30")));
    assert_eq!(b.take(t("2026-12-05 09:29")), Err(t("2026-12-05 09:30")));
    assert_eq!(b.take(t("2026-12-05 09:30")), Ok(()));
}

#[test]
fn policy_from_the_environment() {
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    };
    let p = Policy::from_env(env(&[("OYAKO_NOTICE_GRACE", "90m")])).unwrap();
    assert_eq!(p.grace, Duration::from_secs(5400));
    assert_eq!(p.quiet, Some(QuietHours::default()));
    let p = Policy::from_env(env(&[("OYAKO_QUIET_HOURS", "off")])).unwrap();
    assert_eq!(p.quiet, None);
    let p = Policy::from_env(env(&[("OYAKO_QUIET_HOURS", "22:00-07:30")])).unwrap();
    let q = p.quiet.unwrap();
    assert!(q.contains(t("2026-12-05 07:29")) && !q.contains(t("2026-12-05 07:30")));
    assert!(Policy::from_env(env(&[("OYAKO_NOTICE_GRACE", "soon")])).is_err());
    assert!(Policy::from_env(env(&[("OYAKO_QUIET_HOURS", "21-8")])).is_err());
    let day = QuietHours::parse("12:00-13:00").unwrap().unwrap();
    assert_eq!(day.release(t("2026-12-05 12:30")), t("2026-12-05 13:00"));
}

#[test]
fn a_narrowcast_awaits_its_outcome_and_a_resend_starts_a_new_one() {
    let n = Notice {
        filter: Some(serde_json::json!({"type": "gender", "oneOf": ["female"]})),
        ..notice("2026-12-05 09:00", false)
    };
    let p = Policy::default();
    let sent = |key: &str| Record {
        narrowcast: true,
        ..record(RecordKind::Sent, "h1", Some(key), "2026-12-05 09:00")
    };
    let outcome = |key: &str, phase: Phase, failures: u64| Record {
        delivery: Some(Delivery {
            phase,
            success_count: Some(10),
            failure_count: Some(failures),
            target_count: Some(10 + failures),
            error_code: (phase == Phase::Failed).then_some(1),
            completed_time: None,
        }),
        ..record(RecordKind::Completed, "h1", Some(key), "2026-12-05 09:01")
    };
    let now = t("2026-12-05 10:00");
    let accepted =
        history(&[record(RecordKind::Started, "h1", Some("k1"), "2026-12-05 09:00"), sent("k1")]);
    assert_eq!(accepted.awaiting_outcome(), Some(&sent("k1")));
    assert_eq!(status(&n, &accepted, now, &p).word(), "accepted");
    assert_eq!(decide(&n, &accepted, now, &p), Decision::Done, "never sent again by the scheduler");
    // An outcome for another key (an older send) does not count.
    let other = history(&[sent("k1"), outcome("k0", Phase::Succeeded, 0)]);
    assert!(other.awaiting_outcome().is_some());
    let words = |o: Record| status(&n, &history(&[sent("k1"), o]), now, &p).word();
    assert_eq!(words(outcome("k1", Phase::Succeeded, 0)), "sent");
    assert_eq!(words(outcome("k1", Phase::Succeeded, 3)), "partial");
    assert_eq!(words(outcome("k1", Phase::Failed, 0)), "failed");
    assert_eq!(
        words(record(RecordKind::Unconfirmed, "h1", Some("k1"), "2026-12-05 09:01")),
        "unconfirmed"
    );
    // A second replica's `sent` for the same key keeps the outcome; a resend (new key) clears it.
    let replicas = history(&[sent("k1"), outcome("k1", Phase::Failed, 0), sent("k1")]);
    assert!(replicas.outcome.is_some());
    let resent = history(&[
        sent("k1"),
        outcome("k1", Phase::Failed, 0),
        record(RecordKind::Started, "h1", Some("k2"), "2026-12-05 11:00"),
    ]);
    assert_eq!(status(&n, &resent, now, &p), Status::Sending(t("2026-12-05 11:00")));
    let resent = history(&[sent("k1"), outcome("k1", Phase::Failed, 0), sent("k2")]);
    assert_eq!((resent.outcome.as_ref(), resent.awaiting_outcome()), (None, Some(&sent("k2"))));
    // A broadcast's `sent` is final at once.
    let broadcast = history(&[record(RecordKind::Sent, "h1", Some("k1"), "2026-12-05 09:00")]);
    assert_eq!(
        (
            broadcast.awaiting_outcome(),
            status(&notice("2026-12-05 09:00", false), &broadcast, now, &p).word()
        ),
        (None, "sent")
    );
}
