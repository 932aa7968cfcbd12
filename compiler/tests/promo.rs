//! Promotion end to end: `line_id:` and `promo:` in a content tree → the bundle's channels.
//! Bad content is covered in `errors.rs`.

mod common;

use common::{Site, page};

/// `content/_index.md` with the promotion settings of the tests.
pub const ACCOUNT: &str = "---
title: テスト市 子育てLINE
summary: 子育ての情報が LINE に届きます
fallback: みつかりませんでした。
line_id: \"@216ruxyz\"
promo:
  - {id: boshi-techo, label: 母子手帳の交付窓口, code: A1}
  - {id: kenshin-4m, label: 4か月児健診}
---
ようこそ。
";

fn site() -> Site {
    Site::new(&[("_index.md", ACCOUNT), ("s/p.md", &page("", "本文\n"))])
}

#[test]
fn channels_and_line_id_reach_the_bundle() {
    let promo = site().bundle().promo.expect("promo in the bundle");
    assert_eq!(promo.line_id, "@216ruxyz");
    assert_eq!(promo.add_friend_url(), "https://line.me/R/ti/p/%40216ruxyz");
    let channels: Vec<(&str, &str, &str)> =
        promo.channels.iter().map(|c| (c.id.as_str(), c.label.as_str(), c.code.as_str())).collect();
    assert_eq!(
        channels,
        [("boshi-techo", "母子手帳の交付窓口", "A1"), ("kenshin-4m", "4か月児健診", "kenshin-4m")]
    );
}

#[test]
fn without_line_id_there_is_no_promo() {
    assert!(Site::new(&[("s/p.md", &page("", "本文\n"))]).bundle().promo.is_none());
}
