//! Bundle images served at `GET /assets/<file>`, held in memory.
//!
//! LINE fetches every image in a Flex message from our public URL, so these are served by the
//! runtime itself. They are read once when a bundle loads: the request path does a map look-up
//! and nothing else — no file-system access, so no blocking I/O and no path traversal (a name
//! that is not in the bundle's `assets` list simply does not exist). The ETag is a content
//! hash, so a reload with changed images is noticed by caches.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// One image, ready to send.
#[derive(Debug, Clone)]
pub struct Asset {
    /// The file's bytes (cheap to clone into a response).
    pub bytes: Bytes,
    /// `image/png`, `image/jpeg`, … by extension.
    pub content_type: &'static str,
    /// Quoted strong ETag: the first 16 hex digits of the SHA-256 of the bytes.
    pub etag: String,
}

/// Every asset of one bundle, by relative name.
#[derive(Debug, Default)]
pub struct Assets {
    files: HashMap<String, Asset>,
}

/// Why the assets of a bundle could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum AssetError {
    /// The bundle lists a name that could escape the assets directory.
    #[error("asset name {0:?} is not a plain relative path")]
    BadName(String),
    /// A listed file could not be read.
    #[error("{path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

impl Assets {
    /// Reads every file in `names` from `dir`.
    pub fn load(dir: &Path, names: &[String]) -> Result<Assets, AssetError> {
        let mut files = HashMap::with_capacity(names.len());
        for name in names {
            let plain = Path::new(name).components().all(|c| matches!(c, Component::Normal(_)));
            if !plain || name.contains('\\') || name.is_empty() {
                return Err(AssetError::BadName(name.clone()));
            }
            let path = dir.join(name);
            let bytes = std::fs::read(&path).map_err(|source| AssetError::Read { path, source })?;
            files.insert(name.clone(), Asset::new(name, bytes));
        }
        Ok(Assets { files })
    }

    /// The asset called `name`, if the bundle has it.
    pub fn get(&self, name: &str) -> Option<&Asset> {
        self.files.get(name)
    }

    /// The asset a request path below `/assets/` names; the path may be percent-encoded
    /// (LINE fetches `写真.png` as `%E5%86%99%E7%9C%9F.png`).
    pub fn get_encoded(&self, path: &str) -> Option<&Asset> {
        match path.contains('%') {
            true => self.files.get(&percent_decode(path)?),
            false => self.files.get(path),
        }
    }

    /// Number of assets.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no assets.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

impl Asset {
    fn new(name: &str, bytes: Vec<u8>) -> Asset {
        let digest = Sha256::digest(&bytes);
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Asset {
            bytes: Bytes::from(bytes),
            content_type: content_type(name),
            etag: format!("\"{hex}\""),
        }
    }
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// The media type for a file name's extension.
fn content_type(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_listed_files_only() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.png"), b"png").unwrap();
        std::fs::write(dir.path().join("b.JPG"), b"jpg").unwrap();
        let names = vec!["a.png".to_owned(), "b.JPG".to_owned()];
        let assets = Assets::load(dir.path(), &names).unwrap();
        assert_eq!(assets.len(), 2);
        assert_eq!(assets.get("a.png").unwrap().content_type, "image/png");
        assert_eq!(assets.get("b.JPG").unwrap().content_type, "image/jpeg");
        assert_eq!(assets.get("a.png").unwrap().etag.len(), 18);
        assert!(assets.get("../a.png").is_none());
        assert!(assets.get_encoded("%61.png").is_some());
        assert!(assets.get_encoded("%2e%2e%2fa.png").is_none());
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(percent_decode("%E5%86%99.png").as_deref(), Some("写.png"));
        assert_eq!(percent_decode("a%20b").as_deref(), Some("a b"));
        for bad in ["%", "%4", "%zz", "%ff"] {
            assert_eq!(percent_decode(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_names_outside_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.png", "/etc/passwd", "a/../../x", "", "a\\..\\x"] {
            let err = Assets::load(dir.path(), &[bad.to_owned()]).unwrap_err();
            assert!(matches!(err, AssetError::BadName(_)), "{bad}");
        }
        let err = Assets::load(dir.path(), &["missing.png".to_owned()]).unwrap_err();
        assert!(matches!(err, AssetError::Read { .. }));
    }
}
