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
