//! The rich menu end to end: `richmenu:` in a content tree → actions, tabs, files under
//! `dist/richmenu/` and the bundle entry, each request checked against LINE's OpenAPI schema
//! (`RichMenuRequest`) and limits. Bad content is covered in `errors.rs`.

mod common;

use std::path::{Path, PathBuf};

use bundle::{self, RichMenuBundle, RichMenuEntry};
use common::{Site, page};
use serde_json::{Value, json};
use tiny_skia::{Color, Paint, PathBuilder, Pixmap, Transform};

/// `content/_index.md` with `richmenu` (indented YAML lines, each ending in a newline).
fn account(richmenu: &str) -> String {
    format!(
        "---\ntitle: テスト市 子育てLINE\nfallback: みつかりませんでした。\nrichmenu:\n{richmenu}---\nようこそ。\n"
    )
}

/// A site with sections `s` (page `s/p`) and `kenshin` (page `kenshin/yobou`) and the menu.
fn site(richmenu: &str) -> Site {
    Site::new(&[
        ("_index.md", &account(richmenu)),
        ("s/p.md", &page("", "本文\n")),
        ("kenshin/_index.md", "---\ntitle: 健診・予防接種\n---\n"),
        ("kenshin/yobou.md", "---\ntitle: 予防接種の受け方\n---\n本文\n"),
    ])
}

fn menus(site: &Site) -> RichMenuBundle {
    site.bundle().richmenu.expect("the bundle has a rich menu")
}

/// Asserts a request passes LINE's OpenAPI schema and our limits.
fn assert_line_valid(entry: &RichMenuEntry) {
    let problems = openapi::problems("RichMenuRequest", &entry.request);
    assert!(problems.is_empty(), "{}: schema problems {problems:#?}", entry.alias);
    let violations = compiler::check_richmenu_request(&entry.request);
    assert!(violations.is_empty(), "{}: {violations:#?}", entry.alias);
}

fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be = |i: usize| u32::from_be_bytes(bytes[i..i + 4].try_into().unwrap());
    (be(16), be(20))
}

const SIX: &str = "  chat_bar: メニューを開く
  areas:
    - {label: 予防接種, target: kenshin/yobou}
    - {label: 健診, target: kenshin}
    - {label: テスト, target: s/p.md}
    - {label: 市のサイト, target: \"https://www.city.example.jp/\"}
    - {label: 救急相談, target: \"tel:#8000\"}
    - {label: セクション, target: /s/}
";

#[test]
fn each_kind_of_target_becomes_the_right_action() {
    let m = menus(&site(SIX));
    assert_eq!(m.default_alias, "oyako-main");
    assert_eq!(m.menus.len(), 1);
    let e = &m.menus[0];
    assert_line_valid(e);
    assert_eq!(e.request["chatBarText"], "メニューを開く");
    assert_eq!(e.request["selected"], true);
    assert_eq!(e.request["size"], json!({"width": 2500, "height": 1686}));
    let actions: Vec<&Value> =
        e.request["areas"].as_array().unwrap().iter().map(|a| &a["action"]).collect();
    assert_eq!(
        actions[0],
        &json!({"type": "postback", "label": "予防接種", "data": "page:kenshin/yobou", "displayText": "予防接種の受け方"})
    );
    assert_eq!(
        actions[1],
        &json!({"type": "postback", "label": "健診", "data": "menu:kenshin", "displayText": "健診・予防接種"})
    );
    assert_eq!(actions[2]["data"], "page:s/p");
    assert_eq!(
        actions[3],
        &json!({"type": "uri", "label": "市のサイト", "uri": "https://www.city.example.jp/"})
    );
    assert_eq!(actions[4], &json!({"type": "uri", "label": "救急相談", "uri": "tel:%238000"}));
    assert_eq!(actions[5]["data"], "menu:s");
    // Every postback the menu sends has a reply in the bundle.
    let b = site(SIX).bundle();
    for a in actions.iter().filter(|a| a["type"] == "postback") {
        assert!(b.postbacks.contains_key(a["data"].as_str().unwrap()), "{a}");
    }
}

#[test]
fn tabs_switch_through_aliases() {
    let m = menus(&site(
        "  size: compact
  chat_bar: メニュー
  areas:
    - {label: ホーム, target: tab:main}
    - {label: 健診, target: kenshin}
    - {label: 手続き, target: tab:tetsuzuki}
  columns: 3
  rows: 1
  tabs:
    tetsuzuki:
      chat_bar: 手続きメニュー
      rows: 1
      areas:
        - {label: ホーム, target: tab:main}
        - {label: 予防接種, target: kenshin/yobou}
        - {label: 手続き, target: tab:tetsuzuki}
",
    ));
    let aliases: Vec<&str> = m.menus.iter().map(|e| e.alias.as_str()).collect();
    assert_eq!(aliases, ["oyako-main", "oyako-tetsuzuki"]);
    let tabs: Vec<&str> = m.menus.iter().map(|e| e.tab.as_str()).collect();
    assert_eq!(tabs, ["main", "tetsuzuki"]);
    for e in &m.menus {
        assert_line_valid(e);
        assert_eq!(e.request["size"], json!({"width": 2500, "height": 843}));
        assert_eq!(e.request["areas"][0]["action"]["richMenuAliasId"], "oyako-main");
    }
    assert_eq!(
        m.menus[0].request["areas"][2]["action"],
        json!({"type": "richmenuswitch", "label": "手続き", "richMenuAliasId": "oyako-tetsuzuki", "data": "tab:tetsuzuki"})
    );
    assert_eq!(m.menus[0].request["chatBarText"], "メニュー");
    assert_eq!(m.menus[1].request["chatBarText"], "手続きメニュー");
    // Names carry the hash, so a deploy step can tell which menus already exist.
    for e in &m.menus {
        let name = e.request["name"].as_str().unwrap();
        assert_eq!(name, format!("{} {}", e.alias, &e.hash[..16]));
    }
    assert_ne!(m.menus[0].hash, m.menus[1].hash);
}

#[test]
fn files_are_written_under_richmenu_and_the_bundle_lists_them() {
    let s = site(SIX);
    compiler::build(&s.options()).unwrap_or_else(|d| panic!("{d}"));
    let b = bundle::load(&s.out()).expect("bundle loads");
    let m = b.richmenu.expect("richmenu survives the round trip");
    let e = &m.menus[0];
    assert_eq!(e.image, "richmenu/oyako-main.png");
    assert_eq!(e.image_type, "image/png");
    let json: Value =
        serde_json::from_slice(&std::fs::read(s.out().join("richmenu/oyako-main.json")).unwrap())
            .unwrap();
    assert_eq!(json, e.request, "the JSON file is the request in the bundle");
    let png = std::fs::read(s.out().join(&e.image)).unwrap();
    assert_eq!(png_size(&png), (2500, 1686));
    assert!(png.len() <= bundle::limits::MAX_IMAGE_BYTES, "{} bytes", png.len());
    assert!(compiler::check_richmenu_image(&png, (2500, 1686)).is_empty());
}

fn files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn two_builds_are_byte_identical() {
    let s = site(SIX);
    let mut opts = s.options();
    compiler::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let first = files(&s.out());
    opts.out_dir = s.dir.path().join("dist2");
    compiler::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let second = files(&opts.out_dir);
    let names: Vec<_> = first.iter().map(|(p, _)| p.display().to_string()).collect();
    assert!(names.contains(&"richmenu/oyako-main.png".to_string()), "{names:?}");
    assert!(first == second, "builds differ");
}

/// A solid PNG of the given size, as staff would export it.
fn solid_png(w: u32, h: u32) -> Vec<u8> {
    let mut pm = Pixmap::new(w, h).unwrap();
    pm.fill(Color::from_rgba8(200, 230, 250, 255));
    pm.encode_png().unwrap()
}

#[test]
fn a_supplied_image_is_used_as_it_is() {
    let s = site(
        "  size: compact\n  image: assets/menu.png\n  rows: 1\n  areas:\n    - {label: 健診, target: kenshin}\n",
    );
    let png = solid_png(2500, 843);
    s.write_bytes("assets/menu.png", &png);
    compiler::build(&s.options()).unwrap_or_else(|d| panic!("{d}"));
    let m = bundle::load(&s.out()).unwrap().richmenu.unwrap();
    assert_eq!(std::fs::read(s.out().join(&m.menus[0].image)).unwrap(), png);
    assert_eq!(
        m.menus[0].request["areas"][0]["bounds"],
        json!({"x": 0, "y": 0, "width": 2500, "height": 843})
    );
}

/// A round orange icon on a transparent background.
fn icon_png() -> Vec<u8> {
    let mut pm = Pixmap::new(200, 200).unwrap();
    let mut paint = Paint::default();
    paint.set_color(Color::from_rgba8(0xff, 0x80, 0x00, 255));
    let circle = PathBuilder::from_circle(100.0, 100.0, 90.0).unwrap();
    pm.fill_path(&circle, &paint, tiny_skia::FillRule::Winding, Transform::identity(), None);
    pm.encode_png().unwrap()
}

#[test]
fn icons_are_drawn_above_their_labels() {
    let s = site(
        "  areas:\n    - {label: 健診, icon: assets/icon.png, target: kenshin}\n    - {label: テスト, target: s}\n  rows: 1\n  columns: 2\n  size: compact\n",
    );
    s.write_bytes("assets/icon.png", &icon_png());
    compiler::build(&s.options()).unwrap_or_else(|d| panic!("{d}"));
    let png = std::fs::read(s.out().join("richmenu/oyako-main.png")).unwrap();
    if let Ok(dir) = std::env::var("OYAKO_RICHMENU_SAMPLE_DIR") {
        std::fs::write(Path::new(&dir).join("icon-menu.png"), &png).unwrap();
    }
    let pm = Pixmap::decode_png(&png).unwrap();
    let orange = |x: u32, y: u32| {
        let p = pm.pixel(x, y).unwrap();
        p.red() > 240 && (110..150).contains(&p.green()) && p.blue() < 20
    };
    let dark = |x: u32, y: u32| pm.pixel(x, y).unwrap().red() < 80;
    let rows: Vec<u32> = (0..843).filter(|&y| (0..1250).any(|x| orange(x, y))).collect();
    let ink: Vec<u32> = (0..843).filter(|&y| (0..1250).any(|x| dark(x, y))).collect();
    assert!(rows.len() > 150, "the icon is drawn big in the first cell: {} rows", rows.len());
    assert!(rows[rows.len() / 2] < 843 / 2, "the icon is in the upper half");
    assert!(ink[0] > *rows.last().unwrap(), "the label is below the icon");
    assert!(!(0..843).any(|y| (1250..2500).any(|x| orange(x, y))), "only in its own cell");
}

#[test]
fn the_sample_menu_opens_each_top_section() {
    let out = tempfile::tempdir().unwrap();
    let opts = compiler::BuildOptions {
        content_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content"),
        out_dir: out.path().join("dist"),
        today: common::TODAY.parse().unwrap(),
    };
    compiler::build(&opts).unwrap_or_else(|d| panic!("{d}"));
    let b = bundle::load(&opts.out_dir).unwrap();
    let m = b.richmenu.as_ref().expect("content/_index.md defines a rich menu");
    let e = &m.menus[0];
    assert_line_valid(e);
    let data: Vec<&str> = e.request["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"]["data"].as_str().unwrap())
        .collect();
    assert_eq!(
        data,
        [
            "menu:ninshin",
            "menu:kenshin",
            "menu:shien-center",
            "menu:teate",
            "menu:soudan",
            "menu:events"
        ]
    );
    for d in data {
        assert!(b.postbacks.contains_key(d), "{d} has a reply");
    }
    let png = std::fs::read(opts.out_dir.join(&e.image)).unwrap();
    assert_eq!(png_size(&png), (2500, 1686));
    assert!(png.len() <= bundle::limits::MAX_IMAGE_BYTES);
    if let Ok(dir) = std::env::var("OYAKO_RICHMENU_SAMPLE_DIR") {
        std::fs::write(Path::new(&dir).join("sample-menu.png"), &png).unwrap();
    }
}

#[test]
fn no_richmenu_means_no_field_and_no_files() {
    let s = Site::new(&[("s/p.md", &page("", "本文\n"))]);
    compiler::build(&s.options()).unwrap_or_else(|d| panic!("{d}"));
    let manifest = std::fs::read_to_string(s.out().join(bundle::MANIFEST)).unwrap();
    assert!(!manifest.contains("\"richmenu\""));
    assert!(!s.out().join("richmenu").exists());
    assert!(bundle::load(&s.out()).unwrap().richmenu.is_none());
}
