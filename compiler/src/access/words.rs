//! Words that say nothing: link texts that do not say where they go, image descriptions that
//! do not say what the image shows, altTexts that do not say what the message is.
//!
//! Screen readers list a message's links and buttons by their text alone (WCAG 2.1 success
//! criterion 2.4.4, <https://www.w3.org/TR/WCAG21/#link-purpose-in-context>), and LINE shows a
//! Flex message's altText alone in notifications and the chat list
//! (<https://developers.line.biz/en/reference/messaging-api/#flex-message>). Words are
//! compared after removing spaces, punctuation and brackets, and ignoring letter case.

/// Link and button texts that do not say where they go.
const VAGUE_LINKS: &[&str] = &[
    "こちら",
    "ここ",
    "コチラ",
    "ココ",
    "これ",
    "こちらから",
    "ここから",
    "こちらをクリック",
    "ここをクリック",
    "こちらをタップ",
    "ここをタップ",
    "こちらのページ",
    "このページ",
    "詳しくはこちら",
    "くわしくはこちら",
    "詳細はこちら",
    "詳細",
    "詳しく",
    "リンク",
    "クリック",
    "タップ",
    "click",
    "clickhere",
    "here",
    "link",
    "more",
];

/// Image descriptions that do not say what the image shows.
const GENERIC_ALTS: &[&str] = &[
    "画像",
    "写真",
    "イメージ",
    "図",
    "イラスト",
    "絵",
    "image",
    "img",
    "photo",
    "picture",
    "pic",
];

/// altTexts that do not say what the message is.
const GENERIC_ALT_TEXTS: &[&str] = &[
    "お知らせ",
    "おしらせ",
    "メッセージ",
    "ご案内",
    "案内",
    "情報",
    "新着情報",
    "新着",
    "更新",
    "flexmessage",
    "flex",
    "message",
    "画像",
    "こちら",
    "テスト",
    "無題",
    "タイトル",
];

/// `s` without spaces, punctuation or brackets, lower-cased, for comparing with the lists.
fn bare(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
        .filter(|c| !"、。！？・…「」『』【】（）［］〔〕〈〉《》→←▶▷>＞:：!?".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// True when a link or button text does not say where it goes.
pub fn is_vague_link(text: &str) -> bool {
    let b = bare(text);
    VAGUE_LINKS.contains(&b.as_str())
}

/// True when a link text is an address (read aloud letter by letter).
pub fn is_address(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("https://") || t.starts_with("http://") || t.starts_with("www.")
}

/// True when an image description does not say what the image shows: a generic word, a
/// numbered one (「写真1」), or a file name.
pub fn is_generic_alt(text: &str) -> bool {
    let b = bare(text);
    let without_digits: String = b.chars().filter(|c| !c.is_ascii_digit()).collect();
    let file = [".png", ".jpg", ".jpeg"].iter().any(|e| text.trim().to_lowercase().ends_with(e));
    file || GENERIC_ALTS.contains(&b.as_str()) || GENERIC_ALTS.contains(&without_digits.as_str())
}

/// True when an altText does not say what the message is.
pub fn is_generic_alt_text(text: &str) -> bool {
    let b = bare(text);
    b.is_empty() || GENERIC_ALT_TEXTS.contains(&b.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vague_links() {
        for v in
            ["こちら", "ここ", " こちら ", "「こちら」", "こちら→", "詳しくはこちら", "Click here"]
        {
            assert!(is_vague_link(v), "{v}");
        }
        for ok in ["妊婦健診のページ", "こちらの申込書（PDF）", "市のホームページ", "ここあ"]
        {
            assert!(!is_vague_link(ok), "{ok}");
        }
    }

    #[test]
    fn generic_image_descriptions() {
        for g in ["画像", "写真1", "image", "IMG_0001.JPG", "イメージ"] {
            assert!(is_generic_alt(g), "{g}");
        }
        assert!(!is_generic_alt("保健センターの入口（正面玄関）"));
        assert!(!is_generic_alt("クリスマス会のイメージ"));
    }

    #[test]
    fn generic_alt_texts() {
        for g in ["お知らせ", "【お知らせ】", "Flex Message", ""] {
            assert!(is_generic_alt_text(g), "{g}");
        }
        assert!(!is_generic_alt_text("【お知らせ】妊婦教室（2026年12月12日（土））"));
        assert!(!is_generic_alt_text("児童手当｜0歳から高校生年代までのお子さんを育てている方へ"));
    }
}
