//! The salt of user hashes, and the hash itself.
//!
//! A LINE user ID is personal data, so the journal stores HMAC-SHA256(salt, user ID) instead.
//! Without the salt nobody can check a guessed ID against the journal; with the same salt,
//! every replica and every restart gives a user the same pseudonym, so "one answer per user"
//! holds across them. The salt comes from `OYAKO_HASH_SALT` (set the same value on every
//! replica that does not share the state volume), else from `<state-dir>/salt`, created once
//! with mode 0600 from the kernel's random source and reused ever after.

use std::fs::{self, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// File name of the generated salt inside the state directory.
pub const SALT_FILE: &str = "salt";
/// Bytes of randomness in a generated salt.
const SALT_BYTES: usize = 32;
/// Bytes of the HMAC kept in a user hash (128 bits: no collisions among any city's parents).
const HASH_BYTES: usize = 16;

/// A secret salt whose `Debug` never shows it.
///
/// Held as the HMAC already keyed with it: keying costs two SHA-256 blocks, as much as hashing
/// an ID, and every journalled tap hashes one, so it is done once, not per tap.
#[derive(Clone)]
pub struct Salt(Hmac<Sha256>);

impl std::fmt::Debug for Salt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Salt(***)")
    }
}

impl Salt {
    /// A salt from given bytes (for `OYAKO_HASH_SALT` and tests).
    pub fn new(bytes: impl AsRef<[u8]>) -> Salt {
        let Ok(mac) = Hmac::<Sha256>::new_from_slice(bytes.as_ref()) else {
            unreachable!("HMAC accepts keys of any length")
        };
        Salt(mac)
    }

    /// `env_salt` when set and not blank, else the state directory's salt file (created
    /// on first use).
    pub fn load(state_dir: &Path, env_salt: Option<String>) -> io::Result<Salt> {
        match env_salt.filter(|s| !s.trim().is_empty()) {
            Some(s) => Ok(Salt::new(s.trim())),
            None => load_or_create(&state_dir.join(SALT_FILE)).map(Salt::new),
        }
    }

    /// The pseudonym of `user_id`: hex of the first 16 bytes of HMAC-SHA256(salt, id).
    pub fn hash(&self, user_id: &str) -> String {
        let mut mac = self.0.clone();
        mac.update(user_id.as_bytes());
        crate::logging::hex(&mac.finalize().into_bytes()[..HASH_BYTES])
    }
}

/// Reads the salt file, or creates it without ever exposing a partial one: the salt is
/// written and synced under a temporary name, then hard-linked into place, which fails when
/// another process (a replica on the same volume) got there first; its salt is used then.
/// Also makes the data key of [`crate::timed`] (32 random bytes as hex, mode 0600).
pub(crate) fn load_or_create(path: &Path) -> io::Result<Vec<u8>> {
    if let Some(salt) = read(path)? {
        return Ok(salt);
    }
    let mut random = [0u8; SALT_BYTES];
    fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
    let hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    let mut file =
        OpenOptions::new().write(true).create(true).truncate(true).mode(0o600).open(&tmp)?;
    file.write_all(hex.as_bytes())?;
    file.sync_all()?;
    let linked = fs::hard_link(&tmp, path);
    fs::remove_file(&tmp)?;
    match linked {
        Ok(()) => {
            if let Some(dir) = path.parent() {
                fs::File::open(dir)?.sync_all()?;
            }
            tracing::info!(path = %path.display(), "generated a secret file (mode 0600)");
            Ok(hex.into_bytes())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            read(path)?.ok_or_else(|| io::Error::other("the salt file is empty"))
        }
        Err(e) => Err(e),
    }
}

/// The salt in `path`; `None` when the file does not exist.
fn read(path: &Path) -> io::Result<Option<Vec<u8>>> {
    match fs::read_to_string(path) {
        Ok(text) if text.trim().is_empty() => Err(io::Error::other(format!(
            "{} is empty; delete it to make a new salt",
            path.display()
        ))),
        Ok(text) => Ok(Some(text.trim().as_bytes().to_vec())),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    #[test]
    fn generated_once_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let a = Salt::load(dir.path(), None).unwrap();
        let mode = fs::metadata(dir.path().join(SALT_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let b = Salt::load(dir.path(), None).unwrap();
        assert_eq!(a.hash("U1"), b.hash("U1"));
        assert_eq!(a.hash("U1").len(), 32);
        assert_ne!(a.hash("U1"), a.hash("U2"));
        let other = tempfile::tempdir().unwrap();
        assert_ne!(Salt::load(other.path(), None).unwrap().hash("U1"), a.hash("U1"));
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
        assert_eq!(format!("{a:?}"), "Salt(***)");
    }

    #[test]
    fn the_environment_wins_and_gives_known_hashes() {
        let dir = tempfile::tempdir().unwrap();
        let salt = Salt::load(dir.path(), Some("key".into())).unwrap();
        assert!(!dir.path().join(SALT_FILE).exists());
        // The widely published example HMAC-SHA256("key", "The quick brown fox jumps over the
        // lazy dog") = f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8.
        assert_eq!(
            salt.hash("The quick brown fox jumps over the lazy dog"),
            "f7bc83f430538424b13298e6aa6fb143"
        );
    }
}
