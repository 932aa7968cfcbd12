//! Promotion end to end: `line_id:` and `promo:` in a content tree → the bundle's channels and
//! the printables under `dist/promo/`, read back with a real QR decoder and a real PDF reader.
//! Bad content is covered in `errors.rs`.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Site, page};
use serde_json::{Value, json};

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

/// Builds the test site into its `dist/` and returns `dist/promo/`.
fn built() -> (Site, PathBuf) {
    let site = site();
    compiler::build(&site.options()).unwrap_or_else(|d| panic!("{d}"));
    let dir = site.out().join("promo");
    (site, dir)
}

const URL: &str = "https://line.me/R/ti/p/%40216ruxyz";
const CHANNELS: [&str; 2] = ["boshi-techo", "kenshin-4m"];

/// Every printable: (PNG, its PDF, dpi).
fn printables(dir: &Path) -> Vec<(PathBuf, PathBuf, u32)> {
    CHANNELS
        .iter()
        .flat_map(|c| [(format!("{c}-poster"), 200), (format!("{c}-card"), 300)])
        .map(|(name, dpi)| (dir.join(format!("{name}.png")), dir.join(format!("{name}.pdf")), dpi))
        .collect()
}

/// A decoded PNG: width, height, grey pixels, and its pHYs resolution in dots per inch.
struct Grey {
    w: usize,
    h: usize,
    luma: Vec<u8>,
    dpi: Option<f64>,
}

fn read_png(path: &Path) -> Grey {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::BufReader::new(file)).read_info().unwrap();
    let dpi = reader.info().pixel_dims.filter(|d| d.unit == png::Unit::Meter).map(|d| {
        assert_eq!(d.xppu, d.yppu, "square pixels");
        f64::from(d.xppu) * 0.0254
    });
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = info.color_type.samples();
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let luma = buf[..info.buffer_size()]
        .chunks_exact(channels)
        .map(|p| match channels {
            1 | 2 => p[0],
            _ => {
                ((u32::from(p[0]) * 299 + u32::from(p[1]) * 587 + u32::from(p[2]) * 114) / 1000)
                    as u8
            }
        })
        .collect();
    Grey { w: info.width as usize, h: info.height as usize, luma, dpi }
}

/// Every QR code a real decoder (rqrr, a port of quirc) finds in the image.
fn decode(img: &Grey) -> Vec<String> {
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(img.w, img.h, |x, y| img.luma[y * img.w + x]);
    prepared
        .detect_grids()
        .iter()
        .map(|g| g.decode().map(|(_, text)| text).unwrap_or_else(|e| format!("error: {e}")))
        .collect()
}

#[test]
fn every_channel_gets_a_poster_a_card_and_the_snippet() {
    let (_site, dir) = built();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "boshi-techo-card.pdf",
            "boshi-techo-card.png",
            "boshi-techo-poster.pdf",
            "boshi-techo-poster.png",
            "index.html",
            "kenshin-4m-card.pdf",
            "kenshin-4m-card.png",
            "kenshin-4m-poster.pdf",
            "kenshin-4m-poster.png",
            "snippet.html",
        ]
    );
    let index = std::fs::read_to_string(dir.join("index.html")).unwrap();
    for name in names.iter().filter(|n| n.ends_with(".pdf") || n.ends_with(".png")) {
        assert!(index.contains(&format!("href=\"{name}\"")), "index links {name}");
    }
    assert!(index.contains("母子手帳の交付窓口") && index.contains(URL));
}

#[test]
fn every_png_qr_decodes_to_the_add_friend_url() {
    let (_site, dir) = built();
    for (png, _, dpi) in printables(&dir) {
        let img = read_png(&png);
        assert_eq!(decode(&img), [URL], "{}", png.display());
        let recorded = img.dpi.expect("pHYs");
        assert!((recorded - f64::from(dpi)).abs() < 0.01, "{}: {recorded} dpi", png.display());
    }
}

/// The snippet's QR code is an SVG path of `M{x} {y}h{n}v1h-{n}z` runs: drawn module by module
/// at 8 pixels per module and read back by the decoder.
#[test]
fn the_snippet_qr_decodes_too() {
    let (_site, dir) = built();
    let html = std::fs::read_to_string(dir.join("snippet.html")).unwrap();
    assert!(html.contains(&format!("href=\"{URL}\"")), "{html}");
    let view = html.split("viewBox=\"0 0 ").nth(1).unwrap();
    let n: usize = view.split(' ').next().unwrap().parse().unwrap();
    let path = html.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
    const K: usize = 8;
    let mut luma = vec![255u8; n * K * n * K];
    for run in path.split('z').filter(|r| !r.is_empty()) {
        let (pos, rest) = run.trim_start_matches('M').split_once('h').unwrap();
        let (x, y) = pos.split_once(' ').unwrap();
        let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
        let len: usize = rest.split('v').next().unwrap().parse().unwrap();
        for py in y * K..(y + 1) * K {
            luma[py * n * K + x * K..py * n * K + (x + len) * K].fill(0);
        }
    }
    let img = Grey { w: n * K, h: n * K, luma, dpi: None };
    assert_eq!(decode(&img), [URL]);
}

#[test]
fn builds_are_byte_identical() {
    let (_a, dir_a) = built();
    let (_b, dir_b) = built();
    for entry in std::fs::read_dir(&dir_a).unwrap() {
        let name = entry.unwrap().file_name();
        let (a, b) =
            (std::fs::read(dir_a.join(&name)).unwrap(), std::fs::read(dir_b.join(&name)).unwrap());
        assert!(a == b, "{name:?} differs between builds");
    }
}

/// A command-line tool, when installed; `bash .ci/run` installs poppler-utils and zbar-tools
/// and sets `OYAKO_REQUIRE_PRINT_TOOLS`, which turns a missing tool into a failure.
fn tool(name: &str) -> Option<&str> {
    let found = Command::new(name).arg("-v").output().is_ok();
    if !found && std::env::var_os("OYAKO_REQUIRE_PRINT_TOOLS").is_some() {
        panic!("{name} is required (OYAKO_REQUIRE_PRINT_TOOLS is set) but not installed");
    }
    if !found {
        eprintln!(
            "note: {name} not installed; skipping its checks (apt-get install poppler-utils zbar-tools)"
        );
    }
    found.then_some(name)
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(out.status.success(), "{cmd:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `Page size: 595.276 x 841.89 pts (A4)` → (595.276, 841.89).
fn page_size_pt(pdfinfo: &str) -> (f64, f64) {
    let line = pdfinfo.lines().find(|l| l.starts_with("Page size:")).expect("page size");
    let mut nums = line.split_whitespace().filter_map(|w| w.parse::<f64>().ok());
    (nums.next().unwrap(), nums.next().unwrap())
}

#[test]
fn pdfs_open_in_poppler_match_their_pngs_and_their_qr_decodes() {
    let (site, dir) = built();
    let Some(pdfinfo) = tool("pdfinfo") else { return };
    let pdftoppm = tool("pdftoppm");
    let zbarimg = tool("zbarimg");
    for (png, pdf, dpi) in printables(&dir) {
        let info = run(Command::new(pdfinfo).arg(&pdf));
        assert!(info.contains("Pages:           1"), "{info}");
        let (w_pt, h_pt) = page_size_pt(&info);
        let img = read_png(&png);
        let px = |pt: f64| pt / 72.0 * f64::from(dpi);
        assert!(
            (px(w_pt) - img.w as f64).abs() <= 1.0,
            "{}: {w_pt} pt vs {} px",
            pdf.display(),
            img.w
        );
        assert!(
            (px(h_pt) - img.h as f64).abs() <= 1.0,
            "{}: {h_pt} pt vs {} px",
            pdf.display(),
            img.h
        );
        if pdf.to_string_lossy().ends_with("poster.pdf") {
            assert!(info.contains("(A4)"), "{info}");
        }
        let fonts = run(Command::new("pdffonts").arg(&pdf));
        assert!(fonts.contains("IPAexGothic") && fonts.contains("CID TrueType"), "{fonts}");
        let text = run(Command::new("pdftotext").arg(&pdf).arg("-"));
        assert!(text.contains("子育て") && text.contains("@216ruxyz"), "{text}");
        if let Some(pdftoppm) = pdftoppm {
            let prefix = site.dir.path().join("page");
            run(Command::new(pdftoppm)
                .args(["-r", "300", "-png", "-singlefile"])
                .arg(&pdf)
                .arg(&prefix));
            let page = prefix.with_extension("png");
            assert_eq!(decode(&read_png(&page)), [URL], "{} rendered by pdftoppm", pdf.display());
            if let Some(zbarimg) = zbarimg {
                for image in [&page, &png] {
                    let found = run(Command::new(zbarimg).args(["-q", "--raw"]).arg(image));
                    assert_eq!(found.trim(), URL, "zbarimg {}", image.display());
                }
            }
        }
    }
}

const SHARE: &str = "https://line.me/R/nv/recommendOA/%40216ruxyz";

fn uris(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) if m.get("type") == Some(&json!("uri")) => {
            m.get("uri").and_then(Value::as_str).map(String::from).into_iter().collect()
        }
        Value::Object(m) => m.values().flat_map(uris).collect(),
        Value::Array(a) => a.iter().flat_map(uris).collect(),
        _ => Vec::new(),
    }
}

#[test]
fn new_friends_are_asked_where_they_heard_of_the_account() {
    let b = site().bundle();
    let follow = common::checked_messages(&b, "follow");
    let messages = follow.as_array().unwrap();
    let question = messages.last().unwrap();
    assert_eq!(question["type"], "text");
    assert!(question["text"].as_str().unwrap().contains("この LINE をどこで知りましたか？"));
    let items: Vec<(&str, &str, &str)> = question["quickReply"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            let a = &i["action"];
            (
                a["label"].as_str().unwrap(),
                a["data"].as_str().unwrap(),
                a["displayText"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        items,
        [
            ("母子手帳の交付窓口", "promo:boshi-techo", "母子手帳の交付窓口"),
            ("4か月児健診", "promo:kenshin-4m", "4か月児健診"),
            ("その他", "promo:other", "その他"),
            ("答えない", "promo:none", "答えない"),
        ]
    );
    // Every answer has a reply that passes LINE's rules, with the top menu's quick reply.
    for (_, data, _) in &items {
        let reply = common::checked_messages(&b, data);
        assert!(
            reply[0]["quickReply"]["items"].as_array().is_some_and(|i| !i.is_empty()),
            "{data}"
        );
    }
    // The welcome carries the share button once; the menu inside the follow reply does not
    // repeat it.
    assert_eq!(uris(&follow), [SHARE]);
    assert_eq!(uris(&messages[0]), [SHARE], "share button in the welcome bubble");
    // A friend who unblocks gets the welcome without the question.
    let unblocked = b.messages_value(b.special.unblocked.as_ref().expect("unblocked reply"));
    common::assert_line_valid(&unblocked);
    assert_eq!(unblocked.as_array().unwrap().len(), messages.len() - 1);
    assert_eq!(unblocked[0], messages[0]);
}

#[test]
fn the_top_menu_has_the_share_button_and_codes_are_keywords() {
    let b = site().bundle();
    let menu = common::checked_messages(&b, "menu:");
    assert_eq!(uris(&menu), [SHARE, SHARE], "card body and button of the share card");
    assert_eq!(b.keywords.get("a1").map(String::as_str), Some("promo:boshi-techo"));
    assert_eq!(b.keywords.get("kenshin4m").map(String::as_str), Some("promo:kenshin-4m"));
}

#[test]
fn without_channels_nothing_is_asked_but_the_share_button_stays() {
    let account = ACCOUNT.split("promo:").next().unwrap().to_string() + "---\nようこそ。\n";
    let b = Site::new(&[("_index.md", &account), ("s/p.md", &page("", "本文\n"))]).bundle();
    let follow = common::checked_messages(&b, "follow");
    assert!(
        follow
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m.get("quickReply").is_none_or(|q| { !q.to_string().contains("promo:") }))
    );
    assert!(b.special.unblocked.is_none());
    assert_eq!(uris(&follow), [SHARE]);
    assert!(b.postbacks.keys().all(|k| !k.starts_with("promo:")));
}
