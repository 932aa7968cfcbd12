//! Fixture sites under `tests/fixtures/<name>/`, each a whole `content/` directory with one
//! kind of mistake (and `many_mistakes` with many kinds in many files): the exact diagnostics
//! staff see — file, line, column, Japanese text and hint — are snapshotted, followed by
//! whether the build failed.
//!
//! A fixture directory without a test here fails `every_fixture_has_a_test`, so a new fixture
//! cannot be forgotten.

mod common;

use std::path::{Path, PathBuf};

/// The fixtures, one test each.
macro_rules! fixtures {
    ($($name:ident),* $(,)?) => {
        const NAMES: &[&str] = &[$(stringify!($name)),*];
        $(
            #[test]
            fn $name() {
                insta::assert_snapshot!(stringify!($name), check(stringify!($name)));
            }
        )*
    };
}

fixtures! {
    many_mistakes,
    yaml_unknown_nested_key,
    yaml_wrong_kind_of_value,
    yaml_missing_required_key,
    yaml_unclosed_bracket,
    yaml_key_written_twice,
    limit_table_too_large,
    limit_paragraph_too_large,
    limit_list_too_deep,
    limit_link_url_too_long,
    limit_front_link_url_too_long,
    limit_image_url_too_long,
    limit_page_too_long,
    limit_summary_too_long_for_the_menu,
    intro_broken_link,
    intro_too_long,
    a11y_image_without_alt,
    a11y_image_with_a_word_that_says_nothing,
    a11y_page_image_without_image_alt,
    a11y_link_text_says_not_where,
    a11y_link_text_is_an_address,
    a11y_link_text_cut_on_its_button,
    a11y_alt_text_says_nothing,
    a11y_alt_text_shared_by_two_pages,
    a11y_richmenu_label_says_not_where,
    a11y_low_contrast_in_a_template_override,
    a11y_low_contrast_in_the_search_card,
    plain_long_sentence,
    plain_date_without_weekday,
    plain_wrong_weekday,
}

fn dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// Every diagnostic of checking fixture `name` (shown as `content/…`), then the outcome.
fn check(name: &str) -> String {
    let content = dir(name);
    let opts = compiler::BuildOptions {
        content_dir: content.clone(),
        out_dir: std::env::temp_dir().join("oyako-fixture-unused"),
        today: common::TODAY.parse().expect("date"),
    };
    let (diags, outcome) = match compiler::check(&opts) {
        Ok(report) => (report.warnings, "ビルド成功"),
        Err(d) => (d, "ビルド失敗"),
    };
    let text = diags.to_string().replace(&format!("{}/", content.display()), "content/");
    format!("{text}（{outcome}）\n")
}

#[test]
fn every_fixture_has_a_test() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut on_disk: Vec<String> = std::fs::read_dir(root)
        .expect("fixtures dir")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = NAMES.iter().map(|s| s.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "every fixture directory needs a line in fixtures! {{ … }}");
}
