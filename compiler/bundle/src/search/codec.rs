//! Compact storage for the index: the gram table and the posting blob, and their JSON form.
//!
//! Each gram's posting *record* lists the documents containing it in two parts:
//! - *head* postings (title, keywords, summary): a varint count, then per document one
//!   varint `(id delta << 3) | field bits`;
//! - *body* postings: per document one varint id delta, up to the end of the record.
//!
//! Body-only postings are by far the most common, so they carry no field bits and a typical
//! one costs a single byte. Records are concatenated into one blob, each preceded by its
//! varint byte length; the blob is shipped as base64 and its record offsets are rebuilt on load.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Field bit of a head posting: the gram occurs in the title.
pub(super) const TITLE: u8 = 1;
/// Field bit of a head posting: the gram occurs in a keyword.
pub(super) const KEYWORD: u8 = 2;
/// Field bit of a head posting: the gram occurs in the summary.
pub(super) const SUMMARY: u8 = 4;
/// Field bit used while building: the gram occurs in the body (stored as a body posting).
pub(super) const BODY: u8 = 8;
const HEAD_FIELDS: u8 = TITLE | KEYWORD | SUMMARY;

/// All distinct grams, sorted; a gram's position is its record number in [`Postings`].
/// Besides bigrams it holds the pseudo-grams of one-character keywords (see the index module).
/// Serialised as one string of concatenated character pairs.
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct GramTable(Vec<[char; 2]>);

impl GramTable {
    /// Builds the table from grams already in strictly ascending order.
    pub(super) fn from_sorted(grams: Vec<[char; 2]>) -> Self {
        Self(grams)
    }

    /// The record number of `gram`, if it occurs anywhere.
    pub(super) fn find(&self, gram: [char; 2]) -> Option<usize> {
        self.0.binary_search(&gram).ok()
    }

    /// Number of grams.
    pub(super) fn len(&self) -> usize {
        self.0.len()
    }

    fn parse(text: &str) -> Result<Self, String> {
        let chars: Vec<char> = text.chars().collect();
        if !chars.len().is_multiple_of(2) {
            return Err("gram table has an odd number of characters".into());
        }
        let grams: Vec<[char; 2]> = chars.chunks_exact(2).map(|p| [p[0], p[1]]).collect();
        if grams.windows(2).any(|w| w[0] >= w[1]) {
            return Err("gram table is not strictly sorted".into());
        }
        Ok(Self(grams))
    }
}

impl Serialize for GramTable {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text: String = self.0.iter().flatten().collect();
        serializer.serialize_str(&text)
    }
}

impl<'de> Deserialize<'de> for GramTable {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseStr(GramTable::parse))
    }
}

/// The posting blob plus the offset of each record's length prefix (rebuilt on load).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Postings {
    blob: Vec<u8>,
    offsets: Vec<u32>,
}

impl Postings {
    /// Appends the record of the next gram; `list` is `(document id, field bits)` by id.
    ///
    /// # Panics
    /// If the blob outgrows `u32` offsets (4 GiB), far beyond any realistic site.
    pub(super) fn push(&mut self, list: &[(u32, u8)]) {
        let mut record = Vec::new();
        let head: Vec<(u32, u8)> =
            list.iter().filter(|(_, f)| f & HEAD_FIELDS != 0).copied().collect();
        write_varint(&mut record, head.len() as u64);
        let mut prev = 0;
        for (id, fields) in head {
            write_varint(
                &mut record,
                (u64::from(id - prev) << 3) | u64::from(fields & HEAD_FIELDS),
            );
            prev = id;
        }
        prev = 0;
        for &(id, _) in list.iter().filter(|(_, f)| f & BODY != 0) {
            write_varint(&mut record, u64::from(id - prev));
            prev = id;
        }
        let offset = u32::try_from(self.blob.len()).expect("search index larger than 4 GiB");
        self.offsets.push(offset);
        write_varint(&mut self.blob, record.len() as u64);
        self.blob.extend_from_slice(&record);
    }

    /// Number of records.
    pub(super) fn len(&self) -> usize {
        self.offsets.len()
    }

    /// Decodes record `index`, calling `visit(id, field bits)` per posting; body postings
    /// report [`BODY`], so a document in both parts is visited twice. Stops quietly at the
    /// first malformed byte (only possible in a corrupted bundle).
    pub(super) fn visit(&self, index: usize, mut visit: impl FnMut(u32, u8)) {
        let Some(mut reader) = self.record(index) else { return };
        let Some(count) = reader.varint() else { return };
        let mut id = 0u32;
        for _ in 0..count {
            let Some(value) = reader.varint() else { return };
            let Some(next) = advance(id, value >> 3) else { return };
            id = next;
            visit(id, value as u8 & HEAD_FIELDS);
        }
        id = 0;
        while !reader.0.is_empty() {
            let Some(next) = reader.varint().and_then(|delta| advance(id, delta)) else { return };
            id = next;
            visit(id, BODY);
        }
    }

    fn record(&self, index: usize) -> Option<Reader<'_>> {
        let start = usize::try_from(*self.offsets.get(index)?).ok()?;
        let mut reader = Reader(self.blob.get(start..)?);
        let len = usize::try_from(reader.varint()?).ok()?;
        Some(Reader(reader.0.get(..len)?))
    }

    fn parse(text: &str) -> Result<Self, String> {
        Self::from_blob(BASE64.decode(text).map_err(|e| e.to_string())?)
    }

    fn from_blob(blob: Vec<u8>) -> Result<Self, String> {
        let mut offsets = Vec::new();
        let mut rest = blob.as_slice();
        while !rest.is_empty() {
            let offset = u32::try_from(blob.len() - rest.len()).map_err(|e| e.to_string())?;
            let mut reader = Reader(rest);
            let len = reader.varint().and_then(|n| usize::try_from(n).ok());
            rest = len.and_then(|n| reader.0.get(n..)).ok_or("truncated posting record")?;
            offsets.push(offset);
        }
        Ok(Self { blob, offsets })
    }
}

impl Serialize for Postings {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&BASE64.encode(&self.blob))
    }
}

impl<'de> Deserialize<'de> for Postings {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(ParseStr(Postings::parse))
    }
}

/// `id + delta`, or `None` if that leaves the `u32` range.
fn advance(id: u32, delta: u64) -> Option<u32> {
    u32::try_from(u64::from(id).checked_add(delta)?).ok()
}

/// A string visitor that parses the borrowed text directly, so loading a large bundle never
/// holds a second copy of the base64 text.
struct ParseStr<F>(F);

impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for ParseStr<F> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.0)(text).map_err(E::custom)
    }
}

/// Appends `value` as a LEB128 varint (7 bits per byte, low bits first).
pub(super) fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A cursor over varint bytes.
pub(super) struct Reader<'a>(pub(super) &'a [u8]);

impl Reader<'_> {
    /// Reads one varint; `None` on truncated or over-long input.
    pub(super) fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for (i, &byte) in self.0.iter().enumerate().take(10) {
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                self.0 = &self.0[i + 1..];
                return Some(value);
            }
        }
        None
    }
}
