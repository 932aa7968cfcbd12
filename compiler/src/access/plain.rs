//! Plain-language hints for public writing, with やさしい日本語 as the model: sentences that
//! run long, and dates without a day of the week. Both are warnings: staff decide, but the
//! account is read by parents in a hurry, by parents whose first language is not Japanese, and
//! aloud by screen readers.
//!
//! Why 60 characters: 「公用文作成の考え方」(文化審議会建議, 2021; 内閣官房長官通知 2022) asks
//! writers to check a sentence for readability once it reaches 50–60 characters, and
//! やさしい日本語 guides (e.g. 出入国在留管理庁・文化庁「在留支援のためのやさしい日本語ガイドライン」,
//! 2020) ask for shorter sentences still, one idea each. On a phone a `sm` line of a LINE
//! bubble holds about 20 characters, so 60 is three lines: past it, a sentence is better cut
//! in two. The limit is where even the general guidance says to stop, so a warning is always
//! worth acting on.
//!
//! Why weekdays: parents plan by the day of the week (「土曜日なら行ける」), and a date with its
//! weekday is harder to misread. A year written with the date lets the weekday be checked, so
//! a wrong weekday is an error.

use jiff::civil::{Date, Weekday};

/// Longest sentence before a warning, in characters (spaces not counted).
pub const MAX_SENTENCE_CHARS: usize = 60;

/// A sentence over [`MAX_SENTENCE_CHARS`]: its text and its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongSentence {
    /// The sentence as written (spans joined), for locating and quoting.
    pub text: String,
    /// Characters, spaces not counted.
    pub chars: usize,
}

/// The sentences of `text` longer than [`MAX_SENTENCE_CHARS`]. A sentence ends at 。！？!? or a
/// line break.
pub fn long_sentences(text: &str) -> Vec<LongSentence> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut flush = |s: &mut String| {
        let chars = s.chars().filter(|c| !c.is_whitespace()).count();
        if chars > MAX_SENTENCE_CHARS {
            out.push(LongSentence { text: s.trim().to_string(), chars });
        }
        s.clear();
    };
    for c in text.chars() {
        if c == '\n' {
            flush(&mut current);
            continue;
        }
        current.push(c);
        if "。！？!?".contains(c) {
            flush(&mut current);
        }
    }
    flush(&mut current);
    out
}

/// A date found in text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundDate {
    /// The date as written (`12月19日`, `2026年12月19日`).
    pub text: String,
    /// What is wrong with it.
    pub problem: DateProblem,
}

/// What is wrong with a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateProblem {
    /// No day of the week after it.
    NoWeekday,
    /// The weekday written is not that date's (the year is known): the right one.
    WrongWeekday(&'static str),
}

const WEEKDAYS: [(char, Weekday, &str); 7] = [
    ('月', Weekday::Monday, "月"),
    ('火', Weekday::Tuesday, "火"),
    ('水', Weekday::Wednesday, "水"),
    ('木', Weekday::Thursday, "木"),
    ('金', Weekday::Friday, "金"),
    ('土', Weekday::Saturday, "土"),
    ('日', Weekday::Sunday, "日"),
];

/// Words before a date that make it a rule rather than a day (「毎年4月1日」「最初の3月31日」):
/// no weekday is asked for.
const RULE_WORDS: &[&str] = &["毎年", "毎月", "例年", "最初の", "次の", "翌年の"];

/// Dates in `text` (「12月19日」, 「2026年12月19日」, 「令和8年12月19日」) without a weekday after them,
/// or with the wrong one. Not flagged: birth-date ranges (「…生まれ」) and rules (「毎年…」,
/// 「最初の3月31日」), where a weekday means nothing.
pub fn date_problems(text: &str) -> Vec<FoundDate> {
    let chars: Vec<char> = text.chars().map(half_width).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((year, month, day, start, end)) = date_at(&chars, i) else {
            i += 1;
            continue;
        };
        i = end;
        let before: String = chars[start.saturating_sub(4)..start].iter().collect();
        let sentence_rest: String =
            chars[end..].iter().take_while(|c| !"。\n".contains(**c)).collect();
        if RULE_WORDS.iter().any(|w| before.contains(w)) {
            continue;
        }
        if sentence_rest.contains("生まれ") {
            continue;
        }
        let written: String = text.chars().skip(start).take(end - start).collect();
        match weekday_after(&chars[end..]) {
            None => out.push(FoundDate { text: written, problem: DateProblem::NoWeekday }),
            Some(w) => {
                let actual = year
                    .and_then(|y| Date::new(y, month, day).ok())
                    .map(|d| d.weekday())
                    .and_then(|wd| WEEKDAYS.iter().find(|(_, d, _)| *d == wd));
                if let Some((c, _, name)) = actual
                    && *c != w
                {
                    out.push(FoundDate { text: written, problem: DateProblem::WrongWeekday(name) });
                }
            }
        }
    }
    out
}

fn half_width(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '（' => '(',
        '）' => ')',
        c => c,
    }
}

/// A number of at most `max` digits at `i`: its value and where it ends.
fn number(chars: &[char], i: usize, max: usize) -> Option<(i32, usize)> {
    let digits: String = chars[i..].iter().take_while(|c| c.is_ascii_digit()).collect();
    if digits.is_empty() || digits.len() > max {
        return None;
    }
    Some((digits.parse().ok()?, i + digits.len()))
}

/// A date starting at `i`: (year if written, month, day, start, end).
fn date_at(chars: &[char], i: usize) -> Option<(Option<i16>, i8, i8, usize, usize)> {
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let (first, after) = number(chars, i, 4)?;
    let (year, start, m_at) = match chars.get(after) {
        Some('年') => {
            let era: String = chars[i.saturating_sub(2)..i].iter().collect();
            let (year, start) = match era.as_str() {
                "令和" => (2018 + first, i - 2),
                "平成" => (1988 + first, i - 2),
                _ => (first, i),
            };
            (Some(year), start, after + 1)
        }
        Some('月') => (None, i, i),
        _ => return None,
    };
    let (month, after_month) = number(chars, m_at, 2)?;
    if chars.get(after_month) != Some(&'月') {
        return None;
    }
    let (day, after_day) = number(chars, after_month + 1, 2)?;
    if chars.get(after_day) != Some(&'日') || !(1..=12).contains(&month) || !(1..=31).contains(&day)
    {
        return None;
    }
    let year = year.and_then(|y| i16::try_from(y).ok());
    Some((year, month as i8, day as i8, start, after_day + 1))
}

/// The weekday written right after a date — 「(土)」「（土曜日）」「土曜日」「(祝)」 — if any.
fn weekday_after(rest: &[char]) -> Option<char> {
    let rest: Vec<char> = rest.iter().copied().skip_while(|c| *c == ' ' || *c == '　').collect();
    let is_day = |c: &char| WEEKDAYS.iter().any(|(w, _, _)| w == c);
    match rest.as_slice() {
        ['(', c, ..] if is_day(c) || *c == '祝' => Some(*c),
        [c, '曜', ..] if is_day(c) => Some(*c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sentences_are_cut_at_japanese_punctuation_and_line_breaks() {
        let short = "妊娠がわかったら、市に妊娠届を出しましょう。母子健康手帳がもらえます。";
        assert!(long_sentences(short).is_empty());
        let long = "子育て支援センターでは、親子で遊べるひろばのほかに、子育ての相談や講座、季節の行事、一時預かりなど、いろいろな事業を行っていますので、ぜひ気軽に来てください。";
        let found = long_sentences(&format!("{short}{long}"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, long);
        assert!(found[0].chars > MAX_SENTENCE_CHARS);
        // A line break ends a sentence too.
        assert!(long_sentences(&format!("{}\n{}", &"あ".repeat(40), &"い".repeat(40))).is_empty());
        assert_eq!(long_sentences(&"あ".repeat(61)).len(), 1);
        assert!(long_sentences(&"あ".repeat(60)).is_empty());
    }

    #[test]
    fn dates_need_a_weekday() {
        let found = date_problems("12月19日に開きます。12月20日（日）もあります。");
        assert_eq!(found, [FoundDate { text: "12月19日".into(), problem: DateProblem::NoWeekday }]);
        for ok in [
            "12月19日（土）",
            "12月19日(土)",
            "１２月１９日（土曜日）",
            "12月19日 土曜日",
            "5月3日（祝）",
            "毎年4月1日に更新します",
            "18歳になった後の最初の3月31日まで",
            "令和6年4月2日から令和7年4月1日生まれのお子さん",
            "12月ごろ",
            "19日（土）",
        ] {
            assert!(date_problems(ok).is_empty(), "{ok}: {:?}", date_problems(ok));
        }
    }

    #[test]
    fn a_year_lets_the_weekday_be_checked() {
        // 2026-12-19 is a Saturday.
        assert!(date_problems("2026年12月19日（土）").is_empty());
        assert_eq!(
            date_problems("2026年12月19日（金）"),
            [FoundDate {
                text: "2026年12月19日".into(), problem: DateProblem::WrongWeekday("土")
            }]
        );
        assert_eq!(
            date_problems("令和8年12月19日（金）")[0].problem,
            DateProblem::WrongWeekday("土")
        );
    }
}
