//! Reading and writing a bundle directory.
//!
//! Writing is all-or-nothing: everything goes to a fresh sibling directory first and is then
//! renamed into place, so a failed or interrupted build never leaves a half-written `dist/`
//! for the runtime to load.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::{ASSETS_DIR, BlobError, Bundle, FORMAT_VERSION, MANIFEST, REPLIES};

/// Text of the README kept in the output directory (the only file of it tracked by git).
pub const DIST_README: &str = "# dist/\n\nBuild output of `oyako build` (the bundle the runtime loads). \
Everything here except this README is ignored by git and rewritten on every build.\n";

/// Why a bundle could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The directory or manifest could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory concerned.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The manifest is not valid JSON of the expected shape.
    #[error("{path}: not a valid bundle manifest: {source}")]
    Json {
        /// The manifest path.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The bundle was written by an incompatible compiler.
    #[error(
        "bundle format version {found} is not supported (expected {FORMAT_VERSION}); rebuild it with this oyako"
    )]
    Version {
        /// The version found in the manifest.
        found: u32,
    },
    /// The manifest parsed but its parts do not fit together.
    #[error("bundle is inconsistent: {0}")]
    Inconsistent(String),
    /// A reply in the replies file is damaged.
    #[error(transparent)]
    Blob(#[from] BlobError),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> BundleError + '_ {
    move |source| BundleError::Io { path: path.to_path_buf(), source }
}

/// Reads and checks the bundle in `dir`.
pub fn load(dir: &Path) -> Result<Bundle, BundleError> {
    let path = dir.join(MANIFEST);
    let bytes = fs::read(&path).map_err(io_err(&path))?;
    #[derive(serde::Deserialize)]
    struct VersionOnly {
        format_version: u32,
    }
    let version: VersionOnly = serde_json::from_slice(&bytes)
        .map_err(|source| BundleError::Json { path: path.clone(), source })?;
    if version.format_version != FORMAT_VERSION {
        return Err(BundleError::Version { found: version.format_version });
    }
    let mut bundle: Bundle =
        serde_json::from_slice(&bytes).map_err(|source| BundleError::Json { path, source })?;
    let replies = dir.join(REPLIES);
    bundle.replies = fs::read(&replies).map_err(io_err(&replies))?;
    check_consistency(&bundle)?;
    bundle.check_blobs()?;
    Ok(bundle)
}

/// Checks the references inside a bundle, so the runtime can index without fallible lookups.
fn check_consistency(b: &Bundle) -> Result<(), BundleError> {
    let bad = |m: String| Err(BundleError::Inconsistent(m));
    // Registration words (`timed:…`) are answered by the runtime, not from the reply table.
    let known = |v: &String| {
        b.postbacks.contains_key(v)
            || (!b.timed.is_empty() && crate::postback::parse_timed(v).is_some())
    };
    if let Some((k, v)) = b.keywords.iter().find(|(_, v)| !known(v)) {
        return bad(format!("keyword {k:?} points at unknown postback {v:?}"));
    }
    if let Some(p) = b.pages.iter().find(|p| !b.postbacks.contains_key(&p.postback)) {
        return bad(format!("page {:?} has no reply", p.path));
    }
    if let Some(c) = &b.calendar {
        let known = |k: &str| b.postbacks.contains_key(k) || crate::manifest::is_special(k);
        if let Some(k) = c.replies.keys().find(|k| !known(k)) {
            return bad(format!("calendar varies reply {k:?}, which the bundle does not have"));
        }
        if let Some(k) = c.until.keys().find(|k| !b.postbacks.contains_key(*k)) {
            return bad(format!("calendar limits page {k:?}, which the bundle does not have"));
        }
    }
    if b.search.len() != b.pages.len() {
        return bad(format!(
            "search index has {} documents for {} pages",
            b.search.len(),
            b.pages.len()
        ));
    }
    Ok(())
}

/// Writes a bundle into `out` atomically.
///
/// `manifest` is the serialised [`Bundle`], `replies` its replies file; `assets` are
/// `(relative name, source file)` pairs copied under `assets/`; `extra` are
/// `(relative path, bytes)` files such as the preview.
pub fn write(
    manifest: &[u8],
    replies: &[u8],
    assets: &[(String, PathBuf)],
    extra: &[(String, Vec<u8>)],
    out: &Path,
) -> Result<(), BundleError> {
    let staging = sibling(out, "new");
    remove_dir_if_exists(&staging)?;
    fs::create_dir_all(&staging).map_err(io_err(&staging))?;
    write_file(&staging.join(MANIFEST), manifest)?;
    write_file(&staging.join(REPLIES), replies)?;
    write_file(&staging.join("README.md"), DIST_README.as_bytes())?;
    for (name, src) in assets {
        let dst = staging.join(ASSETS_DIR).join(name);
        create_parent(&dst)?;
        fs::copy(src, &dst).map_err(io_err(src))?;
    }
    write_extras(&staging, extra)?;
    swap_into_place(&staging, out)
}

/// Writes the extras (preview, rich-menu files) under `staging`, on every core: a
/// 10,000-page preview is ~80 MB in over a thousand files. They are not read by the runtime,
/// so no fsync is needed.
fn write_extras(staging: &Path, extra: &[(String, Vec<u8>)]) -> Result<(), BundleError> {
    use rayon::prelude::*;
    let dsts: Vec<PathBuf> = extra.iter().map(|(name, _)| staging.join(name)).collect();
    let mut parents: Vec<&Path> = dsts.iter().filter_map(|d| d.parent()).collect();
    parents.dedup();
    for p in parents {
        fs::create_dir_all(p).map_err(io_err(p))?;
    }
    dsts.par_iter()
        .zip(extra)
        .try_for_each(|(dst, (_, bytes))| fs::write(dst, bytes).map_err(io_err(dst)))
}

/// Replaces `out` by `staging`: two renames, so `out` is never a mix of old and new files.
fn swap_into_place(staging: &Path, out: &Path) -> Result<(), BundleError> {
    let old = sibling(out, "old");
    remove_dir_if_exists(&old)?;
    if out.exists() {
        fs::rename(out, &old).map_err(io_err(out))?;
    }
    fs::rename(staging, out).map_err(io_err(out))?;
    remove_dir_if_exists(&old)
}

fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let name = out.file_name().map_or_else(|| "dist".into(), |n| n.to_string_lossy().into_owned());
    out.with_file_name(format!(".{name}.{suffix}"))
}

fn remove_dir_if_exists(dir: &Path) -> Result<(), BundleError> {
    match fs::remove_dir_all(dir) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_err(dir)(e)),
        _ => Ok(()),
    }
}

fn create_parent(path: &Path) -> Result<(), BundleError> {
    match path.parent() {
        Some(p) => fs::create_dir_all(p).map_err(io_err(p)),
        None => Ok(()),
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<(), BundleError> {
    let mut f = fs::File::create(path).map_err(io_err(path))?;
    f.write_all(bytes).map_err(io_err(path))?;
    f.sync_all().map_err(io_err(path))
}
