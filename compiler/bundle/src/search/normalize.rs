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
///
/// Indexing 10,000 pages normalises megabytes of mostly kana and kanji, which NFKC, lower
/// casing and the letter test leave as they are: runs of such [`plain`] characters skip them,
/// and only the rest goes through NFKC. The result is [`reference`]'s, character for
/// character (the tests compare the two on every character in and around such runs).
pub(super) fn normalized_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    NormalizedChars { rest: text, plain: "".chars(), nfkc: None, lower: None }
}

/// The definition [`normalized_chars`] computes faster.
#[cfg(test)]
pub(super) fn reference(text: &str) -> impl Iterator<Item = char> + '_ {
    text.nfkc().flat_map(char::to_lowercase).map(fold_kana).filter(|c| c.is_alphanumeric())
}

/// ASCII, hiragana and katakana letters, the long vowel mark and the unified kanji: NFKC
/// keeps each as it is, none is the second half of a composed character, and all but ASCII
/// are letters with no case. Text can be cut before such a character and normalised piece
/// by piece, as long as the character does not itself start a composition with what follows
/// (か + U+3099 → が): the last one of a run goes with the text after it.
fn plain(c: char) -> bool {
    matches!(c, ' '..='~' | 'ぁ'..='ゖ' | 'ァ'..='ヺ' | 'ー' | '一'..='\u{9fff}')
}

struct NormalizedChars<'a> {
    /// Not yet split into pieces.
    rest: &'a str,
    /// A run of plain characters.
    plain: std::str::Chars<'a>,
    /// A piece that needs NFKC.
    nfkc: Option<unicode_normalization::Recompositions<std::str::Chars<'a>>>,
    /// The lower case of one character of `nfkc`.
    lower: Option<std::char::ToLowercase>,
}

impl Iterator for NormalizedChars<'_> {
    type Item = char;

    fn next(&mut self) -> Option<char> {
        loop {
            if let Some(lower) = &mut self.lower {
                match lower.next() {
                    Some(c) => match fold_kana(c) {
                        c if c.is_alphanumeric() => return Some(c),
                        _ => continue,
                    },
                    None => self.lower = None,
                }
            }
            if let Some(c) = self.plain.next() {
                if !c.is_ascii() {
                    return Some(fold_kana(c));
                }
                if c.is_ascii_alphanumeric() {
                    return Some(c.to_ascii_lowercase());
                }
                continue;
            }
            if let Some(nfkc) = &mut self.nfkc {
                match nfkc.next() {
                    Some(c) => self.lower = Some(c.to_lowercase()),
                    None => self.nfkc = None,
                }
                continue;
            }
            if self.rest.is_empty() {
                return None;
            }
            self.split();
        }
    }
}

impl NormalizedChars<'_> {
    /// Takes the next piece off `rest`: a run of plain characters but its last (unless the
    /// text ends there), or else everything up to a plain character followed by another or
    /// by the end.
    fn split(&mut self) {
        let rest = self.rest;
        let mut chars = rest.char_indices().peekable();
        let mut last_plain = None;
        while let Some(&(i, c)) = chars.peek() {
            if !plain(c) {
                break;
            }
            last_plain = Some(i);
            chars.next();
        }
        match (chars.peek(), last_plain) {
            (None, _) => {
                self.plain = rest.chars();
                self.rest = "";
                return;
            }
            (Some(_), Some(last)) if last > 0 => {
                self.plain = rest[..last].chars();
                self.rest = &rest[last..];
                return;
            }
            _ => {}
        }
        let mut end = rest.len();
        let mut iter = rest.char_indices().skip(1).peekable();
        while let Some((i, c)) = iter.next() {
            if plain(c) && iter.peek().is_none_or(|&(_, next)| plain(next)) {
                end = i;
                break;
            }
        }
        self.nfkc = Some(rest[..end].nfkc());
        self.rest = &rest[end..];
    }
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
