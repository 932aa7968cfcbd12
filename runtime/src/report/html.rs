//! The report as one self-contained HTML page: inline CSS and inline SVG charts, no scripts,
//! no CDN, no web fonts, so it can be mailed or opened from a USB stick on a city PC.
//!
//! Everything that comes from the journal or the bundle — search texts and comments typed by
//! parents above all — goes through [`esc`], in tables and inside the SVG alike.

use std::fmt::Write as _;

use super::{
    FRIENDS_GOAL, Goal, LineFriends, Report, SATISFIED_GOAL, SurveyStats, percent, period_text,
};

/// Searches and taps listed (the CSV has all).
const TOP: usize = 50;
/// Chart size in SVG user units.
const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 240.0;
/// Room for axis labels.
const LEFT: f64 = 56.0;
const BOTTOM: f64 = 28.0;
const TOP_MARGIN: f64 = 16.0;

const STYLE: &str = "body{font-family:system-ui,-apple-system,'Hiragino Sans','Noto Sans JP',\
'Yu Gothic',sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}\
h1{font-size:1.5rem}h2{font-size:1.2rem;border-bottom:2px solid #D9690F;padding-bottom:.2rem;margin-top:2rem}\
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}\
td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.9rem}\
svg{max-width:100%;height:auto}.ok{color:#1a7f37;font-weight:bold}.ng{color:#b3261e;font-weight:bold}";

/// Escapes text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026-11-27 10:15` in Japan.
pub fn jst_time(ms: i64) -> String {
    let t = jiff::Timestamp::from_millisecond(ms).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    t.to_zoned_datetime(bundle::japan::zone()).strftime("%Y-%m-%d %H:%M").to_string()
}

/// Renders the page.
pub fn render(r: &Report) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = format!("子育てLINE KPI レポート（{}）", period_text(r.period));
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{t}</title><style>{STYLE}</style></head><body>\n<h1>{t}</h1>\n",
        t = esc(&title)
    );
    let _ = writeln!(
        out,
        "<p class=\"meta\">作成 {} ／ ファイル {} 件、記録 {} 件、壊れた行 {} 行、重複 {} 件</p>",
        esc(&jst_time(r.made_at)),
        r.files,
        r.records,
        r.skipped,
        r.duplicates
    );
    friends(&mut out, r);
    growth(&mut out, r);
    timed(&mut out, r);
    surveys(&mut out, r);
    rankings(&mut out, r);
    out.push_str("</body></html>\n");
    out
}

fn friends(out: &mut String, r: &Report) {
    let _ = writeln!(out, "<h2>友だち（目標 {FRIENDS_GOAL} 人）</h2>");
    let rows = &r.tables.friends;
    if let Some(last) = rows.last() {
        let _ = writeln!(
            out,
            "<p>ジャーナルからの累計（{}まで）: <b>{} 人</b>（目標の {}）</p>",
            last.day,
            last.cumulative,
            percent(last.cumulative as f64 / FRIENDS_GOAL as f64)
        );
        let follows: u64 = rows.iter().map(|d| d.follows).sum();
        let returning: u64 = rows.iter().map(|d| d.returning).sum();
        let unfollows: u64 = rows.iter().map(|d| d.unfollows).sum();
        let _ = writeln!(
            out,
            "<p>期間中: 新しい友だち {} 人、ブロック解除で戻った友だち {returning} 人、ブロック {unfollows} 人</p>",
            follows - returning
        );
        if let Some(p) = &r.tables.pace {
            let _ = writeln!(out, "<p>{}</p>", esc(&p.sentence()));
        }
        out.push_str(&friends_chart(r));
    } else {
        out.push_str("<p>友だち追加・ブロックの記録はありません。</p>\n");
    }
    let line = match &r.line {
        LineFriends::NotAsked => {
            "LINE の集計: 取得していません（LINE_CHANNEL_ACCESS_TOKEN なし）".into()
        }
        LineFriends::Failed(why) => format!("LINE の集計を取得できませんでした: {why}"),
        LineFriends::Answer { day, status, followers: Some(f), blocks, .. }
            if status == "ready" =>
        {
            let b = blocks.unwrap_or(0);
            format!(
                "LINE の集計（{day}）: 友だち追加 {f} 人、ブロック {b} 人、届く人数 ≈ {} 人",
                f.saturating_sub(b)
            )
        }
        LineFriends::Answer { day, status, .. } => {
            format!("LINE の集計（{day}）はまだできていません（status: {status}）")
        }
    };
    let _ = writeln!(out, "<p>{}</p>", esc(&line));
    if !rows.is_empty() {
        out.push_str("<details><summary>日ごとの表</summary><table><tr><th>日付</th><th>追加</th><th>うち戻った友だち</th><th>ブロック</th><th>差し引き</th><th>累計</th></tr>\n");
        for d in rows {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:+}</td><td class=\"n\">{}</td></tr>",
                d.day,
                d.follows,
                d.returning,
                d.unfollows,
                d.net(),
                d.cumulative
            );
        }
        out.push_str("</table></details>\n");
    }
}

/// Cumulative friends as a line against the goal (dashed), and the projection at the current
/// pace (dotted) to the day it reaches the goal. The x axis is calendar days.
fn friends_chart(r: &Report) -> String {
    let rows = &r.tables.friends;
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else { return String::new() };
    // The projection is drawn when it ends within three years (beyond that, the line would
    // squash the actual data into a corner).
    let projected = match r.tables.pace.map(|p| p.goal) {
        Some(Goal::Projected(day)) if (day - last.day).get_days() <= 3 * 366 => Some(day),
        _ => None,
    };
    let end = projected.unwrap_or(last.day);
    let span = (end - first.day).get_days().max(1) as f64;
    let max = rows.iter().map(|d| d.cumulative).max().unwrap_or(0).max(FRIENDS_GOAL);
    let min = rows.iter().map(|d| d.cumulative).min().unwrap_or(0).min(0);
    let (plot_w, plot_h) = (WIDTH - LEFT - 8.0, HEIGHT - BOTTOM - TOP_MARGIN);
    let x = |day: jiff::civil::Date| LEFT + plot_w * (day - first.day).get_days() as f64 / span;
    let y = |v: i64| TOP_MARGIN + plot_h * (1.0 - (v - min) as f64 / (max - min).max(1) as f64);
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
         aria-label=\"友だちの累計の推移と目標\"><title>友だちの累計の推移と目標</title>\n"
    );
    let axis = format!("{LEFT},{TOP_MARGIN} {LEFT},{} {},{}", y(min), WIDTH - 8.0, y(min));
    let _ = writeln!(svg, "<polyline points=\"{axis}\" fill=\"none\" stroke=\"#888\"/>");
    for v in [min, max / 2, max] {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{v}</text>",
            LEFT - 6.0,
            y(v) + 4.0
        );
    }
    let goal = y(FRIENDS_GOAL);
    let _ = writeln!(
        svg,
        "<line x1=\"{LEFT}\" y1=\"{goal:.1}\" x2=\"{}\" y2=\"{goal:.1}\" stroke=\"#D9690F\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#D9690F\">目標 {FRIENDS_GOAL}</text>",
        WIDTH - 8.0,
        WIDTH - 8.0,
        goal - 4.0
    );
    let points: Vec<String> =
        rows.iter().map(|d| format!("{:.1},{:.1}", x(d.day), y(d.cumulative))).collect();
    let _ = writeln!(
        svg,
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#06C755\" stroke-width=\"2\"/>",
        points.join(" ")
    );
    if let Some(day) = projected {
        let _ = writeln!(
            svg,
            "<line class=\"projection\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{goal:.1}\" stroke=\"#06C755\" stroke-width=\"2\" stroke-dasharray=\"2 4\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">見込み {day}</text>",
            x(last.day),
            y(last.cumulative),
            x(day),
            x(day),
            goal + 14.0
        );
    }
    let base = HEIGHT - 8.0;
    let _ = writeln!(
        svg,
        "<text x=\"{LEFT}\" y=\"{base}\" font-size=\"11\">{}</text>\
         <text x=\"{}\" y=\"{base}\" font-size=\"11\" text-anchor=\"end\">{}</text>",
        first.day,
        WIDTH - 8.0,
        end
    );
    svg.push_str("</svg>\n");
    svg
}

/// Friends by channel (a bar each) and blocks after each notice.
fn growth(out: &mut String, r: &Report) {
    let t = &r.tables;
    if !t.channels.is_empty() {
        out.push_str("<h2>どこで知ったか</h2>\n<p>友だち追加のあとの質問への答えと、ポスターのコードを送った人（1人は最後の答えで1回）。未回答は、期間中の新しい友だちで答えなかった人です。</p>\n");
        let most = t.channels.iter().map(|c| c.friends).max().unwrap_or(0).max(1);
        out.push_str("<table><tr><th>場所</th><th>人数</th><th>うちコード</th><th></th></tr>\n");
        for c in &t.channels {
            let w = 200.0 * c.friends as f64 / most as f64;
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td><svg width=\"204\" height=\"14\" role=\"img\" aria-label=\"{} 人\"><rect width=\"{w:.1}\" height=\"14\" fill=\"#06C755\"/></svg></td></tr>",
                esc(&c.label),
                c.friends,
                c.by_code,
                c.friends
            );
        }
        out.push_str("</table>\n");
    }
    if !t.notice_blocks.is_empty() {
        out.push_str("<h2>お知らせのあとのブロック</h2>\n<p>お知らせを送ったあと24時間のブロックと、送る前24時間のブロック。後が前より目立って多いお知らせは、送り方や内容を見直す目安になります。</p>\n\
<table><tr><th>送信</th><th>お知らせ</th><th>後24時間</th><th>前24時間</th></tr>\n");
        for n in &t.notice_blocks {
            let name = if n.title.is_empty() {
                n.id.clone()
            } else {
                format!("{}（{}）", n.title, n.id)
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&jst_time(n.sent)),
                esc(&name),
                n.after,
                n.before
            );
        }
        out.push_str("</table>\n");
    }
}

fn surveys(out: &mut String, r: &Report) {
    let _ = writeln!(out, "<h2>アンケート（満足の目標 {}）</h2>", percent(SATISFIED_GOAL));
    let surveys = &r.tables.surveys;
    if surveys.is_empty() {
        out.push_str("<p>回答はありません。</p>\n");
        return;
    }
    let measured: Vec<&SurveyStats> =
        surveys.iter().filter(|s| s.measures_satisfaction() && s.answers > 0).collect();
    if !measured.is_empty() {
        out.push_str(&satisfaction_chart(&measured));
    }
    for s in surveys {
        let _ = writeln!(out, "<h3>{} <small>{}</small></h3>", esc(&s.id), esc(&s.question));
        match (s.share(), s.interval(), s.measures_satisfaction()) {
            (Some(share), Some((lo, hi)), true) => {
                let (class, verdict) = if share >= SATISFIED_GOAL {
                    ("ok", "目標達成")
                } else {
                    ("ng", "目標未達")
                };
                let _ = writeln!(
                    out,
                    "<p>回答 {} 人、満足 {} 人 = <b>{}</b>（95% 信頼区間 {}〜{}） <span class=\"{class}\">{verdict}</span></p>",
                    s.answers,
                    s.satisfied,
                    percent(share),
                    percent(lo),
                    percent(hi)
                );
            }
            _ => {
                let _ = writeln!(out, "<p>回答 {} 人</p>", s.answers);
            }
        }
        out.push_str("<table><tr><th>選択肢</th><th>満足</th><th>人数</th></tr>\n");
        for c in &s.choices {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(&c.label),
                if c.satisfied { "○" } else { "" },
                c.count
            );
        }
        out.push_str("</table>\n");
    }
}

/// One bar per survey: the satisfied share, its 95 % interval, and the goal.
fn satisfaction_chart(surveys: &[&SurveyStats]) -> String {
    let row = 34.0;
    let label_w = 180.0;
    let plot_w = WIDTH - label_w - 60.0;
    let height = TOP_MARGIN + row * surveys.len() as f64 + 20.0;
    let x = |share: f64| label_w + plot_w * share;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"満足の割合\"><title>満足の割合（95% 信頼区間つき）</title>\n"
    );
    for (i, s) in surveys.iter().enumerate() {
        let top = TOP_MARGIN + row * i as f64;
        let share = s.share().unwrap_or(0.0);
        let (lo, hi) = s.interval().unwrap_or((share, share));
        let mid = top + row / 2.0 - 4.0;
        let _ = writeln!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{:.1}\" width=\"{:.1}\" height=\"16\" fill=\"#06C755\"/>\
             <line x1=\"{:.1}\" y1=\"{mid:.1}\" x2=\"{:.1}\" y2=\"{mid:.1}\" stroke=\"#222\" stroke-width=\"2\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"12\">{}</text>",
            label_w - 8.0,
            mid + 4.0,
            esc(&s.id),
            mid - 8.0,
            plot_w * share,
            x(lo),
            x(hi),
            x(1.0) + 6.0,
            mid + 4.0,
            percent(share)
        );
    }
    let goal = x(SATISFIED_GOAL);
    let bottom = height - 18.0;
    let _ = writeln!(
        svg,
        "<line x1=\"{goal:.1}\" y1=\"{TOP_MARGIN}\" x2=\"{goal:.1}\" y2=\"{bottom:.1}\" stroke=\"#D9690F\" stroke-dasharray=\"6 4\"/>\
         <text x=\"{goal:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#D9690F\">目標 {}</text>\
         <text x=\"{label_w}\" y=\"{:.1}\" font-size=\"11\">0%</text>\
         <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">100%</text>",
        bottom + 14.0,
        percent(SATISFIED_GOAL),
        bottom + 14.0,
        x(1.0),
        bottom + 14.0
    );
    svg.push_str("</svg>\n");
    svg
}

fn timed(out: &mut String, r: &Report) {
    let t = &r.timed;
    if t.is_empty() {
        return;
    }
    out.push_str("<h2>お子さんに合わせた配信</h2>\n<table>\n");
    let mut row = |k: &str, v: String| {
        let _ = writeln!(out, "<tr><th>{}</th><td class=\"n\">{}</td></tr>", esc(k), esc(&v));
    };
    row("登録中のお子さん（期間の終わり）", t.children.to_string());
    row("登録中の保護者", t.parents.to_string());
    if let Some((share, friends, source)) = r.registered_share() {
        row(&format!("友だちのうち登録した割合（友だち {friends} 人、{source}）"), percent(share));
    }
    row("期間中の新しい登録（お子さん）", t.new_children.to_string());
    row("期間中の新しい登録（保護者）", t.new_parents.to_string());
    for (why, n) in &t.left {
        row(&format!("期間中に終わった登録: {}", super::why_text(why)), n.to_string());
    }
    out.push_str("</table>\n");
    if !t.weeks.is_empty() {
        out.push_str("<h3>週ごとの新しい登録</h3>\n<table><tr><th>週（月曜）</th><th>お子さん</th><th>保護者</th></tr>\n");
        for w in &t.weeks {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                w.monday, w.children, w.parents
            );
        }
        out.push_str("</table>\n");
    }
    if !t.steps.is_empty() {
        out.push_str("<h3>配信したお知らせと、届いて1日以内のブロック</h3>\n<p>ブロックは、その前の24時間に届いたお子さんに合わせた配信のうち、最後のものに数えます。</p>\n");
        out.push_str("<table><tr><th>時期</th><th>お知らせ</th><th>通数</th><th>ブロック</th><th>割合</th></tr>\n");
        for s in &t.steps {
            let rate = s.block_rate().map_or_else(String::new, percent);
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&s.label),
                esc(&s.title),
                s.sent,
                s.blocks,
                esc(&rate)
            );
        }
        out.push_str("</table>\n");
    }
}

fn rankings(out: &mut String, r: &Report) {
    let t = &r.tables;
    let _ = writeln!(out, "<h2>よく押されたボタン（上位 {TOP}）</h2>");
    out.push_str("<table><tr><th>回数</th><th>ボタン</th><th>内容</th></tr>\n");
    for tap in t.taps.iter().take(TOP) {
        let _ = writeln!(
            out,
            "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            tap.count,
            esc(&tap.key),
            esc(&tap.title)
        );
    }
    out.push_str("</table>\n");
    let _ = writeln!(out, "<h2>見つからなかった検索（上位 {TOP}）</h2>");
    out.push_str("<p>保護者が送った言葉で、合うページがなかったもの（カタカナはひらがなに、英字は小文字にそろえています）。</p>\n");
    out.push_str("<table><tr><th>回数</th><th>言葉</th></tr>\n");
    for (query, count) in t.misses.iter().take(TOP) {
        let _ = writeln!(out, "<tr><td class=\"n\">{count}</td><td>{}</td></tr>", esc(query));
    }
    out.push_str("</table>\n");
    if !t.comments.is_empty() {
        out.push_str(
            "<h2>ご意見</h2>\n<table><tr><th>日時</th><th>アンケート</th><th>ご意見</th></tr>\n",
        );
        for c in &t.comments {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&jst_time(c.ts)),
                esc(&c.survey),
                esc(&c.text)
            );
        }
        out.push_str("</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_and_times() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(jst_time(1_795_705_200_000 + 75 * 60_000), "2026-11-27 01:15");
    }
}
