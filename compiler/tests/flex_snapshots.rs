//! Snapshot tests of the Flex JSON generated for each Markdown construct and front-matter
//! feature. Every snapshot is also validated against LINE's OpenAPI schema and limits.

mod common;

use common::{Site, checked_messages, page};

/// Builds `s/p.md` with `text` and returns its reply as pretty JSON.
fn check_page(text: &str) -> String {
    let site = Site::new(&[("s/p.md", text), ("s/other.md", &page_titled("別ページ"))]);
    let bundle = site.bundle();
    serde_json::to_string_pretty(&checked_messages(&bundle, "page:s/p")).expect("json")
}

#[test]
fn headings_and_paragraphs() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "## 見出し2\n\n### 見出し3\n\n本文の段落です。\n次の行。\n"
    )));
}

#[test]
fn inline_styles() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "**太字** と *斜体* と ~~取り消し~~ と `コード`。\n"
    )));
}

#[test]
fn bulleted_and_nested_lists() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "- いち\n- に\n  - にのいち\n  - にのに\n- さん\n"
    )));
}

#[test]
fn ordered_list() {
    insta::assert_snapshot!(check_page(&page("", "3. 三\n4. 四\n")));
}

#[test]
fn external_relative_and_tel_links() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "[市のホームページ](https://www.city.asahi.lg.jp/)、[別のページ](other.md)、[電話](tel:0479-62-1212)、[小児救急](tel:%238000)\n"
    )));
}

#[test]
fn image_in_body_and_hero() {
    let site = Site::new(&[(
        "s/p.md",
        &page("image: assets/a.png\nimage_alt: 上の画像の説明\n", "![説明の文](../assets/a.png)\n"),
    )]);
    site.write_bytes("assets/a.png", &tiny_png(4, 3));
    let bundle = site.bundle();
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&checked_messages(&bundle, "page:s/p")).unwrap()
    );
}

#[test]
fn narrow_table() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "| 健診 | 時期 |\n| --- | --- |\n| 4か月 | 4〜5か月 |\n| 1歳6か月 | |\n"
    )));
}

#[test]
fn wide_table_becomes_cards() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "| a | b | c | d |\n| - | - | - | - |\n| 1 | 2 | 3 | 4 |\n"
    )));
}

#[test]
fn quote_rule_and_code() {
    insta::assert_snapshot!(check_page(&page(
        "",
        "> 注意: 持ち物\n\n---\n\n```\nFAX 0479-00-0000\n```\n"
    )));
}

#[test]
fn raw_html_is_shown_as_text() {
    insta::assert_snapshot!(check_page(&page("", "<script>alert(1)</script>\n")));
}

#[test]
fn front_matter_links_and_event() {
    let fm = "links:\n  - {label: 市役所, tel: \"0479-62-1212\"}\n  - {label: 小児救急, tel: \"#8000\"}\n  - {label: サイト, url: \"https://example.jp/\"}\n  - {label: 別ページ, page: s/other}\nevent: {date: 2026-12-12, time: \"10:00〜11:30\", place: 保健センター}\n";
    insta::assert_snapshot!(check_page(&page(fm, "本文\n")));
}

#[test]
fn long_page_is_split_into_parts() {
    let body: String =
        (1..=12).map(|i| format!("## 節{i}\n\n{}\n\n", "長い説明文です。".repeat(30))).collect();
    let json = check_page(&page("", &body));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let bubbles = v[0]["contents"]["contents"].as_array().expect("a carousel");
    assert!(bubbles.len() >= 3, "{} parts", bubbles.len());
    let last = bubbles.len();
    assert_eq!(bubbles[0]["header"]["contents"][1]["text"], format!("1/{last}"));
    assert_eq!(bubbles[last - 1]["header"]["contents"][1]["text"], format!("{last}/{last}"));
    assert!(bubbles[last - 1]["footer"]["contents"].to_string().contains("メニューへ"));
}

#[test]
fn menu_paginates_past_eleven_cards() {
    let pages: Vec<(String, String)> =
        (0..14).map(|i| (format!("s/p{i:02}.md"), page_titled(&format!("ページ{i:02}")))).collect();
    let files: Vec<(&str, &str)> = pages.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let bundle = Site::new(&files).bundle();
    let first = checked_messages(&bundle, "menu:s");
    let cards = first[0]["contents"]["contents"].as_array().unwrap();
    assert_eq!(cards.len(), 12, "11 cards and a next card");
    assert!(cards[11].to_string().contains("menu:s:2"));
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&checked_messages(&bundle, "menu:s:2")).unwrap()
    );
}

#[test]
fn section_introduction_above_the_cards() {
    let intro = "---\ntitle: 健診\nsummary: 乳幼児健診の案内\n---\n健診のお知らせは、おうちに届きます。\n\n受け方は[健診の受け方](ukekata.md)をご覧ください。\n";
    let bundle = Site::new(&[
        ("kenshin/_index.md", intro),
        ("kenshin/ukekata.md", &page_titled("健診の受け方")),
        ("s/p.md", &page("", "本文\n")),
    ])
    .bundle();
    let messages = checked_messages(&bundle, "menu:kenshin");
    assert_eq!(messages.as_array().unwrap().len(), 2, "the introduction, then the cards");
    assert_eq!(
        messages[0]["altText"],
        "健診｜健診のお知らせは、おうちに届きます。 受け方は健診の受け方をご覧ください。"
    );
    // The relative link starts in the section's own folder.
    assert!(messages[0].to_string().contains("page:kenshin/ukekata"));
    assert!(messages[1].get("quickReply").is_some() && messages[0].get("quickReply").is_none());
    insta::assert_snapshot!(serde_json::to_string_pretty(&messages).unwrap());
}

#[test]
fn section_introduction_only_on_the_first_menu_page() {
    let mut files: Vec<(String, String)> =
        (0..13).map(|i| (format!("s/p{i:02}.md"), page_titled(&format!("ページ{i:02}")))).collect();
    files.push((
        "s/_index.md".into(),
        "---\ntitle: テスト\n---\nテスト用のセクションです。\n".into(),
    ));
    let files: Vec<(&str, &str)> = files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let bundle = Site::new(&files).bundle();
    assert_eq!(checked_messages(&bundle, "menu:s").as_array().unwrap().len(), 2);
    assert_eq!(checked_messages(&bundle, "menu:s:2").as_array().unwrap().len(), 1);
}

#[test]
fn welcome_and_root_menu() {
    let bundle = Site::new(&[("s/p.md", &page("", "本文\n"))]).bundle();
    insta::assert_snapshot!(
        serde_json::to_string_pretty(&checked_messages(&bundle, "follow")).unwrap()
    );
}

#[test]
fn search_card() {
    let bundle = Site::new(&[("s/p.md", &page("summary: 要約\n", "本文\n"))]).bundle();
    let mut out = Vec::new();
    bundle.write_search_messages(&[0], &mut out);
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    common::assert_line_valid(&v);
    insta::assert_snapshot!(serde_json::to_string_pretty(&v).unwrap());
}

fn page_titled(title: &str) -> String {
    format!("---\ntitle: {title}\n---\n本文\n")
}

/// A valid PNG of the given size (header + IHDR is all `imagesize` reads).
pub fn tiny_png(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}
