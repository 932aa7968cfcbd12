use super::*;

fn words() -> sheet::Words<'static> {
    sheet::Words {
        title: "旭市 子育て応援LINE",
        summary: "妊娠・出産・子育ての情報が LINE に届きます",
        line_id: "@216ruxyz",
        code: "A1",
    }
}

#[test]
fn pdfs_and_pngs_are_deterministic() {
    let qr = qr::Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
    let s = sheet::card(words(), &qr).unwrap();
    assert_eq!(pdf::pdf(&s, &qr, "t").unwrap(), pdf::pdf(&s, &qr, "t").unwrap());
    assert_eq!(raster::png(&s, &qr, 300), raster::png(&s, &qr, 300));
    // The document ID and subset tag follow what is drawn.
    let other = sheet::card(sheet::Words { code: "A2", ..words() }, &qr).unwrap();
    assert_ne!(pdf::pdf(&s, &qr, "t").unwrap(), pdf::pdf(&other, &qr, "t").unwrap());
}

#[test]
fn png_size_is_the_sheet_size_at_its_dpi() {
    let qr = qr::Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
    let s = sheet::card(words(), &qr).unwrap();
    assert_eq!(raster::size(&s, 300), (1075, 650));
    let p = sheet::poster(words(), &qr).unwrap();
    assert_eq!(raster::size(&p, POSTER_DPI), (1654, 2339));
}

#[test]
fn key_positions_point_at_values() {
    let text = "---\ntitle: 旭市\nsummary:  届きます\n---\n本文 title: x\n";
    assert_eq!(key_pos(text, "title"), (2, 8));
    assert_eq!(key_pos(text, "summary"), (3, 11));
    assert_eq!(key_pos(text, "nothing"), (1, 1));
}

#[test]
fn the_pdf_font_metrics_are_upright() {
    let qr = qr::Matrix::encode("https://line.me/R/ti/p/%40216ruxyz").unwrap();
    let s = sheet::card(words(), &qr).unwrap();
    let pdf = pdf::pdf(&s, &qr, "t").unwrap();
    let text = String::from_utf8_lossy(&pdf);
    let numbers = |key: &str| -> Vec<f32> {
        let at = text.find(key).unwrap_or_else(|| panic!("{key} missing")) + key.len();
        let rest = text[at..].trim_start().trim_start_matches('[');
        rest.split([' ', ']', '/', '\n']).filter_map(|n| n.parse().ok()).take(4).collect()
    };
    let bbox = numbers("/FontBBox");
    assert!(bbox[1] < 0.0 && bbox[3] > 700.0, "descender below, ascender above: {bbox:?}");
    let cap = numbers("/CapHeight")[0];
    assert!((600.0..800.0).contains(&cap), "cap height {cap}");
}
