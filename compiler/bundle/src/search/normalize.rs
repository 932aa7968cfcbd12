//! Text normalisation, bigrams and question-fluff stripping.

use unicode_normalization::UnicodeNormalization;

/// Question words and endings that pages never contain, in normalised form.
///
/// 「健診いつ？」 normalises to 「健診いつ」, whose bigrams 健診・診い・いつ would mostly
/// miss a page titled 乳幼児健診; stripping いつ leaves 「健診」, which matches.
const QUESTION_ENDINGS: &[&str] = &[
    "でしょうか",
    "ありますか",
    "できますか",
    "ですか",
    "ますか",
    "です",
    "ます",
    "について",
    "おしえてください",
    "教えてください",
    "おしえて",
    "教えて",
    "しりたい",
    "知りたい",
    "したい",
    "ほしい",
    "ください",
    "どうすればいい",
    "どうしたらいい",
    "どうすれば",
    "どうしたら",
    "いつから",
    "いつまで",
    "いつ",
    "どこで",
    "どこに",
    "どこ",
    "なに",
    "何",
    "いくら",
    "とは",
    "って",
];

/// Particles stripped from the end of a query, but only after a non-hiragana character:
/// 「保育園は」 → 「保育園」, while 「はしか」 (measles) keeps its か.
const PARTICLES: &[char] = &['は', 'を', 'が', 'に', 'で', 'の', 'か', 'も', 'へ', 'と', 'や'];

/// Normalises text for matching (NFKC, lowercase, katakana→hiragana, no spaces or punctuation).
///
/// NFKC turns half-width katakana and full-width ASCII into their ordinary forms
/// (「ｵﾑﾂ」 → 「オムツ」, 「ＢＣＧ」 → 「BCG」); katakana is then folded to hiragana
/// (ヴ → ゔ, the long vowel mark ー is kept) and only letters and digits survive, so
/// spaces, punctuation (、。？！・「」（）…) and symbols such as emoji are dropped.
pub fn normalize(text: &str) -> String {
    normalized_chars(text).collect()
}

/// The characters of [`normalize`]`(text)`, lazily (so a long body can be cut short cheaply).
pub(super) fn normalized_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc().flat_map(char::to_lowercase).map(fold_kana).filter(|c| c.is_alphanumeric())
}

/// Maps a katakana letter (ァ…ヶ, ヽ, ヾ) to its hiragana twin; other characters pass through.
fn fold_kana(c: char) -> char {
    match c {
        'ァ'..='ヶ' | 'ヽ' | 'ヾ' => char::from_u32(u32::from(c) - 0x60).unwrap_or(c),
        _ => c,
    }
}

/// Whether `c` is a hiragana letter (after folding, kana in general).
pub(super) fn is_hiragana(c: char) -> bool {
    matches!(c, 'ぁ'..='ゖ' | 'ゝ' | 'ゞ')
}

/// The overlapping character pairs of `chars`.
pub(super) fn bigrams(chars: &[char]) -> impl Iterator<Item = [char; 2]> + '_ {
    chars.windows(2).map(|pair| [pair[0], pair[1]])
}

/// Strips trailing question fluff from a normalised query, repeatedly:
/// 「健診はいつですか」 → 「健診はいつ」 → 「健診は」 → 「健診」.
///
/// Never strips the whole query: 「いつ」 alone stays 「いつ」.
pub(super) fn strip_question(query: &str) -> &str {
    let mut core = query;
    loop {
        let next = strip_one(core);
        if next.is_empty() || next.len() == core.len() {
            return core;
        }
        core = next;
    }
}

/// Strips the longest matching question ending, or else one particle.
fn strip_one(text: &str) -> &str {
    let ending = QUESTION_ENDINGS.iter().filter(|e| text.ends_with(**e)).max_by_key(|e| e.len());
    match ending {
        Some(ending) => &text[..text.len() - ending.len()],
        None => strip_particle(text),
    }
}

/// Strips a final particle that follows a non-hiragana character (kanji, ー, Latin, digit).
fn strip_particle(text: &str) -> &str {
    let mut rev = text.chars().rev();
    match (rev.next(), rev.next()) {
        (Some(last), Some(prev)) if PARTICLES.contains(&last) && !is_hiragana(prev) => {
            &text[..text.len() - last.len_utf8()]
        }
        _ => text,
    }
}
