//! Tests of the Markdown IR: structure and positions, independent of Flex layout.

use super::*;

fn kinds(blocks: &[Block]) -> Vec<&'static str> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Heading { .. } => "heading",
            Block::Paragraph { .. } => "paragraph",
            Block::List { .. } => "list",
            Block::ListItem { .. } => "item",
            Block::Quote { .. } => "quote",
            Block::Code { .. } => "code",
            Block::Table { .. } => "table",
            Block::Image { .. } => "image",
            Block::Rule { .. } => "rule",
            Block::Links { .. } => "links",
        })
        .collect()
}

#[test]
fn a_list_first_in_the_body_is_one_list() {
    let (blocks, _) = parse("- a\n- b\n  - c\n");
    assert_eq!(kinds(&blocks), ["list"]);
    let Block::List { children, ordered, .. } = &blocks[0] else { unreachable!() };
    assert!(!ordered);
    assert_eq!(kinds(children), ["item", "item"]);
    let Block::ListItem { children, marker, .. } = &children[1] else { unreachable!() };
    assert_eq!(marker, "・");
    assert_eq!(kinds(children), ["paragraph", "list"]);
}

#[test]
fn ordered_lists_keep_their_start_number() {
    let (blocks, _) = parse("7. a\n8. b\n");
    let Block::List { children, .. } = &blocks[0] else { unreachable!() };
    let markers: Vec<&str> = children
        .iter()
        .map(|c| match c {
            Block::ListItem { marker, .. } => marker.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(markers, ["7.", "8."]);
}

#[test]
fn links_become_buttons_after_their_block() {
    let (blocks, _) = parse("見出し\n\n本文の[リンク](https://a.jp)です。\n");
    assert_eq!(kinds(&blocks), ["paragraph", "paragraph", "links"]);
    let Block::Links { links, .. } = &blocks[2] else { unreachable!() };
    assert_eq!(links[0].label, "リンク");
    assert_eq!(links[0].dest, "https://a.jp");
    assert_eq!(&"見出し\n\n本文の[リンク](https://a.jp)です。\n"[links[0].offset..][..1], "[");
}

#[test]
fn images_split_paragraphs_and_keep_alt_text() {
    let (blocks, _) = parse("前 ![図の説明](a.png) 後\n");
    assert_eq!(kinds(&blocks), ["paragraph", "image", "paragraph"]);
    let Block::Image { alt, src, .. } = &blocks[1] else { unreachable!() };
    assert_eq!((alt.as_str(), src.as_str()), ("図の説明", "a.png"));
}

#[test]
fn tables_keep_header_and_rows() {
    let (blocks, _) = parse("| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | |\n");
    let Block::Table { head, rows, .. } = &blocks[0] else { unreachable!() };
    assert_eq!(head.len(), 2);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][1], Vec::<Span>::new());
}

#[test]
fn html_is_kept_as_text_with_a_note() {
    let (blocks, notes) = parse("<script>alert(1)</script>\n");
    assert_eq!(plain_text(&blocks).trim(), "<script>alert(1)</script>");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].offset, 0);
}

#[test]
fn styles_are_runs() {
    let (blocks, _) = parse("a **b** *c* ~~d~~ `e`\n");
    let Block::Paragraph { spans, .. } = &blocks[0] else { unreachable!() };
    let styled: Vec<(&str, bool, bool, bool, bool)> =
        spans.iter().map(|s| (s.text.as_str(), s.bold, s.italic, s.strike, s.code)).collect();
    assert_eq!(
        styled,
        [
            ("a ", false, false, false, false),
            ("b", true, false, false, false),
            (" ", false, false, false, false),
            ("c", false, true, false, false),
            (" ", false, false, false, false),
            ("d", false, false, true, false),
            (" ", false, false, false, false),
            ("e", false, false, false, true),
        ]
    );
}

#[test]
fn quotes_rules_and_code() {
    let (blocks, _) = parse("> 引用\n\n---\n\n```\nx\n```\n");
    assert_eq!(kinds(&blocks), ["quote", "rule", "code"]);
    assert!(matches!(&blocks[2], Block::Code { text, .. } if text == "x"));
}

#[test]
fn every_block_knows_the_line_it_starts_on() {
    let body = "# 題\n\n段落の一行目\n二行目\n\n- 一\n  - 入れ子\n- 二\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n> 引用\n\n```\nコード\n```\n\n---\n\n![図](a.png)\n\n[リンク](b.md)\n";
    let (blocks, _) = parse(body);
    let line = |offset: usize| body[..offset].matches('\n').count() + 1;
    let lines: Vec<(&str, usize)> =
        blocks.iter().map(|b| (kinds(std::slice::from_ref(b))[0], line(b.offset()))).collect();
    assert_eq!(
        lines,
        [
            ("heading", 1),
            ("paragraph", 3),
            ("list", 6),
            ("table", 10),
            ("quote", 14),
            ("code", 16),
            ("rule", 20),
            ("image", 22),
            ("paragraph", 24),
            ("links", 24),
        ]
    );
    let items = blocks[2].children();
    assert_eq!(items.iter().map(|b| line(b.offset())).collect::<Vec<_>>(), [6, 8]);
    let nested = &items[0].children()[1];
    assert_eq!(line(nested.offset()), 7, "{nested:?}");
    assert_eq!(line(nested.children()[0].children()[0].offset()), 7);
}
