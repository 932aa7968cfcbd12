//! Tests of normalisation, ranking, determinism and robustness.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;

use super::codec::{Reader, write_varint};
use super::normalize::strip_question;
use super::{Document, SearchIndex, normalize};

/// A test page: title, keywords, summary, body.
type Page = (&'static str, &'static [&'static str], &'static str, &'static str);

const PAGES: &[Page] = &[
    (
        "子どもの発熱",
        &["ねつ", "熱"],
        "熱が出たときの対応",
        "38度以上の熱が出たら、水分をこまめにとらせましょう。ぐったりしているときは受診を。",
    ),
    (
        "乳幼児健診",
        &["けんしん", "乳幼児健康診査"],
        "4か月・1歳6か月・3歳の健診のご案内",
        "対象のお子さんには個別に通知します。母子健康手帳を持ってきてください。",
    ),
    (
        "予防接種のスケジュール",
        &["よぼうせっしゅ", "ワクチン"],
        "定期接種の種類と受ける時期",
        "生後2か月からワクチンの接種が始まります。かかりつけの医療機関で受けましょう。",
    ),
    (
        "乳幼児紙おむつ支給",
        &["おむつ", "紙おむつ"],
        "1歳未満の赤ちゃんに紙おむつを支給します",
        "申請は市役所の子育て支援課で受け付けます。",
    ),
    (
        "保育園の入園申し込み",
        &["ほいくえん", "入園"],
        "認可保育園の申し込み方法",
        "申し込みには予防接種の記録と就労証明書が必要です。",
    ),
];

fn build(pages: &[Page]) -> SearchIndex {
    let keywords: Vec<Vec<String>> =
        pages.iter().map(|p| p.1.iter().map(|k| k.to_string()).collect()).collect();
    let docs: Vec<Document<'_>> = pages
        .iter()
        .zip(&keywords)
        .map(|(p, k)| Document { title: p.0, keywords: k, summary: p.2, body: p.3 })
        .collect();
    SearchIndex::build(&docs)
}

fn first(index: &SearchIndex, query: &str) -> Option<u32> {
    index.query(query, 5).first().copied()
}

#[test]
fn search_normalize_folds_width_case_and_kana() {
    assert_eq!(normalize("ｵﾑﾂ"), "おむつ");
    assert_eq!(normalize("オムツ"), "おむつ");
    assert_eq!(normalize("ｶﾞｰｾﾞ"), "がーぜ");
    assert_eq!(normalize("ヴァイオリン"), "ゔぁいおりん");
    assert_eq!(normalize("ＢＣＧ　ワクチン！"), "bcgわくちん");
    assert_eq!(normalize("「健診」（いつ？）…、。・"), "健診いつ");
    assert_eq!(normalize("Hello, World! 1-2"), "helloworld12");
    assert_eq!(normalize("🍼👶 ミルク"), "みるく");
}

#[test]
fn search_strip_question_removes_trailing_fluff_only() {
    assert_eq!(strip_question(&normalize("健診いつ？")), "健診");
    assert_eq!(strip_question(&normalize("健診はいつですか？")), "健診");
    assert_eq!(strip_question(&normalize("予防接種について教えて")), "予防接種");
    assert_eq!(strip_question(&normalize("保育園はどこ")), "保育園");
    assert_eq!(strip_question("はしか"), "はしか");
    assert_eq!(strip_question("いつ"), "いつ");
    assert_eq!(strip_question(""), "");
}

#[test]
fn search_title_phrase_ranks_first() {
    let index = build(PAGES);
    assert_eq!(first(&index, "予防接種"), Some(2));
    // Page 4 mentions 予防接種 in its body only: found, but after the titled page.
    assert_eq!(index.query("予防接種", 5), vec![2, 4]);
}

#[test]
fn search_reading_finds_page_through_keyword() {
    let index = build(PAGES);
    assert_eq!(first(&index, "よぼうせっしゅ"), Some(2));
    assert_eq!(first(&index, "ヨボウセッシュ"), Some(2));
}

#[test]
fn search_width_and_kana_variants_agree() {
    let index = build(PAGES);
    for query in ["ｵﾑﾂ", "おむつ", "オムツ", "ｵﾑﾂ？", "おむつについて知りたい"]
    {
        assert_eq!(first(&index, query), Some(3), "{query}");
    }
}

#[test]
fn search_question_words_are_ignored() {
    let index = build(PAGES);
    assert_eq!(first(&index, "健診いつ？"), Some(1));
    assert_eq!(first(&index, "健診はいつですか"), Some(1));
    assert_eq!(first(&index, "保育園の申し込みはどこでできますか"), Some(4));
    // Only 2 of 8 bigrams match page 0, but it has the keyword 熱, which the question contains.
    assert_eq!(first(&index, "子どもが熱を出した"), Some(0));
    // Here page 0 matches only 熱が (in its summary) besides the keyword.
    assert_eq!(first(&index, "夜中に熱がある"), Some(0));
}

#[test]
fn search_unrelated_query_returns_nothing() {
    let index = build(PAGES);
    assert_eq!(index.query("今日の天気", 5), Vec::<u32>::new());
    assert_eq!(index.query("ヴァイオリン教室", 5), Vec::<u32>::new());
    // 乳幼・幼児 match pages 1 and 3, but 2 of 7 bigrams is not enough.
    assert_eq!(index.query("乳幼児の天気予報", 5), Vec::<u32>::new());
}

#[test]
fn search_title_hit_outranks_body_hit() {
    const PAIR: &[Page] = &[
        ("赤ちゃんの栄養", &[], "授乳のめやす", "離乳食は生後5か月ごろから始めます。"),
        ("離乳食の進め方", &[], "段階ごとの食べ方", "少しずつ量を増やしましょう。"),
    ];
    let index = build(PAIR);
    assert_eq!(index.query("離乳食", 5), vec![1, 0]);
}

#[test]
fn search_single_character_uses_titles_and_keywords() {
    let index = build(PAGES);
    assert_eq!(first(&index, "熱"), Some(0));
    assert_eq!(first(&index, "熱？"), Some(0));
    // 支 occurs in page 3's title; 証 only in page 4's body, which unigrams do not search.
    assert_eq!(index.query("支", 5), vec![3]);
    assert_eq!(index.query("証", 5), Vec::<u32>::new());
    // A lone kana is almost always a particle: it must equal a title or keyword.
    assert_eq!(index.query("の", 5), Vec::<u32>::new());
}

#[test]
fn search_limit_is_respected() {
    let index = build(PAGES);
    assert_eq!(index.query("乳幼児", 1), vec![1]);
    assert_eq!(index.query("乳幼児", 5).len(), 2);
    assert!(index.query("乳幼児", 0).is_empty());
}

#[test]
fn search_build_is_deterministic() {
    let a = serde_json::to_string(&build(PAGES)).unwrap();
    let b = serde_json::to_string(&build(PAGES)).unwrap();
    assert_eq!(a, b);
}

#[test]
fn search_serde_round_trip() {
    let index = build(PAGES);
    let json = serde_json::to_string(&index).unwrap();
    let back: SearchIndex = serde_json::from_str(&json).unwrap();
    assert_eq!(back, index);
    assert_eq!(back.len(), PAGES.len());
    assert_eq!(back.query("おむつ", 5), index.query("おむつ", 5));
    let from_reader: SearchIndex = serde_json::from_reader(json.as_bytes()).unwrap();
    assert_eq!(from_reader, index);
}

#[test]
fn search_empty_index() {
    let index = SearchIndex::build(&[]);
    assert!(index.is_empty());
    assert_eq!(index.len(), 0);
    assert!(index.query("予防接種", 5).is_empty());
    assert!(index.query("熱", 5).is_empty());
    let json = serde_json::to_string(&index).unwrap();
    assert_eq!(serde_json::from_str::<SearchIndex>(&json).unwrap(), index);
}

#[test]
fn search_odd_input_does_not_panic() {
    let index = build(PAGES);
    let long: String = "予防接種😀、ｵﾑﾂ\u{0}\u{3099}a ".chars().cycle().take(10_000).collect();
    for query in ["", " ", "？！。、・「」", "😀🍼👶", "\u{0}\u{3099}\u{200b}", "ー", long.as_str()]
    {
        let hits = index.query(query, 5);
        assert!(hits.len() <= 5);
    }
    assert!(index.query("", 5).is_empty());
    assert!(index.query("？！。", 5).is_empty());
    assert!(index.query("😀🍼", 5).is_empty());
}

#[test]
fn search_rejects_malformed_json() {
    let json = serde_json::to_string(&build(PAGES)).unwrap();
    for (from, to) in [
        ("\"format\":1", "\"format\":2"),
        ("\"grams\":\"", "\"grams\":\"x"),
        ("\"postings\":\"", "\"postings\":\"*"),
    ] {
        let bad = json.replacen(from, to, 1);
        assert!(serde_json::from_str::<SearchIndex>(&bad).is_err(), "{from} → {to}");
    }
}

#[test]
fn search_corrupt_postings_do_not_panic() {
    // One gram whose record claims 5 head postings but holds one over-long delta.
    let blob = [4, 5, 0xff, 0xff, 0x7f];
    let json = format!(
        r#"{{"format":1,"labels":["ab"],"grams":"ab","postings":"{}"}}"#,
        BASE64.encode(blob)
    );
    let index: SearchIndex = serde_json::from_str(&json).unwrap();
    assert!(index.query("ab", 5).is_empty());
}

#[test]
fn search_varints_round_trip() {
    let mut out = Vec::new();
    let values = [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX];
    for value in values {
        write_varint(&mut out, value);
    }
    let mut reader = Reader(&out);
    for value in values {
        assert_eq!(reader.varint(), Some(value));
    }
    assert_eq!(reader.varint(), None);
}

/// The index is built a chunk of documents at a time on every core: ids past the first
/// chunks are still the documents' positions, and a gram shared by every document lists them
/// all in order.
#[test]
fn documents_across_chunks_keep_their_ids() {
    let titles: Vec<String> = (0..700).map(|i| format!("共通ページ{i:04}番")).collect();
    let docs: Vec<Document<'_>> = titles
        .iter()
        .map(|t| Document { title: t, keywords: &[], summary: "", body: "" })
        .collect();
    let index = SearchIndex::build(&docs);
    assert_eq!(index.len(), 700);
    for i in [0, 255, 256, 511, 600, 699] {
        assert_eq!(index.query(&titles[i], 1), vec![i as u32], "{}", titles[i]);
    }
    let mut all = index.query("共通ページ", 1000);
    assert_eq!(all.len(), 700);
    all.sort_unstable();
    assert!(all.iter().copied().eq(0..700));
    assert_eq!(index, SearchIndex::build(&docs), "deterministic");
}

/// The fast path of normalisation gives the definition's characters: every character alone,
/// and before and after plain runs (where the text is cut), with combining marks, half-width
/// kana and compatibility characters among them.
#[test]
fn normalising_in_pieces_is_normalising_the_whole() {
    use super::normalize::{normalized_chars, reference};
    let check = |text: &str| {
        let fast: String = normalized_chars(text).collect();
        let slow: String = reference(text).collect();
        assert_eq!(fast, slow, "{text:?} ({:x?})", text.chars().map(u32::from).collect::<Vec<_>>());
    };
    for c in (0..=0x3_ffff).filter_map(char::from_u32) {
        for text in [format!("{c}"), format!("か{c}"), format!("{c}ア"), format!("aB{c}漢{c}x")]
        {
            check(&text);
        }
    }
    for text in [
        "か\u{3099}き\u{309a}",
        "ｶﾞｷﾞｸﾞ ﾊﾟﾋﾟ",
        "ＢＣＧ（予防接種）",
        "ﾞかﾞ",
        "e\u{301}\u{323}a",
        "\u{1100}\u{1161}\u{11a8}ア",
        "가\u{11a8}",
        "㍻㌔ｱ①",
        "ヷヸヹヺ\u{3099}",
        "",
        "ー\u{3099}",
        "子育て、支援。Ｑ＆Ａ",
        "\u{fb01}x",
        "\u{f900}漢",
    ] {
        check(text);
    }
}
