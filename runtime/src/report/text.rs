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
            let _ = writeln!(
                out,
                "  期間中: 追加 {follows} 人、ブロック {unfollows} 人、差し引き {net:+} 人"
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
    use crate::report::{Period, Tables};

    fn report(line: LineFriends) -> Report {
        Report {
            period: Period::default(),
            tables: Tables::default(),
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
}
