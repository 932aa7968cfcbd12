//! Free-text search: a page index built by the compiler and queried by the runtime.
//!
//! Parents type questions into LINE in whatever way comes to mind — 「健診いつ？」,
//! 「ｵﾑﾂ」, 「よぼうせっしゅ」 — and the bot answers with the best-matching pages. Some
//! properties of Japanese shape this module:
//!
//! - **There are no spaces between words**, so text cannot be split into words without a
//!   dictionary. Instead both pages and queries are cut into overlapping character *bigrams*
//!   (「予防接種」 → 予防・防接・接種), which needs no dictionary and still matches
//!   compounds and inflected forms well. A one-character query (「熱」) has no bigram, so it is
//!   matched character by character against titles and keywords only.
//! - **The same word has many spellings**: half-width and full-width forms, katakana and
//!   hiragana (オムツ / おむつ), stray punctuation and spaces. [`normalize`] folds them all
//!   to one form (NFKC, lowercase, katakana → hiragana, only letters and digits kept).
//! - **Parents often type readings instead of kanji** (「よぼうせっしゅ」 for 予防接種).
//!   Bigrams cannot bridge kana and kanji, so page authors list readings in `keywords`, and
//!   keyword hits weigh almost as much as title hits.
//! - **Questions carry fluff** (いつ, ですか, について教えて…) that no page contains; trailing
//!   fluff is stripped before scoring (see [`SearchIndex::query`]).
//!
//! The index must stay small, because the runtime keeps it in memory next to everything else
//! (10,000 pages take about 6–8 MB; see `examples/search_bench.rs`): grams are kept in one
//! sorted table and their posting lists are delta + varint encoded into a single byte blob,
//! shipped as base64, at about 1.1–1.4 bytes per posting.

mod codec;
mod index;
mod normalize;
#[cfg(test)]
mod tests;

pub use index::SearchIndex;
pub use normalize::normalize;

/// One page's searchable fields, borrowed from the compiler's page model.
///
/// Fields are listed by decreasing weight: a title hit counts far more than a keyword hit,
/// which counts more than a summary hit, which counts more than a body hit.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    /// The page title.
    pub title: &'a str,
    /// Extra search terms, typically readings in hiragana (よぼうせっしゅ) and synonyms.
    pub keywords: &'a [String],
    /// The one-line summary.
    pub summary: &'a str,
    /// The body as plain text (only its beginning is indexed).
    pub body: &'a str,
}
