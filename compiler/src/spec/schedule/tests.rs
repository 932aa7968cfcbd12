use std::path::Path;

use jiff::civil::Date;

use super::*;
use crate::diagnostics::Diagnostics;
use crate::spec::holidays::Holidays;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// Checks `yaml` (the body of `schedule:`) as if it started on line 10 of a file.
fn checked(yaml: &str) -> Result<Schedule, String> {
    let spec: Spanned<ScheduleSpec> = serde_saphyr::from_str(yaml).map_err(|e| e.to_string())?;
    let mut diags = Diagnostics::default();
    let s = check(&spec, 10, Path::new("c.md"), Holidays::official(), &mut diags);
    s.ok_or_else(|| diags.to_string())
}

const HONEYCOMB: &str = "
hours: \"8:30〜17:15\"
open: [月, 火, 水, 木, 金, 土]
closed: [祝日, \"2026-12-29〜2027-01-03 年末年始\", 2027-02-10]
programmes:
  - {name: ひろば, time: \"9:30〜11:30\", place: プレイルーム, weekly: [火, 木]}
  - {name: 身体測定, time: \"10:00〜11:00\", monthly: 第2水}
  - {name: 誕生会, time: \"10:30〜11:00\", dates: [2026-12-18, 2027-01-22]}
  - {name: わくわくタイム, time: \"14:00〜14:30\", monthly: [最終金]}
changes:
  - {date: 2026-12-22, programme: ひろば, time: \"13:00〜15:00\", note: 午後に変更}
  - {date: 2027-01-13, programme: 身体測定, cancel: true, note: 講師の都合}
  - {date: 2026-12-26, note: 午後は館内整理のため15時まで}
";

fn names(plan: &DayPlan) -> Vec<&str> {
    plan.sessions.iter().map(|s| s.name.as_str()).collect()
}

#[test]
fn a_weekly_programme_on_its_weekdays_but_not_on_holidays_or_closures() {
    let s = checked(HONEYCOMB).unwrap();
    let h = Holidays::official();
    // Tuesday and Thursday, not Wednesday.
    assert_eq!(names(&s.plan(d("2026-12-01"), h)), ["ひろば"]);
    assert_eq!(names(&s.plan(d("2026-12-03"), h)), ["ひろば"]);
    assert!(names(&s.plan(d("2026-12-02"), h)).is_empty());
    // Thursday 2026-11-03? No: 2026-11-03 is a Tuesday and 文化の日.
    let holiday = s.plan(d("2026-11-03"), h);
    assert_eq!(holiday.closed, Some(Closed::Holiday("文化の日".into())));
    assert!(holiday.sessions.is_empty());
    assert_eq!(holiday.closed.unwrap().label(), "休館日（祝日: 文化の日）");
    // The substitute holiday 2026-05-06 (Wednesday) counts as a holiday too.
    assert_eq!(s.plan(d("2026-05-06"), h).closed, Some(Closed::Holiday("休日".into())));
    // Year-end closure: Tuesday 2026-12-29 and Thursday 2026-12-31.
    for day in ["2026-12-29", "2026-12-31", "2027-01-03"] {
        let plan = s.plan(d(day), h);
        assert_eq!(plan.closed, Some(Closed::Listed(Some("年末年始".into()))), "{day}");
        assert!(plan.sessions.is_empty(), "{day}");
    }
    assert_eq!(s.plan(d("2027-01-05"), h).closed, None);
    assert_eq!(s.plan(d("2027-02-10"), h).closed.unwrap().label(), "休館日");
    // Sunday is not an opening day.
    assert_eq!(s.plan(d("2026-12-06"), h).closed, Some(Closed::Weekday));
}

#[test]
fn monthly_dates_and_changes() {
    let s = checked(HONEYCOMB).unwrap();
    let h = Holidays::official();
    // Second Wednesday of December 2026 is the 9th; last Friday is the 25th.
    assert_eq!(names(&s.plan(d("2026-12-09"), h)), ["身体測定"]);
    assert!(names(&s.plan(d("2026-12-16"), h)).is_empty());
    assert_eq!(names(&s.plan(d("2026-12-25"), h)), ["わくわくタイム"]);
    assert!(names(&s.plan(d("2026-12-18"), h)).contains(&"誕生会"));
    // A change moves ひろば to the afternoon on 12/22.
    let moved = &s.plan(d("2026-12-22"), h).sessions[0];
    assert_eq!(moved.status, SessionStatus::Changed);
    assert_eq!(moved.time.unwrap().to_string(), "13:00〜15:00");
    assert_eq!(moved.note.as_deref(), Some("午後に変更"));
    // A cancelled session stays listed, marked cancelled.
    let cancelled = &s.plan(d("2027-01-13"), h).sessions[0];
    assert_eq!((cancelled.name.as_str(), cancelled.status), ("身体測定", SessionStatus::Cancelled));
    assert_eq!(s.plan(d("2026-12-26"), h).notes, ["午後は館内整理のため15時まで"]);
}

#[test]
fn sessions_are_ordered_by_time() {
    let s = checked(
        "programmes:\n  - {name: 午後, time: \"14:00\", weekly: [月]}\n  - {name: 朝, time: \"9:00〜10:00\", weekly: [月]}\n",
    )
    .unwrap();
    assert_eq!(names(&s.plan(d("2026-12-07"), Holidays::official())), ["朝", "午後"]);
}

fn errors(yaml: &str) -> String {
    checked(yaml).expect_err("should fail")
}

#[test]
fn impossible_dates_and_reversed_ranges() {
    let e = errors("closed: [2027-02-29, \"2027-01-03〜2026-12-29\", 年末]\n");
    assert!(e.contains("日付「2027-02-29」はありません"), "{e}");
    assert!(e.contains("終わりが始まりより前"), "{e}");
    assert!(e.contains("休館日「年末」が読めません"), "{e}");
    let e = errors("hours: \"17:15〜8:30\"\n");
    assert!(e.contains("終わりが始まりより前"), "{e}");
    let e =
        errors("programmes:\n  - {name: a, weekly: [火], from: 2027-03-01, until: 2027-01-01}\n");
    assert!(e.contains("until（2027-01-01）が from（2027-03-01）より前"), "{e}");
}

#[test]
fn rules_that_never_happen() {
    let e = errors("open: [月, 火]\nprogrammes:\n  - {name: a, weekly: [土, 日]}\n");
    assert!(e.contains("予定「a」の曜日（土・日）はどれも休館の曜日です"), "{e}");
    // 2027-01-04 (Mon) to 2027-01-07 (Thu) holds no Saturday.
    let e =
        errors("programmes:\n  - {name: b, weekly: [土], from: 2027-01-04, until: 2027-01-07}\n");
    assert!(e.contains("一度も行われません"), "{e}");
    // February 2027 has no fifth Monday.
    let e =
        errors("programmes:\n  - {name: c, monthly: 第5月, from: 2027-02-01, until: 2027-02-28}\n");
    assert!(e.contains("一度も行われません"), "{e}");
    let e = errors("closed: [祝日]\nprogrammes:\n  - {name: d, dates: [2027-01-11]}\n");
    assert!(e.contains("2027-01-11（月）は休館日（祝日: 成人の日）です"), "{e}");
    let e = errors(
        "programmes:\n  - {name: e}\n  - {name: f, weekly: [月], dates: [2027-01-11]}\n  - {name: g, dates: []}\n",
    );
    assert!(e.contains("予定「e」にいつ行うかがありません"), "{e}");
    assert!(e.contains("2つ以上"), "{e}");
    assert!(e.contains("dates に日付がありません"), "{e}");
    let e = errors("programmes:\n  - {name: h, monthly: 第6水}\n  - {name: h, weekly: [x]}\n");
    assert!(e.contains("第6週はありません"), "{e}");
    assert!(e.contains("予定「h」が2回あります"), "{e}");
    assert!(e.contains("曜日「x」が読めません"), "{e}");
}

#[test]
fn changes_must_match_a_programme_on_its_day() {
    let base = "programmes:\n  - {name: ひろば, weekly: [火]}\nchanges:\n";
    let e = errors(&format!("{base}  - {{date: 2026-12-02, programme: ひろば, cancel: true}}\n"));
    assert!(e.contains("2026-12-02（水）に「ひろば」はありません"), "{e}");
    let e = errors(&format!("{base}  - {{date: 2026-12-01, programme: ひろは, cancel: true}}\n"));
    assert!(e.contains("予定「ひろは」は programmes にありません") && e.contains("ひろば"), "{e}");
    let e = errors(&format!(
        "{base}  - {{date: 2026-12-01, programme: ひろば, cancel: true, time: \"10:00\"}}\n"
    ));
    assert!(e.contains("一緒に書けません"), "{e}");
    let e = errors(&format!(
        "{base}  - {{date: 2026-12-01, time: \"10:00\"}}\n  - {{date: 2026-12-01}}\n"
    ));
    assert!(e.contains("programme（どの予定か）がありません"), "{e}");
    assert!(e.contains("何も書かれていません"), "{e}");
    let e = errors(&format!("{base}  - {{date: 2026-02-30, note: x}}\n"));
    assert!(e.contains("日付「2026-02-30」はありません"), "{e}");
}

#[test]
fn errors_point_at_their_lines() {
    let e = errors("open: [月]\nprogrammes:\n  - name: a\n    weekly: [月, 水曜x]\n");
    // The YAML starts on file line 10: the bad weekday is on its 4th line.
    assert!(e.contains("c.md:13:"), "{e}");
}
