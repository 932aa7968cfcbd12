//! The report as plain Japanese text for staff (stdout of `oyako report`).

use std::fmt::Write as _;

use super::{FRIENDS_GOAL, LineFriends, Report, SATISFIED_GOAL, percent, period_text};

/// Rows shown per ranking in the text (the CSV and HTML have all of them).
const TOP: usize = 10;

/// Renders the summary.
pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "oyako KPI レポート（{}）", period_text(r.period));
    let _ = write!(out, "読み込んだ記録: ファイル {} 件、記録 {} 件", r.files, r.records);
    if r.skipped > 0 {
        let _ = write!(out, "（壊れた行 {} 行を飛ばしました）", r.skipped);
    }
    if r.duplicates > 0 {
        let _ = write!(out, "（重複 {} 件は1回と数えました）", r.duplicates);
    }
    out.push('\n');
    friends(&mut out, r);
    growth(&mut out, r);
    timed(&mut out, r);
    surveys(&mut out, r);
    let t = &r.tables;
    let _ = writeln!(out, "\n■ よく押されたボタン（上位 {TOP}）");
    if t.taps.is_empty() {
        out.push_str("  記録はありません\n");
    }
    for tap in t.taps.iter().take(TOP) {
        let _ = writeln!(out, "  {:>6}  {}  {}", tap.count, tap.key, tap.title);
    }
    let _ = writeln!(out, "\n■ 見つからなかった検索（上位 {TOP}）");
    if t.misses.is_empty() {
        out.push_str("  記録はありません\n");
    }
    for (query, count) in t.misses.iter().take(TOP) {
        let _ = writeln!(out, "  {count:>6}  {query}");
    }
    if !t.comments.is_empty() {
        let _ = writeln!(
            out,
            "\n■ ご意見 {} 件（全文は --html か --csv で出力されます）",
            t.comments.len()
        );
    }
    out
}

fn friends(out: &mut String, r: &Report) {
    let _ = writeln!(out, "\n■ 友だち（目標 {FRIENDS_GOAL} 人）");
    let rows = &r.tables.friends;
    match rows.last() {
        None => out.push_str("  ジャーナルに友だち追加・ブロックの記録はありません\n"),
        Some(last) => {
            let follows: u64 = rows.iter().map(|d| d.follows).sum();
            let unfollows: u64 = rows.iter().map(|d| d.unfollows).sum();
            let net = follows as i64 - unfollows as i64;
            let returning: u64 = rows.iter().map(|d| d.returning).sum();
            let _ = writeln!(
                out,
                "  期間中: 追加 {follows} 人（新しい友だち {} 人、ブロック解除で戻った友だち {returning} 人）、ブロック {unfollows} 人、差し引き {net:+} 人",
                follows - returning
            );
            let _ = writeln!(
                out,
                "  累計（ジャーナルから、{}まで）: {} 人（目標の {}）",
                last.day,
                last.cumulative,
                percent(last.cumulative as f64 / FRIENDS_GOAL as f64)
            );
        }
    }
    let line = match &r.line {
        LineFriends::NotAsked => {
            "LINE_CHANNEL_ACCESS_TOKEN がないため、LINE の集計は取得していません".to_string()
        }
        LineFriends::Failed(why) => format!("LINE の集計を取得できませんでした: {why}"),
        LineFriends::Answer { day, status, followers, blocks, targeted_reaches } => {
            match (status.as_str(), followers) {
                ("ready", Some(f)) => {
                    let b = blocks.unwrap_or(0);
                    let mut s = format!(
                        "LINE の集計（{day}）: 友だち追加 {f} 人、ブロック {b} 人、届く人数 ≈ {} 人",
                        f.saturating_sub(b)
                    );
                    if let Some(t) = targeted_reaches {
                        let _ = write!(s, "（属性で絞れる人数 {t} 人）");
                    }
                    s
                }
                _ => format!("LINE の集計（{day}）はまだできていません（status: {status}）"),
            }
        }
    };
    let _ = writeln!(out, "  {line}");
}

fn timed(out: &mut String, r: &Report) {
    let t = &r.timed;
    if t.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n■ お子さんに合わせた配信");
    let share = match r.registered_share() {
        Some((share, friends, source)) => {
            format!("（友だち {friends} 人の {}、友だちの数は{source}）", percent(share))
        }
        None => String::new(),
    };
    let _ = writeln!(
        out,
        "  登録中（期間の終わり）: お子さん {} 人、保護者 {} 人{share}",
        t.children, t.parents
    );
    let _ = writeln!(
        out,
        "  期間中の新しい登録: お子さん {} 人、保護者 {} 人",
        t.new_children, t.new_parents
    );
    if !t.weeks.is_empty() {
        out.push_str("  週ごとの新しい登録（月曜から）:\n");
        for w in &t.weeks {
            let _ = writeln!(
                out,
                "    {}〜  お子さん {:>4} 人、保護者 {:>4} 人",
                w.monday, w.children, w.parents
            );
        }
    }
    if !t.left.is_empty() {
        let parts: Vec<String> =
            t.left.iter().map(|(why, n)| format!("{} {n} 人", super::why_text(why))).collect();
        let _ = writeln!(out, "  期間中に登録が終わったお子さん: {}", parts.join("、"));
    }
    if !t.steps.is_empty() {
        out.push_str("  配信したお知らせ（お子さんごとの通数）と、届いて1日以内のブロック:\n");
        for s in &t.steps {
            let rate = s.block_rate().map_or_else(String::new, |x| format!("（{}）", percent(x)));
            let _ = writeln!(
                out,
                "    {:>6} 通  ブロック {:>4}{rate}  {} {}",
                s.sent, s.blocks, s.label, s.title
            );
        }
    }
}

/// Width of the goal in the text chart, in characters.
const CHART_WIDTH: usize = 40;
/// Most rows of the text chart (days are sampled evenly when there are more).
const CHART_ROWS: usize = 12;

/// The way to the goal (with a text chart), friends by channel and blocks after notices.
fn growth(out: &mut String, r: &Report) {
    let t = &r.tables;
    if let Some(p) = &t.pace {
        let _ = writeln!(out, "  {}", p.sentence());
        chart(out, r);
    }
    if !t.channels.is_empty() {
        let answered: u64 = t.channels.iter().filter(|c| !c.id.is_empty()).map(|c| c.friends).sum();
        let _ = writeln!(
            out,
            "\n■ どこで知ったか（友だち追加のあとの質問への答えと、送られたコード。1人は最後の答えで1回）"
        );
        for c in &t.channels {
            let share = match (c.id.is_empty(), answered) {
                (false, n) if n > 0 => {
                    format!("（答えた人の {}）", percent(c.friends as f64 / n as f64))
                }
                _ => String::new(),
            };
            let code = if c.by_code > 0 {
                format!("、うちコード {} 人", c.by_code)
            } else {
                String::new()
            };
            let _ = writeln!(out, "  {:>6}  {}{share}{code}", c.friends, c.label);
        }
    }
    if !t.notice_blocks.is_empty() {
        let _ = writeln!(out, "\n■ お知らせのあとのブロック（送信後24時間と、送信前24時間）");
        for n in &t.notice_blocks {
            let name = if n.title.is_empty() {
                n.id.clone()
            } else {
                format!("{}（{}）", n.title, n.id)
            };
            let _ = writeln!(
                out,
                "  {}  後 {} 人 / 前 {} 人  {name}",
                super::html::jst_time(n.sent),
                n.after,
                n.before
            );
        }
    }
}

/// Cumulative friends as bars against the goal, with the projected day as a last row.
fn chart(out: &mut String, r: &Report) {
    let rows = &r.tables.friends;
    let Some(p) = &r.tables.pace else { return };
    let bar = |n: i64, c: char| -> String {
        let len = (n.max(0) as f64 / FRIENDS_GOAL as f64 * CHART_WIDTH as f64).round() as usize;
        let mut s: String = std::iter::repeat_n(c, len.min(CHART_WIDTH)).collect();
        s.extend(std::iter::repeat_n(' ', CHART_WIDTH.saturating_sub(len)));
        s.push('|');
        s.extend(std::iter::repeat_n(c, len.saturating_sub(CHART_WIDTH).min(20)));
        s
    };
    let _ = writeln!(
        out,
        "  友だちの累計（█ 実績、░ 見込み、| 目標 {FRIENDS_GOAL} 人、{}文字 = {FRIENDS_GOAL} 人）",
        CHART_WIDTH
    );
    let n = rows.len();
    let picks: Vec<usize> = if n <= CHART_ROWS {
        (0..n).collect()
    } else {
        let mut v: Vec<usize> = (0..CHART_ROWS).map(|i| i * (n - 1) / (CHART_ROWS - 1)).collect();
        v.dedup();
        v
    };
    for i in picks {
        let d = &rows[i];
        let _ = writeln!(out, "  {} {} {}", d.day, bar(d.cumulative, '█'), d.cumulative);
    }
    if let super::Goal::Projected(day) = p.goal {
        let _ = writeln!(out, "  {day} {} {FRIENDS_GOAL}（見込み）", bar(FRIENDS_GOAL, '░'));
    }
}

fn surveys(out: &mut String, r: &Report) {
    let _ = writeln!(out, "\n■ アンケート（満足の目標 {}）", percent(SATISFIED_GOAL));
    if r.tables.surveys.is_empty() {
        out.push_str("  回答はありません\n");
    }
    for s in &r.tables.surveys {
        let question =
            if s.question.is_empty() { String::new() } else { format!("「{}」", s.question) };
        let _ = writeln!(out, "  {}{question}", s.id);
        match (s.share(), s.interval(), s.measures_satisfaction()) {
            (Some(share), Some((lo, hi)), true) => {
                let verdict = if share >= SATISFIED_GOAL { "目標達成" } else { "目標未達" };
                let _ = writeln!(
                    out,
                    "    回答 {} 人、満足 {} 人 = {}（95% 信頼区間 {}〜{}）{verdict}",
                    s.answers,
                    s.satisfied,
                    percent(share),
                    percent(lo),
                    percent(hi)
                );
            }
            _ => {
                let _ = writeln!(out, "    回答 {} 人", s.answers);
            }
        }
        let choices: Vec<String> = s
            .choices
            .iter()
            .map(|c| {
                format!("{}{} {}", c.label, if c.satisfied { "（満足）" } else { "" }, c.count)
            })
            .collect();
        if !choices.is_empty() {
            let _ = writeln!(out, "    {}", choices.join(" / "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Period, SignupWeek, StepStats, Tables, TimedStats};

    fn report(line: LineFriends) -> Report {
        Report {
            period: Period::default(),
            tables: Tables::default(),
            timed: TimedStats::default(),
            line,
            files: 0,
            records: 0,
            skipped: 0,
            duplicates: 0,
            made_at: 0,
        }
    }

    #[test]
    fn line_counts_not_ready_or_not_asked() {
        let day = "2026-11-26".parse().unwrap();
        let unready = LineFriends::Answer {
            day,
            status: "unready".into(),
            followers: None,
            targeted_reaches: None,
            blocks: None,
        };
        let text = render(&report(unready));
        assert!(
            text.contains("LINE の集計（2026-11-26）はまだできていません（status: unready）"),
            "{text}"
        );
        assert!(text.contains("ジャーナルに友だち追加・ブロックの記録はありません"));
        assert!(
            render(&report(LineFriends::NotAsked)).contains("LINE_CHANNEL_ACCESS_TOKEN がないため")
        );
        let html = crate::report::html::render(&report(LineFriends::Failed("<x>".into())));
        assert!(html.contains("取得できませんでした: &lt;x&gt;"), "{html}");
    }

    #[test]
    fn the_timed_section_in_text_html_and_csv() {
        let mut r = report(LineFriends::Answer {
            day: "2026-11-26".parse().unwrap(),
            status: "ready".into(),
            followers: Some(220),
            targeted_reaches: None,
            blocks: Some(20),
        });
        assert!(!render(&r).contains("お子さんに合わせた配信"), "no section without records");
        r.timed = TimedStats {
            children: 60,
            parents: 50,
            new_children: 12,
            new_parents: 10,
            weeks: vec![SignupWeek {
                monday: "2026-11-23".parse().unwrap(),
                children: 12,
                parents: 10,
            }],
            left: [("quiet".to_string(), 1), ("stop".to_string(), 2)].into(),
            steps: vec![StepStats {
                step: "k/yon".into(),
                title: "4か月児健診 <b>".into(),
                label: "もうすぐ生後4か月".into(),
                sent: 40,
                blocks: 2,
            }],
        };
        let text = render(&r);
        assert!(
            text.contains(
                "お子さん 60 人、保護者 50 人（友だち 200 人の 25.0%、友だちの数はLINE の集計）"
            ),
            "{text}"
        );
        assert!(text.contains("2026-11-23〜  お子さん   12 人、保護者   10 人"), "{text}");
        assert!(text.contains("予定日後の確認で「配信を止める」 1 人、配信停止 2 人"), "{text}");
        assert!(
            text.contains("    40 通  ブロック    2（5.0%）  もうすぐ生後4か月 4か月児健診 <b>"),
            "{text}"
        );
        let html = crate::report::html::render(&r);
        assert!(html.contains("4か月児健診 &lt;b&gt;") && !html.contains("<b>"), "{html}");
        assert!(html.contains("<td class=\"n\">25.0%</td>"), "{html}");
        let dir = tempfile::tempdir().unwrap();
        crate::report::csv::write_all(&r, dir.path()).unwrap();
        let steps = std::fs::read_to_string(dir.path().join("timed_steps.csv")).unwrap();
        assert!(steps.ends_with("k/yon,もうすぐ生後4か月,4か月児健診 <b>,40,2\r\n"), "{steps}");
        let summary = std::fs::read_to_string(dir.path().join("timed_summary.csv")).unwrap();
        assert!(
            summary.contains("registered_share,0.2500\r\n") && summary.contains("left_quiet,1")
        );
    }
}
