//! The replies file: LZ4 blocks compressed against one shared dictionary.

use serde::{Deserialize, Serialize};
use std::panic::resume_unwind;

/// Largest useful LZ4 dictionary (the LZ4 window is 64 KiB).
pub const DICTIONARY_MAX: usize = 64 * 1024;
/// Replies sampled into the dictionary.
const DICTIONARY_SAMPLES: usize = 64;

/// Where one compressed item lives in the replies file.
///
/// Serialised as `[offset, compressed length, plain length, has assets]` to keep the manifest
/// small for accounts with thousands of pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(u64, u32, u32, bool)", into = "(u64, u32, u32, bool)")]
pub struct Blob {
    /// Byte offset in the replies file.
    pub offset: u64,
    /// Compressed length (for the dictionary: its plain length).
    pub len: u32,
    /// Length once decompressed.
    pub plain_len: u32,
    /// The plain text contains [`crate::ASSET_URL_PREFIX`] or [`crate::CALENDAR_URL_PREFIX`]
    /// (URLs the runtime completes with its public address at load).
    pub has_assets: bool,
}

impl From<(u64, u32, u32, bool)> for Blob {
    fn from((offset, len, plain_len, has_assets): (u64, u32, u32, bool)) -> Self {
        Blob { offset, len, plain_len, has_assets }
    }
}

impl From<Blob> for (u64, u32, u32, bool) {
    fn from(b: Blob) -> Self {
        (b.offset, b.len, b.plain_len, b.has_assets)
    }
}

/// A blob that does not fit the replies file.
#[derive(Debug, thiserror::Error)]
pub enum BlobError {
    /// Out of range or not decompressible.
    #[error("reply {name:?} is corrupt in the replies file: {reason}")]
    Corrupt {
        /// Which reply.
        name: String,
        /// What is wrong.
        reason: String,
    },
    /// The asset base URL would make a message invalid JSON.
    #[error("the public URL cannot be used in JSON text")]
    BadAssetBase,
}

impl BlobError {
    pub(crate) fn named(self, name: &str) -> Self {
        match self {
            BlobError::Corrupt { reason, .. } => {
                BlobError::Corrupt { name: name.to_string(), reason }
            }
            other => other,
        }
    }
}

/// Builds the replies file: collect plain items, then compress them all against a dictionary
/// sampled from the items themselves.
#[derive(Debug, Default)]
pub struct BlobBuilder {
    items: Vec<Vec<u8>>,
}

impl BlobBuilder {
    /// Adds an item and returns its index (for [`BlobBuilder::finish`]'s result).
    pub fn add(&mut self, plain: Vec<u8>) -> usize {
        self.items.push(plain);
        self.items.len() - 1
    }

    /// Compresses everything: returns the file bytes, the dictionary blob and one blob per item.
    pub fn finish(self) -> (Vec<u8>, Blob, Vec<Blob>) {
        use rayon::prelude::*;
        let dict = dictionary(&self.items);
        let mut file = dict.clone();
        let dictionary = Blob {
            offset: 0,
            len: dict.len() as u32,
            plain_len: dict.len() as u32,
            has_assets: false,
        };
        let compressed: Vec<Vec<u8>> = self
            .items
            .par_iter()
            .map(|item| lz4_flex::block::compress_with_dict(item, &dict))
            .collect();
        let blobs = compressed
            .into_iter()
            .zip(&self.items)
            .map(|(c, plain)| {
                let b = blob_at(file.len(), c.len(), plain);
                file.extend_from_slice(&c);
                b
            })
            .collect();
        (file, dictionary, blobs)
    }
}

fn blob_at(offset: usize, len: usize, plain: &[u8]) -> Blob {
    let has = |prefix: &str| plain.windows(prefix.len()).any(|w| w == prefix.as_bytes());
    Blob {
        offset: offset as u64,
        len: len as u32,
        plain_len: plain.len() as u32,
        has_assets: has(crate::ASSET_URL_PREFIX) || has(crate::CALENDAR_URL_PREFIX),
    }
}

/// A dictionary from evenly spaced sample items (deterministic), trimmed to the LZ4 window.
fn dictionary(items: &[Vec<u8>]) -> Vec<u8> {
    let step = items.len().div_ceil(DICTIONARY_SAMPLES).max(1);
    let mut dict: Vec<u8> = items.iter().step_by(step).flatten().copied().collect();
    if dict.len() > DICTIONARY_MAX {
        dict.drain(..dict.len() - DICTIONARY_MAX);
    }
    dict
}

/// Dictionary bytes (its end) used to compress replies rewritten at load.
const REWRITE_DICTIONARY: usize = 16 * 1024;

/// Replaces each of `blobs` by `rewrite` of its text, compressed again with the dictionary
/// and appended to `file`; returns the new blobs in order (used when rewriting at load time).
/// The dictionary is copied once and the work is shared by every core: with a year of
/// day-dependent replies this is most of start-up.
pub(crate) fn rewrite_all(
    file: &mut Vec<u8>,
    dictionary: Blob,
    blobs: &[Blob],
    rewrite: &(dyn Fn(&[u8]) -> Vec<u8> + Sync),
) -> Vec<Blob> {
    // lz4_flex indexes the whole dictionary again for every block it compresses; its last
    // REWRITE_DICTIONARY bytes index a quarter as fast and still decompress with the whole one
    // (matches count back from the dictionary's end).
    let dict = slice(file, dictionary).unwrap_or_default();
    let dict = dict[dict.len().saturating_sub(REWRITE_DICTIONARY)..].to_vec();
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    let chunk = blobs.len().div_ceil(threads).max(1);
    let read: &[u8] = file;
    let compress = |b: &Blob| {
        let mut plain = Vec::new();
        decompress_into(read, dictionary, *b, &mut plain);
        let plain = rewrite(&plain);
        (lz4_flex::block::compress_with_dict(&plain, &dict), plain.len())
    };
    let done: Vec<(Vec<u8>, usize)> = std::thread::scope(|s| {
        let parts: Vec<_> = blobs
            .chunks(chunk)
            .map(|part| s.spawn(move || part.iter().map(compress).collect::<Vec<_>>()))
            .collect();
        let joined = parts.into_iter().map(|h| h.join().unwrap_or_else(|p| resume_unwind(p)));
        joined.flatten().collect()
    });
    done.into_iter()
        .map(|(c, plain_len)| {
            let b = Blob {
                offset: file.len() as u64,
                len: c.len() as u32,
                plain_len: plain_len as u32,
                has_assets: false,
            };
            file.extend_from_slice(&c);
            b
        })
        .collect()
}

fn slice(file: &[u8], b: Blob) -> Option<&[u8]> {
    let start = usize::try_from(b.offset).ok()?;
    file.get(start..start.checked_add(b.len as usize)?)
}

/// Decompresses `b` onto `out`; a blob that was not [`check`]ed may append nothing.
pub(crate) fn decompress_into(file: &[u8], dictionary: Blob, b: Blob, out: &mut Vec<u8>) {
    let (Some(data), Some(dict)) = (slice(file, b), slice(file, dictionary)) else { return };
    let start = out.len();
    out.resize(start + b.plain_len as usize, 0);
    match lz4_flex::block::decompress_into_with_dict(data, &mut out[start..], dict) {
        Ok(n) => out.truncate(start + n),
        Err(_) => out.truncate(start),
    }
}

/// Checks that `b` is in range, decompresses to its recorded length, and is valid JSON.
pub(crate) fn check(file: &[u8], dictionary: Blob, b: Blob) -> Result<(), BlobError> {
    let corrupt =
        |reason: &str| BlobError::Corrupt { name: String::new(), reason: reason.to_string() };
    let data = slice(file, b).ok_or_else(|| corrupt("out of range"))?;
    let dict = slice(file, dictionary).ok_or_else(|| corrupt("dictionary out of range"))?;
    let mut out = vec![0; b.plain_len as usize];
    let n = lz4_flex::block::decompress_into_with_dict(data, &mut out, dict)
        .map_err(|e| corrupt(&e.to_string()))?;
    if n != out.len() {
        return Err(corrupt("wrong length"));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(&out).map_err(|e| corrupt(&e.to_string()))?;
    Ok(())
}

/// What a stored blob is, for an error message.
pub(crate) enum BlobName<'a> {
    /// A reply key, page path, survey step or calendar file.
    Text(&'a str),
    /// One of the calendar's day replies, by index.
    CalendarReply(usize),
}

impl std::fmt::Display for BlobName<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobName::Text(name) => f.write_str(name),
            BlobName::CalendarReply(i) => write!(f, "calendar #{i}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_dictionary() {
        let mut b = BlobBuilder::default();
        let items: Vec<String> =
            (0..100).map(|i| format!(r#"[{{"type":"text","text":"項目{i}"}}]"#)).collect();
        for item in &items {
            b.add(item.clone().into_bytes());
        }
        let (file, dict, blobs) = b.finish();
        for (item, blob) in items.iter().zip(&blobs) {
            check(&file, dict, *blob).unwrap();
            let mut out = b"prefix".to_vec();
            decompress_into(&file, dict, *blob, &mut out);
            assert_eq!(&out[6..], item.as_bytes());
        }
    }

    #[test]
    fn corrupt_blobs_are_reported_not_panicking() {
        let mut b = BlobBuilder::default();
        b.add(br#"{"a":1}"#.to_vec());
        let (mut file, dict, blobs) = b.finish();
        let far = Blob { offset: 1 << 40, ..blobs[0] };
        assert!(check(&file, dict, far).is_err());
        let last = file.len() - 1;
        file[last] ^= 0xff;
        let mut out = Vec::new();
        decompress_into(&file, dict, blobs[0], &mut out);
        let _ = check(&file, dict, blobs[0]);
    }
}
