//! One CSV file per table, for staff who continue in a spreadsheet.
//!
//! Files start with a UTF-8 byte order mark, without which Excel in Japan reads UTF-8 as
//! Shift_JIS. Text cells are quoted when needed (RFC 4180), and a text cell that starts like
//! a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so a parent's search text can
//! never run as a spreadsheet formula.

use std::io;
use std::path::{Path, PathBuf};

use super::{FRIENDS_GOAL, Goal, LineFriends, Report};

/// A cell of a row.
enum Cell<'a> {
    /// Text from parents or staff: quoted and defused.
    Text(&'a str),
    /// A number or fixed word we wrote ourselves.
    Plain(String),
}

/// Writes every table into `dir` (created if missing); returns the files written.
pub fn write_all(r: &Report, dir: &Path) -> io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let t = &r.tables;
    let mut files = Vec::new();
    let mut write = |name: &str, header: &[&str], rows: Vec<Vec<Cell<'_>>>| -> io::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, table(header, &rows))?;
        files.push(path);
        Ok(())
    };
    let friends = t.friends.iter().map(|d| {
        vec![
            Cell::Plain(d.day.to_string()),
            Cell::Plain(d.follows.to_string()),
            Cell::Plain(d.unfollows.to_string()),
            Cell::Plain(d.net().to_string()),
            Cell::Plain(d.cumulative.to_string()),
            Cell::Plain(d.new_friends().to_string()),
            Cell::Plain(d.returning.to_string()),
        ]
    });
    write(
        "friends.csv",
        &["date", "follows", "unfollows", "net", "cumulative", "new", "returning"],
        friends.collect(),
    )?;
    if let Some(p) = &t.pace {
        let (status, day) = match p.goal {
            Goal::Reached(d) => ("reached", d.to_string()),
            Goal::Projected(d) => ("projected", d.to_string()),
            Goal::NotAtThisPace => ("not_at_this_pace", String::new()),
        };
        let row = vec![
            Cell::Plain(p.as_of.to_string()),
            Cell::Plain(p.friends.to_string()),
            Cell::Plain(FRIENDS_GOAL.to_string()),
            Cell::Plain(p.days.to_string()),
            Cell::Plain(format!("{:.4}", p.per_day)),
            Cell::Plain(status.to_string()),
            Cell::Plain(day),
        ];
        let header = ["as_of", "friends", "goal", "pace_days", "per_day", "status", "goal_date"];
        write("goal.csv", &header, vec![row])?;
    }
    let channels = t.channels.iter().map(|c| {
        vec![
            Cell::Text(&c.id),
            Cell::Text(&c.label),
            Cell::Plain(c.friends.to_string()),
            Cell::Plain(c.by_code.to_string()),
        ]
    });
    write("channels.csv", &["channel", "label", "friends", "by_code"], channels.collect())?;
    let blocks = t.notice_blocks.iter().map(|n| {
        vec![
            Cell::Text(&n.id),
            Cell::Text(&n.title),
            Cell::Plain(super::html::jst_time(n.sent)),
            Cell::Plain(n.after.to_string()),
            Cell::Plain(n.before.to_string()),
        ]
    });
    let header = ["notice", "title", "sent_jst", "blocks_24h_after", "blocks_24h_before"];
    write("notice_blocks.csv", &header, blocks.collect())?;
    if let LineFriends::Answer { day, status, followers, targeted_reaches, blocks } = &r.line {
        let opt = |v: &Option<u64>| Cell::Plain(v.map_or_else(String::new, |n| n.to_string()));
        let row = vec![
            Cell::Plain(day.to_string()),
            Cell::Text(status),
            opt(followers),
            opt(targeted_reaches),
            opt(blocks),
        ];
        write(
            "line_friends.csv",
            &["date", "status", "followers", "targeted_reaches", "blocks"],
            vec![row],
        )?;
    }
    let share = |v: Option<f64>| Cell::Plain(v.map_or_else(String::new, |x| format!("{x:.4}")));
    let surveys = t.surveys.iter().map(|s| {
        let (lo, hi) = s.interval().unzip();
        vec![
            Cell::Text(&s.id),
            Cell::Text(&s.question),
            Cell::Plain(s.answers.to_string()),
            Cell::Plain(s.satisfied.to_string()),
            share(s.share()),
            share(lo),
            share(hi),
        ]
    });
    let header = ["survey", "question", "answers", "satisfied", "share", "ci95_low", "ci95_high"];
    write("surveys.csv", &header, surveys.collect())?;
    let choices = t.surveys.iter().flat_map(|s| {
        s.choices.iter().map(|c| {
            vec![
                Cell::Text(&s.id),
                Cell::Plain(c.index.to_string()),
                Cell::Text(&c.label),
                Cell::Plain(c.satisfied.to_string()),
                Cell::Plain(c.count.to_string()),
            ]
        })
    });
    let header = ["survey", "index", "choice", "satisfied", "count"];
    write("survey_choices.csv", &header, choices.collect())?;
    let taps = t.taps.iter().map(|tap| {
        vec![Cell::Text(&tap.key), Cell::Text(&tap.title), Cell::Plain(tap.count.to_string())]
    });
    write("taps.csv", &["postback", "title", "count"], taps.collect())?;
    let misses = t.misses.iter().map(|(q, n)| vec![Cell::Text(q), Cell::Plain(n.to_string())]);
    write("search_misses.csv", &["query", "count"], misses.collect())?;
    let comments = t.comments.iter().map(|c| {
        vec![Cell::Plain(super::html::jst_time(c.ts)), Cell::Text(&c.survey), Cell::Text(&c.text)]
    });
    write("comments.csv", &["time_jst", "survey", "text"], comments.collect())?;
    let timed = &r.timed;
    if !timed.is_empty() {
        let n = |v: u64| Cell::Plain(v.to_string());
        let mut summary = vec![
            vec![Cell::Plain("children".into()), n(timed.children)],
            vec![Cell::Plain("parents".into()), n(timed.parents)],
            vec![Cell::Plain("new_children".into()), n(timed.new_children)],
            vec![Cell::Plain("new_parents".into()), n(timed.new_parents)],
        ];
        if let Some((share, friends, _)) = r.registered_share() {
            summary.push(vec![Cell::Plain("friends".into()), Cell::Plain(friends.to_string())]);
            summary.push(vec![
                Cell::Plain("registered_share".into()),
                Cell::Plain(format!("{share:.4}")),
            ]);
        }
        for (why, count) in &timed.left {
            summary.push(vec![Cell::Plain(format!("left_{why}")), n(*count)]);
        }
        write("timed_summary.csv", &["metric", "value"], summary)?;
        let weeks = timed
            .weeks
            .iter()
            .map(|w| vec![Cell::Plain(w.monday.to_string()), n(w.children), n(w.parents)]);
        write("timed_weeks.csv", &["week_monday", "children", "parents"], weeks.collect())?;
        let steps = timed.steps.iter().map(|s| {
            vec![
                Cell::Text(&s.step),
                Cell::Text(&s.label),
                Cell::Text(&s.title),
                n(s.sent),
                n(s.blocks),
            ]
        });
        let header = ["step", "label", "title", "sent", "blocks_within_24h"];
        write("timed_steps.csv", &header, steps.collect())?;
    }
    Ok(files)
}

/// The CSV text of a table, BOM and header first, CRLF line ends (RFC 4180).
fn table(header: &[&str], rows: &[Vec<Cell<'_>>]) -> String {
    let mut out = String::from("\u{feff}");
    out.push_str(&header.join(","));
    out.push_str("\r\n");
    for row in rows {
        let cells: Vec<String> = row.iter().map(cell).collect();
        out.push_str(&cells.join(","));
        out.push_str("\r\n");
    }
    out
}

fn cell(c: &Cell<'_>) -> String {
    let text = match c {
        Cell::Plain(s) => return s.clone(),
        Cell::Text(s) => *s,
    };
    let defused = match text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        true => format!("'{text}"),
        false => text.to_string(),
    };
    match defused.contains([',', '"', '\n', '\r']) {
        true => format!("\"{}\"", defused.replace('"', "\"\"")),
        false => defused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_cells_are_quoted_and_defused() {
        assert_eq!(cell(&Cell::Text("普通")), "普通");
        assert_eq!(cell(&Cell::Text("a,b")), "\"a,b\"");
        assert_eq!(cell(&Cell::Text("say \"hi\"\n")), "\"say \"\"hi\"\"\n\"");
        assert_eq!(cell(&Cell::Text("=HYPERLINK(\"x\")")), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell(&Cell::Text("-1+1")), "'-1+1");
        assert_eq!(cell(&Cell::Plain("-3".into())), "-3");
        assert_eq!(table(&["a", "b"], &[]), "\u{feff}a,b\r\n");
    }
}
