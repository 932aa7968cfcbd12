//! Building and querying the [`SearchIndex`].

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Document;
use super::codec::{BODY, GramTable, KEYWORD, Postings, SUMMARY, TITLE};
use super::normalize::{bigrams, is_hiragana, normalize, normalized_chars, strip_question};

/// Version of the index layout, checked on load.
const FORMAT: u32 = 1;
/// Only this many normalised body characters are indexed: the start of a page says what it
/// is about, and the cap bounds the index size whatever staff paste into a page.
const BODY_CHARS: usize = 2000;
/// Queries are cut to this many normalised characters (chat questions are short; this bounds
/// the work a pasted essay can cause).
const QUERY_CHARS: usize = 64;
/// Separates title and keywords in a label; normalised text never contains it.
const LABEL_SEPARATOR: char = '|';
/// A one-character keyword `c` (「熱」) has no bigram; it is indexed as the pseudo-gram
/// `[c, KEYWORD_CHAR_MARK]` so questions containing it can find the page.
const KEYWORD_CHAR_MARK: char = '|';

/// Score of one matched query bigram, per field it occurs in (summed over fields).
const FIELD_WEIGHTS: [(u8, u32); 4] = [(TITLE, 10), (KEYWORD, 6), (SUMMARY, 3), (BODY, 1)];
/// Bonus when the title equals the whole query.
const TITLE_EXACT_BONUS: u32 = 150;
/// Bonus when the title contains the whole query.
const TITLE_PHRASE_BONUS: u32 = 100;
/// Bonus when a keyword equals the whole query.
const KEYWORD_EXACT_BONUS: u32 = 80;
/// Bonus when a keyword contains the whole query.
const KEYWORD_PHRASE_BONUS: u32 = 40;
/// Bonus when the query contains a keyword (other than a lone kana).
const KEYWORD_IN_QUERY_BONUS: u32 = 20;

/// The index shipped in the bundle; document ids are positions in the slice given to `build`.
///
/// JSON form: `{"format":1,"labels":[…],"grams":"…","postings":"…"}` where `labels` holds
/// each document's normalised title and keywords joined by `|`, `grams` is every distinct
/// bigram (plus `c|` for each one-character keyword `c`) concatenated in sorted order, and
/// `postings` is the base64 posting blob described in
/// the `codec` module. The same documents always give byte-identical JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawIndex")]
pub struct SearchIndex {
    /// Layout version, [`FORMAT`].
    format: u32,
    /// Per document: normalised title and keywords joined by [`LABEL_SEPARATOR`].
    labels: Vec<String>,
    /// Every bigram of every document, sorted; its position is its posting record.
    grams: GramTable,
    /// One posting record per gram.
    postings: Postings,
}

/// [`SearchIndex`] as read from JSON, before its parts are checked against each other.
#[derive(Deserialize)]
struct RawIndex {
    format: u32,
    labels: Vec<String>,
    grams: GramTable,
    postings: Postings,
}

impl TryFrom<RawIndex> for SearchIndex {
    type Error = String;

    fn try_from(raw: RawIndex) -> Result<Self, String> {
        if raw.format != FORMAT {
            return Err(format!("search index format {} is not {FORMAT}", raw.format));
        }
        if raw.grams.len() != raw.postings.len() {
            return Err("search index gram table and postings differ in length".into());
        }
        let RawIndex { format, labels, grams, postings } = raw;
        Ok(Self { format, labels, grams, postings })
    }
}

/// Per-document accumulator while scoring one query.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// Distinct query bigrams found in the document.
    matched: u16,
    /// Number of the last bigram counted in `matched` (1-based; 0 = none yet).
    round: u16,
    /// Sum of field weights of the hits.
    score: u32,
    /// Union of the field bits of the hits.
    fields: u8,
}

impl SearchIndex {
    /// Indexes `docs`; document `i` of the slice gets id `i`.
    ///
    /// Normalising and cutting documents into bigrams is most of the work: it runs on every
    /// core, a chunk of documents at a time (so only one chunk's grams are held besides the
    /// lists), and the lists are filled in document order, as one thread would.
    pub fn build(docs: &[Document<'_>]) -> SearchIndex {
        use rayon::prelude::*;
        const CHUNK: usize = 256;
        let mut lists: BTreeMap<[char; 2], Vec<(u32, u8)>> = BTreeMap::new();
        let mut labels = Vec::with_capacity(docs.len());
        for (n, chunk) in docs.chunks(CHUNK).enumerate() {
            let cut: Vec<_> =
                chunk.par_iter().map(|doc| (label(doc), document_grams(doc))).collect();
            for (id, (label, grams)) in (u32::try_from(n * CHUNK).unwrap_or(u32::MAX)..).zip(cut) {
                labels.push(label);
                for (gram, fields) in grams {
                    lists.entry(gram).or_default().push((id, fields));
                }
            }
        }
        let mut postings = Postings::default();
        for list in lists.values() {
            postings.push(list);
        }
        let grams = GramTable::from_sorted(lists.into_keys().collect());
        SearchIndex { format: FORMAT, labels, grams, postings }
    }

    /// Best documents for a free-text query, best first, at most `limit`; empty when nothing
    /// matches well enough.
    ///
    /// The query is normalised and trailing question fluff is stripped (「健診いつ？」 →
    /// 「健診」; if that finds nothing, the unstripped query is tried). Then:
    /// - one character (「熱」) is matched against titles and keywords only; a lone kana must
    ///   equal a whole title or keyword, as kana are mostly particles;
    /// - longer queries are cut into bigrams; a document scores the field weights of every
    ///   bigram it contains (title ≫ keywords > summary > body) and must contain at least half
    ///   of the distinct query bigrams, so unrelated text returns nothing rather than noise
    ///   while a particle or typo (one unmatched bigram in a few) is tolerated.
    ///
    /// Either way, a title or keyword containing the whole query earns a large bonus, so such
    /// pages rank first. A page with a keyword that occurs in the query (「子どもが熱を出した」
    /// contains the keyword 熱) also earns a bonus and is kept even below the half rule: staff
    /// choose keywords on purpose. Ties go to the lower document id.
    pub fn query(&self, text: &str, limit: usize) -> Vec<u32> {
        let full = normalize(text);
        let core = strip_question(&full);
        let hits = self.rank(core, limit);
        if hits.is_empty() && core.len() < full.len() { self.rank(&full, limit) } else { hits }
    }

    /// Number of documents indexed.
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether no documents are indexed.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Scores a normalised query and returns the best `limit` ids.
    fn rank(&self, query: &str, limit: usize) -> Vec<u32> {
        let chars: Vec<char> = query.chars().take(QUERY_CHARS).collect();
        let mut scored = match chars.as_slice() {
            [] => Vec::new(),
            [c] => self.unigram_scores(*c),
            _ => self.bigram_scores(&chars),
        };
        let best_first = |a: &(u32, u32), b: &(u32, u32)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        if limit < scored.len() {
            scored.select_nth_unstable_by(limit, best_first);
            scored.truncate(limit);
        }
        scored.sort_unstable_by(best_first);
        scored.into_iter().map(|(id, _)| id).collect()
    }

    /// `(id, score)` of documents whose title or keywords contain the character `c`.
    fn unigram_scores(&self, c: char) -> Vec<(u32, u32)> {
        let query = c.to_string();
        let partial_ok = !is_hiragana(c);
        let candidates = (0u32..).zip(&self.labels).filter(|(_, label)| label.contains(c));
        let scored = candidates.filter_map(|(id, label)| {
            let (title, mut keywords) = split_label(label);
            let exact = title == query || keywords.any(|k| k == query);
            let score = phrase_bonus(&query, label);
            (score > 0 && (exact || partial_ok)).then_some((id, score))
        });
        scored.collect()
    }

    /// `(id, score)` of documents containing at least half of the distinct bigrams of `chars`.
    fn bigram_scores(&self, chars: &[char]) -> Vec<(u32, u32)> {
        let mut grams: Vec<[char; 2]> = bigrams(chars).collect();
        grams.sort_unstable();
        grams.dedup();
        let mut tallies = vec![Tally::default(); self.labels.len()];
        for (round, gram) in (1u16..).zip(&grams) {
            if let Some(index) = self.grams.find(*gram) {
                self.postings.visit(index, |id, fields| count_hit(&mut tallies, id, round, fields));
            }
        }
        self.mark_keyword_chars(chars, &mut tallies);
        let needed = grams.len().div_ceil(2);
        let query: String = chars.iter().collect();
        let scored = (0u32..).zip(tallies.iter().zip(&self.labels));
        let scored = scored.filter_map(|(id, (tally, label))| {
            let bonus = tally_bonus(&query, tally, label);
            let enough = usize::from(tally.matched) >= needed || bonus > 0;
            enough.then_some((id, tally.score + bonus))
        });
        scored.collect()
    }

    /// Flags documents having a one-character keyword that occurs in the query, so that
    /// [`tally_bonus`] checks them.
    fn mark_keyword_chars(&self, chars: &[char], tallies: &mut [Tally]) {
        let mut singles: Vec<char> = chars.iter().copied().filter(|c| !is_hiragana(*c)).collect();
        singles.sort_unstable();
        singles.dedup();
        for c in singles {
            if let Some(index) = self.grams.find([c, KEYWORD_CHAR_MARK]) {
                self.postings.visit(index, |id, _| {
                    if let Some(tally) = usize::try_from(id).ok().and_then(|i| tallies.get_mut(i)) {
                        tally.fields |= KEYWORD;
                    }
                });
            }
        }
    }
}

/// Adds one posting of the query's `round`-th bigram to document `id`'s tally.
fn count_hit(tallies: &mut [Tally], id: u32, round: u16, fields: u8) {
    let Some(tally) = usize::try_from(id).ok().and_then(|i| tallies.get_mut(i)) else { return };
    if tally.round != round {
        tally.round = round;
        tally.matched += 1;
    }
    tally.fields |= fields;
    let weight: u32 = FIELD_WEIGHTS.iter().filter(|(bit, _)| fields & bit != 0).map(|w| w.1).sum();
    tally.score = tally.score.saturating_add(weight);
}

/// [`phrase_bonus`], skipped when no bigram hit the title or keywords (then none can apply).
fn tally_bonus(query: &str, tally: &Tally, label: &str) -> u32 {
    if tally.fields & (TITLE | KEYWORD) == 0 { 0 } else { phrase_bonus(query, label) }
}

/// Bonus for a label whose title or keywords contain (or, for keywords, are contained in)
/// the whole normalised query.
fn phrase_bonus(query: &str, label: &str) -> u32 {
    let (title, keywords) = split_label(label);
    let title_bonus = if title == query {
        TITLE_EXACT_BONUS
    } else if title.contains(query) {
        TITLE_PHRASE_BONUS
    } else {
        0
    };
    title_bonus + keywords.map(|k| keyword_bonus(query, k)).max().unwrap_or(0)
}

/// Bonus for one normalised keyword against the whole normalised query.
fn keyword_bonus(query: &str, keyword: &str) -> u32 {
    if keyword == query {
        KEYWORD_EXACT_BONUS
    } else if keyword.contains(query) {
        KEYWORD_PHRASE_BONUS
    } else if !is_single_kana(keyword) && query.contains(keyword) {
        KEYWORD_IN_QUERY_BONUS
    } else {
        0
    }
}

/// Whether `text` is one hiragana character (a particle, too common to count as a keyword).
fn is_single_kana(text: &str) -> bool {
    let mut chars = text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if is_hiragana(c))
}

/// Splits a label into its title and keywords.
fn split_label(label: &str) -> (&str, std::str::Split<'_, char>) {
    let mut parts = label.split(LABEL_SEPARATOR);
    let title = parts.next().unwrap_or_default();
    (title, parts)
}

/// A document's normalised title and non-empty keywords, joined by [`LABEL_SEPARATOR`].
fn label(doc: &Document<'_>) -> String {
    let mut label = normalize(doc.title);
    for keyword in doc.keywords.iter().map(|k| normalize(k)).filter(|k| !k.is_empty()) {
        label.push(LABEL_SEPARATOR);
        label.push_str(&keyword);
    }
    label
}

/// A document's distinct bigrams with the fields each occurs in, sorted by gram.
fn document_grams(doc: &Document<'_>) -> Vec<([char; 2], u8)> {
    let mut grams = Vec::new();
    add_field(&mut grams, normalized_chars(doc.title), TITLE);
    for keyword in doc.keywords {
        let chars: Vec<char> = normalized_chars(keyword).collect();
        if let [c] = chars[..]
            && !is_hiragana(c)
        {
            grams.push(([c, KEYWORD_CHAR_MARK], KEYWORD));
        }
        add_field(&mut grams, chars.into_iter(), KEYWORD);
    }
    add_field(&mut grams, normalized_chars(doc.summary), SUMMARY);
    add_field(&mut grams, normalized_chars(doc.body).take(BODY_CHARS), BODY);
    grams.sort_unstable();
    grams.dedup_by(|next, kept| {
        let same = next.0 == kept.0;
        if same {
            kept.1 |= next.1;
        }
        same
    });
    grams
}

/// Appends the bigrams of one field's normalised characters, tagged with `field`.
fn add_field(grams: &mut Vec<([char; 2], u8)>, chars: impl Iterator<Item = char>, field: u8) {
    let chars: Vec<char> = chars.collect();
    grams.extend(bigrams(&chars).map(|gram| (gram, field)));
}
