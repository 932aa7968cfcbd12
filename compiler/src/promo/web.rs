//! HTML for people, not LINE: the snippet the city pastes into its website (an add-friend
//! button and the QR code as inline SVG, no files or scripts to host), and `index.html`, the
//! staff's overview of every printable (opened from `oyako dev` and the preview).
//!
//! Everything from content goes through [`esc`](crate::html::esc).

use std::fmt::Write as _;

use super::Printable;
use super::qr::Matrix;
use crate::html::esc;
use crate::spec::promo::Promo;

/// The QR code as an SVG element, `px` CSS pixels wide, one user unit per module.
pub fn qr_svg(qr: &Matrix, px: u32, label: &str) -> String {
    let mut d = String::new();
    for (row, col, len) in qr.runs() {
        let _ = write!(d, "M{col} {row}h{len}v1h-{len}z");
    }
    let n = qr.size;
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {n} {n}\" width=\"{px}\" height=\"{px}\" \
         role=\"img\" aria-label=\"{l}\" shape-rendering=\"crispEdges\"><title>{l}</title>\
         <rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{d}\"/></svg>",
        l = esc(label)
    )
}

/// The snippet for the city's website (`dist/promo/snippet.html`).
pub fn snippet(title: &str, promo: &Promo, qr: &Matrix) -> String {
    let url = bundle::promo::add_friend_url(&promo.line_id);
    let t = esc(title);
    let svg = qr_svg(qr, 164, &format!("{title}を友だち追加する QR コード"));
    format!(
        "<!-- LINE の友だち追加ボタンと QR コード（oyako が content/_index.md から作りました。ページにそのまま貼り付けられます） -->\n\
<div class=\"oyako-line-add\" style=\"display:inline-block;text-align:center;font-family:sans-serif;\
border:1px solid #ddd;border-radius:8px;padding:16px;max-width:240px\">\n\
<p style=\"margin:0 0 8px;font-weight:bold\">{t}</p>\n\
<a href=\"{url}\" target=\"_blank\" rel=\"noopener\" style=\"display:inline-block;background:#06C755;\
color:#2b2622;font-weight:bold;text-decoration:none;border-radius:999px;padding:10px 20px\">\
LINE で友だち追加</a>\n\
<div style=\"margin:12px auto 4px\">{svg}</div>\n\
<p style=\"margin:0;font-size:12px;color:#555\">スマートフォンではボタンを、パソコンでは QR コードを LINE で読み取ってください。\
LINE の ID 検索: {id}</p>\n</div>\n",
        url = esc(&url),
        id = esc(&promo.line_id),
    )
}

/// The staff's overview of the printables (`dist/promo/index.html`).
pub fn index(title: &str, promo: &Promo, snippet: &str, printables: &[Printable]) -> String {
    let url = bundle::promo::add_friend_url(&promo.line_id);
    let mut out = String::new();
    let t = esc(title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"ja\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{t} 印刷物</title>\
<style>body{{font-family:system-ui,sans-serif;margin:2rem auto;max-width:64rem;padding:0 1rem;color:#222}}\
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.4rem .6rem;text-align:left;vertical-align:top}}\
img{{border:1px solid #ccc;max-width:100%}}textarea{{width:100%;height:8rem;font-family:monospace}}</style></head><body>\n\
<h1>{t} の印刷物</h1>\n\
<p>友だち追加の URL（どの QR コードもこれを指します）: <a href=\"{u}\">{u}</a>（LINE ID {id}）</p>\n\
<p>場所ごとにポスター（A4）と名刺サイズのカード（91×55mm）があります。印刷所には PDF を、ホームページや広報紙には PNG を使ってください。右下の「掲示コード」で、どの場所のものかが分かります。</p>\n\
<table><tr><th>場所</th><th>掲示コード</th><th>ポスター（A4）</th><th>カード（91×55mm）</th></tr>\n",
        u = esc(&url),
        id = esc(&promo.line_id),
    );
    for c in &promo.channels {
        let row_items = printables.iter().filter(|p| p.channel == c.id);
        let mut cells = Vec::new();
        for p in row_items {
            cells.push(format!(
                "<a href=\"{pdf}\">PDF</a> ・ <a href=\"{png}\">PNG</a><br><a href=\"{png}\"><img src=\"{png}\" alt=\"{alt}\" width=\"{w}\" loading=\"lazy\"></a>",
                pdf = esc(&p.pdf_name),
                png = esc(&p.png_name),
                alt = esc(&format!("{}（{}）", c.label, p.kind.name())),
                w = p.kind.thumbnail_width(),
            ));
        }
        let _ = writeln!(
            out,
            "<tr><td>{}<br><small>{}</small></td><td>{}</td><td>{}</td></tr>",
            esc(&c.label),
            esc(&c.id),
            esc(&c.code),
            cells.join("</td><td>")
        );
    }
    let _ = write!(
        out,
        "</table>\n<h2>ホームページ用（ボタンと QR コード）</h2>\n<div>{snippet}</div>\n\
<p>次の HTML をホームページに貼り付けてください（snippet.html と同じものです）。</p>\n\
<textarea readonly>{}</textarea>\n</body></html>\n",
        esc(snippet)
    );
    out
}
