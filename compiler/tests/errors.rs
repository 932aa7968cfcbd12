//! One test per kind of bad content: the exact Japanese diagnostics staff see, with
//! `file:line:column`, and proof that a failed build writes nothing.

mod common;

use common::{Site, page};

fn errors(files: &[(&str, &str)]) -> String {
    Site::new(files).errors()
}

#[test]
fn missing_front_matter() {
    insta::assert_snapshot!(errors(&[("s/p.md", "# 題名\n本文\n")]));
}

#[test]
fn unclosed_front_matter() {
    insta::assert_snapshot!(errors(&[("s/p.md", "---\ntitle: a\n本文\n")]));
}

#[test]
fn bad_yaml_points_at_its_line() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        "---\ntitle: a\nkeywords: [a, b\norder: 1\n---\n本文\n"
    )]));
}

#[test]
fn unknown_keys_get_did_you_mean_hints() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        "---\ntitle: a\nsumary: b\nkeywrds: [c]\nzzz: 1\n---\n本文\n"
    )]));
}

#[test]
fn missing_title() {
    insta::assert_snapshot!(errors(&[("s/p.md", "---\nsummary: a\n---\n本文\n")]));
}

#[test]
fn title_too_long() {
    let text = format!("---\ntitle: {}\n---\n本文\n", "あ".repeat(41));
    insta::assert_snapshot!(errors(&[("s/p.md", &text)]));
}

#[test]
fn broken_front_matter_page_link() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        &page("links:\n  - {label: 行き先, page: s/nothing}\n", "本文\n")
    )]));
}

#[test]
fn broken_relative_link_in_body() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        &page("", "一行目\n\n詳しくは[こちら](../nai/nothing.md)へ。\n")
    )]));
}

#[test]
fn unsupported_link_scheme() {
    insta::assert_snapshot!(errors(&[("s/p.md", &page("", "[メール](mailto:a@example.jp)\n"))]));
}

#[test]
fn link_with_two_targets_and_bad_tel() {
    let fm = "links:\n  - {label: 二つ, url: \"https://a.jp\", tel: \"119\"}\n  - {label: 電話, tel: \"abc\"}\n  - label: 救急\n    tel: #8000\n";
    insta::assert_snapshot!(errors(&[("s/p.md", &page(fm, "本文\n"))]));
}

#[test]
fn missing_assets() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        &page("image: assets/nai.png\n", "![図](../assets/nai.png)\n")
    )]));
}

#[test]
fn http_image() {
    insta::assert_snapshot!(errors(&[(
        "s/p.md",
        &page("image: http://example.jp/a.png\n", "本文\n")
    )]));
}

#[test]
fn oversized_images() {
    let site = Site::new(&[
        ("s/p.md", &page("", "![大](../assets/big.png)\n")),
        ("s/q.md", "---\ntitle: Q\nimage: assets/big.png\n---\n本文\n"),
    ]);
    site.write_bytes("assets/big.png", &tiny_png(2000, 100));
    insta::assert_snapshot!(site.errors());
}

#[test]
fn duplicate_titles_in_a_section() {
    insta::assert_snapshot!(errors(&[
        ("s/a.md", &page("", "本文\n")),
        ("s/b.md", &page("", "本文\n"))
    ]));
}

#[test]
fn empty_page() {
    insta::assert_snapshot!(errors(&[("s/p.md", "---\ntitle: 空\n---\n\n")]));
}

#[test]
fn bad_date() {
    insta::assert_snapshot!(errors(&[("s/p.md", &page("expires: 2026-13-40\n", "本文\n"))]));
}

#[test]
fn keys_that_do_not_apply() {
    insta::assert_snapshot!(errors(&[
        ("s/p.md", &page("fallback: x\n", "本文\n")),
        ("t/_index.md", "---\ntitle: T\nkeywords: [a]\n---\n本文は書けない\n"),
        ("t/q.md", &page("", "本文\n")),
    ]));
}

#[test]
fn sections_too_deep_and_empty() {
    insta::assert_snapshot!(errors(&[
        ("a/_index.md", "---\ntitle: A\n---\n"),
        ("a/b/_index.md", "---\ntitle: B\n---\n"),
        ("a/b/c/_index.md", "---\ntitle: C\n---\n"),
        ("a/b/c/d/_index.md", "---\ntitle: D\n---\n"),
        ("a/b/c/d/p.md", &page("", "本文\n")),
        ("e/_index.md", "---\ntitle: E\n---\n"),
        ("s/p.md", &page("", "本文\n")),
    ]));
}

#[test]
fn page_without_section_index() {
    insta::assert_snapshot!(errors(&[("nai/p.md", &page("", "本文\n"))]));
}

#[test]
fn bad_file_names() {
    insta::assert_snapshot!(errors(&[
        ("s/Boshi Techo.md", &page("", "本文\n")),
        ("s/_draft.md", &page("", "本文\n"))
    ]));
}

#[test]
fn missing_account() {
    let site = Site::new(&[("s/p.md", &page("", "本文\n"))]);
    std::fs::remove_file(site.content().join("_index.md")).unwrap();
    insta::assert_snapshot!(site.errors());
}

#[test]
fn broken_template_override() {
    let site = Site::new(&[("s/p.md", &page("", "本文\n"))]);
    site.write("_templates/card.json", "{\"type\":\"bubble\",{% if %}\n");
    insta::assert_snapshot!(site.errors());
}

#[test]
fn all_errors_in_one_run_and_nothing_written() {
    let site =
        Site::new(&[("s/a.md", "---\ntitel: x\n---\n本文\n"), ("s/b.md", "no front matter\n")]);
    let err = compiler::build(&site.options()).unwrap_err();
    assert_eq!(err.error_count(), 3, "{err}");
    assert!(!site.out().exists(), "nothing may be written on failure");
}

#[test]
fn drafts_and_expired_pages_are_left_out() {
    let site = Site::new(&[
        ("s/keep.md", &page("expires: 2026-11-27\n", "本文\n")),
        ("s/old.md", "---\ntitle: 古い\nexpires: 2026-11-26\n---\n本文\n"),
        ("s/draft.md", "---\ntitle: 下書き\ndraft: true\n---\n本文\n"),
    ]);
    let bundle = site.bundle();
    let pages: Vec<&str> = bundle.pages.iter().map(|p| p.path.as_str()).collect();
    assert_eq!(pages, ["s/keep"]);
}

#[test]
fn html_gets_a_warning_not_an_error() {
    let site = Site::new(&[("s/p.md", &page("", "<b>太字</b>\n"))]);
    let (_, report) = compiler::compile(&site.options()).unwrap();
    let warnings: Vec<String> = report.warnings.sorted().iter().map(|d| d.to_string()).collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0]
            .ends_with("p.md:4:1: 警告: HTMLタグは使えないため、そのまま文字として表示されます"),
        "{warnings:?}"
    );
}

fn tiny_png(w: u32, h: u32) -> Vec<u8> {
    let mut v = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    v.extend_from_slice(&w.to_be_bytes());
    v.extend_from_slice(&h.to_be_bytes());
    v.extend_from_slice(&[8, 6, 0, 0, 0, 0, 0, 0, 0]);
    v
}

/// A site whose `content/_index.md` has `richmenu` (indented YAML lines) from line 5 on, and
/// a section `kenshin` with page `kenshin/yobou` to point at.
fn richmenu_site(richmenu: &str) -> Site {
    let account = format!(
        "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\nrichmenu:\n{richmenu}---\nようこそ。\n"
    );
    Site::new(&[
        ("_index.md", &account),
        ("s/p.md", &page("", "本文\n")),
        ("kenshin/_index.md", "---\ntitle: 健診\n---\n"),
        ("kenshin/yobou.md", "---\ntitle: 予防接種\n---\n本文\n"),
    ])
}

#[test]
fn richmenu_too_many_areas() {
    let areas: String =
        (0..21).map(|i| format!("    - {{label: ボタン{i}, target: s}}\n")).collect();
    let menu = format!("  rows: 4\n  columns: 5\n  areas:\n{areas}");
    insta::assert_snapshot!(richmenu_site(&menu).errors());
}

#[test]
fn richmenu_more_areas_than_the_grid() {
    let areas: String =
        (0..7).map(|i| format!("    - {{label: ボタン{i}, target: s}}\n")).collect();
    insta::assert_snapshot!(richmenu_site(&format!("  areas:\n{areas}")).errors());
}

#[test]
fn richmenu_bad_targets() {
    insta::assert_snapshot!(
        richmenu_site(
            "  areas:
    - {label: 健診, target: kenshn}
    - {label: 市のサイト, target: \"http://www.city.example.jp/\"}
    - {label: 手続き, target: tab:tetsuzuki}
    - {label: 電話, target: \"tel:abc\"}
    - {label: メール, target: \"mailto:a@example.jp\"}
    - {label: トップ, target: /}
"
        )
        .errors()
    );
}

#[test]
fn richmenu_long_chat_bar_and_labels() {
    insta::assert_snapshot!(
        richmenu_site(
            "  chat_bar: メニューを開いてください。どうぞ
  areas:
    - {label: 健診と予防接種と子育て支援センターのご案内, target: kenshin}
    - {label: \"相談😀\", target: s}
    - {label: \"\", target: s}
"
        )
        .errors()
    );
}

#[test]
fn richmenu_bad_size_and_grid() {
    insta::assert_snapshot!(
        richmenu_site(
            "  size: 1000x1000\n  rows: 9\n  columns: 0\n  areas:\n    - {label: 健診, target: kenshin}\n"
        )
        .errors()
    );
}

#[test]
fn richmenu_unknown_size_word() {
    insta::assert_snapshot!(
        richmenu_site("  size: huge\n  areas:\n    - {label: 健診, target: kenshin}\n").errors()
    );
}

#[test]
fn richmenu_supplied_image_problems() {
    let site = richmenu_site(
        "  size: compact
  image: assets/menu.png
  areas:
    - {label: 健診, target: kenshin, icon: assets/icon.png}
    - {label: 手続き, target: tab:tetsuzuki}
  rows: 1
  columns: 2
  tabs:
    tetsuzuki:
      image: assets/small.png
      rows: 1
      areas:
        - {label: もどる, target: tab:main}
",
    );
    let mut big = tiny_png(2500, 843);
    big.resize(1_000_001, 0);
    site.write_bytes("assets/menu.png", &big);
    site.write_bytes("assets/icon.png", &tiny_png(10, 10));
    site.write_bytes("assets/small.png", &tiny_png(1200, 405));
    insta::assert_snapshot!(site.errors());
}

#[test]
fn richmenu_label_too_long_to_draw() {
    let areas: String = (0..20)
        .map(|i| {
            let label =
                if i == 7 { "子育て支援センターのひろばと講座" } else { "相談" };
            format!("    - {{label: {label}, target: s}}\n")
        })
        .collect();
    let menu = format!("  rows: 4\n  columns: 5\n  areas:\n{areas}");
    insta::assert_snapshot!(richmenu_site(&menu).errors());
    // Four rows do not fit the low compact size at a readable text size.
    let menu = "  size: compact\n  rows: 4\n  areas:\n    - {label: 相談, target: s}\n";
    insta::assert_snapshot!("richmenu_compact_with_four_rows", richmenu_site(menu).errors());
}

#[test]
fn richmenu_bad_tab_names_and_unknown_keys() {
    insta::assert_snapshot!(
        richmenu_site(
            "  areas:
    - {label: 健診, target: kenshin}
  tabs:
    main:
      areas:
        - {label: 健診, target: kenshin}
    Tetsuzuki:
      areas:
        - {label: 健診, target: kenshin}
"
        )
        .errors()
    );
    insta::assert_snapshot!(
        "richmenu_unknown_area_key",
        richmenu_site("  areas:\n    - {label: 健診, taget: kenshin}\n").errors()
    );
}

#[test]
fn richmenu_only_in_the_account_file() {
    insta::assert_snapshot!(errors(&[
        ("s/p.md", &page("richmenu:\n  areas: []\n", "本文\n")),
        ("t/_index.md", "---\ntitle: T\nrichmenu:\n  areas: []\n---\n"),
        ("t/q.md", &page("", "本文\n")),
    ]));
}

/// An account whose `content/_index.md` has `audiences` (indented YAML lines) from line 5 on.
fn audiences_account(audiences: &str) -> String {
    format!(
        "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\naudiences:\n{audiences}---\nようこそ。\n"
    )
}

#[test]
fn notify_unreadable_times() {
    insta::assert_snapshot!(errors(&[
        ("s/a.md", &page("notify: {at: 2026-12-05 25:00, audience: all}\n", "本文\n")),
        ("s/c.md", "---\ntitle: C\nnotify:\n  at: 2026-12-05\n---\n本文\n"),
    ]));
}

#[test]
fn notify_unknown_audiences() {
    let account = audiences_account("  ninpu: {type: gender, oneOf: [female]}\n");
    insta::assert_snapshot!(errors(&[
        ("_index.md", &account),
        (
            "s/b.md",
            "---\ntitle: B\nnotify: {at: \"2026-12-05T09:00:00+09:00\", audience: ninpo}\n---\n本文\n"
        ),
        ("s/c.md", "---\ntitle: C\nnotify:\n  at: 2026-12-05 09:00\n  audience: mama\n---\n本文\n"),
    ]));
}

#[test]
fn notify_after_the_page_expires_and_unknown_notify_key() {
    insta::assert_snapshot!(errors(&[
        (
            "s/a.md",
            &page("expires: 2026-12-13\nnotify: {at: 2026-12-14T09:00:00+09:00}\n", "本文\n")
        ),
        (
            "s/b.md",
            "---\ntitle: B\nnotify: {at: 2026-12-05T09:00:00+09:00, forse: true}\n---\n本文\n"
        ),
    ]));
}

#[test]
fn audiences_with_bad_filters() {
    let account = audiences_account(
        "  All: {type: gender, oneOf: [female]}
  sex: {type: sex, oneOf: [female]}
  kids:
    type: operator
    and:
      - {type: gender, oneOf: [woman]}
      - {type: age, gte: age_40, lt: age_18}
      - {type: area, oneOf: [jp_12, jp_48], gte: age_20}
  old: {type: age, gte: age_40, lt: age_20}
  both: {type: operator, and: [{type: appType, oneOf: [ios]}], or: []}
  empty: {type: subscriptionPeriod}
  many:
    type: operator
    or: [{type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]},
         {type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]},
         {type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]}, {type: appType, oneOf: [ios]},
         {type: appType, oneOf: [ios]}, {type: appType, oneOf: [android]}]
",
    );
    insta::assert_snapshot!(errors(&[("_index.md", &account), ("s/p.md", &page("", "本文\n"))]));
}

#[test]
fn notify_and_audiences_only_where_they_apply() {
    let account = "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\nnotify: {at: 2026-12-05T09:00:00+09:00}\n---\nようこそ。\n";
    insta::assert_snapshot!(errors(&[
        ("_index.md", account),
        ("s/p.md", &page("audiences:\n  a: {type: appType, oneOf: [ios]}\n", "本文\n")),
        ("t/_index.md", "---\ntitle: T\nnotify: {at: 2026-12-05T09:00:00+09:00}\n---\n"),
        ("t/q.md", &page("", "本文\n")),
    ]));
}

#[test]
fn survey_bad_values() {
    let long = "あ".repeat(41);
    let fm = format!(
        "survey:\n  id: Manzoku_2026\n  question: \"\"\n  choices: [はい, はい, {long}]\n  satisfied: [はい, いいえ]\n  followup: \"\"\n"
    );
    insta::assert_snapshot!(errors(&[("s/p.md", &page(&fm, "本文\n"))]));
}

#[test]
fn survey_with_one_choice_and_an_unknown_key() {
    insta::assert_snapshot!(errors(&[
        (
            "s/a.md",
            &page("survey:\n  id: a\n  question: 質問\n  choices: [はい]\n  satisfied: []\n", "")
        ),
        (
            "s/b.md",
            "---\ntitle: B\nsurvey: {id: b, question: q, choices: [x, z], satisfied: [x], thanks: t}\n---\n本文\n"
        ),
    ]));
}

#[test]
fn survey_ids_must_be_unique() {
    let survey = |title: &str| {
        format!(
            "---\ntitle: {title}\nsurvey:\n  id: manzokudo\n  question: 質問\n  choices: [はい, いいえ]\n  satisfied: [はい]\n---\n"
        )
    };
    insta::assert_snapshot!(errors(&[("s/a.md", &survey("A")), ("s/b.md", &survey("B"))]));
}

#[test]
fn survey_only_on_pages() {
    let account = "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\nsurvey: {id: a, question: q, choices: [x, z], satisfied: [x]}\n---\nようこそ。\n";
    insta::assert_snapshot!(errors(&[
        ("_index.md", account),
        ("s/p.md", &page("", "本文\n")),
        (
            "t/_index.md",
            "---\ntitle: T\nsurvey: {id: b, question: q, choices: [x, z], satisfied: [x]}\n---\n"
        ),
        ("t/q.md", &page("", "本文\n")),
    ]));
}

/// An account with `extra` front matter lines (line_id, promo, summary) and one page.
fn promo_site(extra: &str) -> Site {
    let account = format!(
        "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\n{extra}---\nようこそ。\n"
    );
    Site::new(&[
        ("_index.md", &account),
        ("s/p.md", &page("keywords: [けんしん, BCG]\n", "本文\n")),
    ])
}

#[test]
fn promo_bad_line_id_and_channels() {
    insta::assert_snapshot!(
        promo_site(
            "summary: 子育ての情報が届きます
line_id: 216ruxyz
promo:
  - {id: Boshi_Techo, label: 母子手帳の交付窓口}
  - {id: kenshin, label: 4か月児健診}
  - {id: kenshin, label: 1歳6か月児健診}
  - {id: other, label: その他の場所}
  - {id: center, label: 子育て支援センターの掲示板と受付カウンター}
  - {id: web, label: 市のホームページ, code: KENSHIN}
  - {id: kouhou, label: 広報あさひ, code: \"広報\"}
"
        )
        .errors()
    );
}

#[test]
fn promo_line_id_forms_staff_paste() {
    for (line_id, want) in [
        ("\"https://line.me/R/ti/p/%40216ruxyz\"", "URL"),
        ("\"＠216ruxyz\"", "全角"),
        ("\"%40216ruxyz\"", "%40"),
        ("\"@216 ruxyz\"", "LINE ID の形"),
    ] {
        let errors = promo_site(&format!("line_id: {line_id}\n")).errors();
        assert!(errors.starts_with("content/_index.md:4:10: エラー: line_id"), "{errors}");
        assert!(errors.contains(want), "{line_id}: {errors}");
    }
}

#[test]
fn promo_unquoted_line_id_and_unknown_channel_key() {
    insta::assert_snapshot!(promo_site("line_id: @216ruxyz\n").errors());
    insta::assert_snapshot!(
        promo_site(
            "summary: 届きます\nline_id: \"@216ruxyz\"\npromo:\n  - {id: techo, lable: 母子手帳}\n"
        )
        .errors()
    );
}

#[test]
fn promo_needs_line_id_summary_and_few_channels() {
    let channels: String =
        (1..=12).map(|i| format!("  - {{id: c{i}, label: 場所{i}}}\n")).collect();
    insta::assert_snapshot!(promo_site(&format!("promo:\n{channels}")).errors());
    insta::assert_snapshot!(
        promo_site("line_id: \"@216ruxyz\"\npromo:\n  - {id: techo, label: 母子手帳}\n").errors()
    );
    let page_with_promo = page("line_id: \"@216ruxyz\"\n", "本文\n");
    insta::assert_snapshot!(errors(&[("s/q.md", &page_with_promo)]));
}

#[test]
fn promo_text_that_cannot_be_printed() {
    let account = |title: &str, summary: &str| {
        format!(
            "---\ntitle: {title}\nsummary: {summary}\nfallback: みつかりませんでした。\nline_id: \"@216ruxyz\"\npromo:\n  - {{id: techo, label: 母子手帳}}\n---\nようこそ。\n"
        )
    };
    let p = page("", "本文\n");
    insta::assert_snapshot!(errors(&[
        ("_index.md", &account("子育て😀LINE", "届きます🎉")),
        ("s/p.md", &p)
    ]));
    insta::assert_snapshot!(errors(&[
        ("_index.md", &account("子育てLINE", "ASAHIKOSODATEOUENLINEASAHIKOSODATE")),
        ("s/p.md", &p)
    ]));
}

#[test]
fn schedule_impossible_dates_reversed_ranges_and_rules_that_never_happen() {
    let fm = "schedule:
  hours: \"17:15〜8:30\"
  open: [月, 火, 水, 木, 金]
  closed: [祝日, 2027-02-30, \"2027-01-03〜2026-12-29\"]
  programmes:
    - {name: ひろば, time: \"9:30〜11:30\", weekly: [火, 木]}
    - {name: 土曜ひろば, weekly: [土]}
    - {name: 身体測定, monthly: 第5月, from: 2027-02-01, until: 2027-02-28}
    - {name: 誕生会, dates: [2027-01-11]}
  changes:
    - {date: 2026-12-02, programme: ひろば, time: \"13:00〜15:00\"}
";
    insta::assert_snapshot!(errors(&[("s/center.md", &page(fm, "本文\n"))]));
}

#[test]
fn schedule_only_on_pages_and_sections() {
    let account = "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\nschedule: {open: [月]}\n---\nようこそ。\n";
    insta::assert_snapshot!(errors(&[
        ("_index.md", account),
        ("s/p.md", &page("schedule: {open: [月], colsed: [祝日]}\n", "本文\n")),
    ]));
}

#[test]
fn timed_entries_are_checked_one_by_one() {
    insta::assert_snapshot!(errors(&[
        ("s/a.md", &page("timed: {from: mother, at: 4m}\n", "本文\n")),
        (
            "s/b.md",
            &page(
                "timed:\n  - {from: birth, at: 4x}\n  - {from: birth, at: 4m, until: 3m}\n",
                "本文\n"
            )
        ),
        (
            "s/c.md",
            &page(
                "timed:\n  - {from: due, at: -50w}\n  - {from: due, at: 4w}\n  - {from: birth, at: 8y}\n",
                "本文\n"
            )
        ),
        (
            "s/d.md",
            &page(
                "timed:\n  - {from: birth, at: 4m}\n  - {from: birth, at: 4m, label: もうすぐ}\n  - {from: birth, at: 5m, lable: x}\n",
                "本文\n"
            )
        ),
    ]));
}

#[test]
fn timed_and_menu_only_on_pages() {
    insta::assert_snapshot!(errors(&[
        ("s/_index.md", "---\ntitle: S\ntimed: {from: birth, at: 4m}\nmenu: false\n---\n"),
        ("s/p.md", &page("", "本文\n")),
    ]));
}

#[test]
fn timed_texts_with_bad_links() {
    insta::assert_snapshot!(errors(&[
        ("s/p.md", &page("timed: {from: birth, at: 4m}\n", "本文\n")),
        ("_timed/consent.md", "---\ntitle: 確認\nlinks:\n  - {label: 電話, tel: 119}\n---\n本文\n"),
    ]));
}

#[test]
fn promo_code_that_is_also_a_search_word() {
    insta::assert_snapshot!(
        promo_site(
            "summary: 届きます\nline_id: \"@216ruxyz\"\npromo:\n  - {id: kenshin, label: 健診, code: bcg}\n  - {id: menu, label: 窓口}\n"
        )
        .errors()
    );
}
