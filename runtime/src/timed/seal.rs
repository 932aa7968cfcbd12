//! Encryption of every journal record: XChaCha20-Poly1305 (an AEAD, so a changed or torn
//! record fails to open instead of reading as something else) with a random 24-byte nonce per
//! record, which is safe at any number of records without a counter
//! (<https://docs.rs/chacha20poly1305/0.11.0>).
//!
//! The key is `OYAKO_DATA_KEY` (64 hex digits; set the same on every replica), else
//! `<state-dir>/data.key`, generated once with mode 0600 like the KPI salt. Losing the key
//! loses the registrations (they cannot be read), which is the point: a copied disk or backup
//! without the key shows neither a user ID nor a date.

use std::io;
use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD_NO_PAD;
use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

/// File name of the generated key in the state directory.
pub const KEY_FILE: &str = "data.key";
/// Associated data: binds records to this journal's format.
const AAD: &[u8] = b"oyako-timed-v1";
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;

/// The journal key; `Debug` never shows it.
#[derive(Clone)]
pub struct Sealer(XChaCha20Poly1305);

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Sealer(***)")
    }
}

impl Sealer {
    /// `env_key` (64 hex digits) when set, else the state directory's key file (created once).
    pub fn load(state_dir: &Path, env_key: Option<&str>) -> io::Result<Sealer> {
        let hex = match env_key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => k.as_bytes().to_vec(),
            None => crate::kpi::load_or_create_secret(&state_dir.join(KEY_FILE))?,
        };
        let bytes = decode_hex(&hex).ok_or_else(|| {
            io::Error::other("OYAKO_DATA_KEY (or data.key) must be 64 hex digits (32 bytes)")
        })?;
        Ok(Sealer::from_bytes(&bytes))
    }

    /// A key from 32 bytes (tests).
    pub fn from_bytes(bytes: &[u8; 32]) -> Sealer {
        let key = Key::from(*bytes);
        Sealer(XChaCha20Poly1305::new(&key))
    }

    /// `plain` encrypted, as one base64 line (no newline).
    pub fn seal(&self, plain: &[u8]) -> String {
        let nonce = XNonce::generate();
        let Ok(ct) = self.0.encrypt(&nonce, Payload { msg: plain, aad: AAD }) else {
            unreachable!("encryption fails only for inputs of 2^38 bytes")
        };
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        STANDARD_NO_PAD.encode(out)
    }

    /// The plain bytes of a sealed line; `None` when it is torn, changed or of another key.
    pub fn open(&self, line: &[u8]) -> Option<Vec<u8>> {
        let blob = STANDARD_NO_PAD.decode(line).ok()?;
        if blob.len() < NONCE_LEN + TAG_LEN {
            return None;
        }
        let (n, ct) = blob.split_at(NONCE_LEN);
        let nonce = XNonce::try_from(n).ok()?;
        self.0.decrypt(&nonce, Payload { msg: ct, aad: AAD }).ok()
    }
}

fn decode_hex(hex: &[u8]) -> Option<[u8; 32]> {
    let text = std::str::from_utf8(hex).ok()?.trim();
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(text.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// A new random child id: [`bundle::postback::CHILD_ID_LEN`] lower-case hex digits from the
/// operating system's random source.
pub fn random_id() -> String {
    let bytes = XNonce::generate();
    bytes.iter().take(bundle::postback::CHILD_ID_LEN / 2).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn round_trip_and_refusals() {
        let s = Sealer::from_bytes(&[7; 32]);
        let line = s.seal(b"U1234 2026-12-05");
        assert!(!line.contains("U1234") && !line.contains("2026"));
        assert_eq!(s.open(line.as_bytes()).unwrap(), b"U1234 2026-12-05");
        assert_ne!(s.seal(b"x"), s.seal(b"x"), "random nonces");
        assert!(s.open(&line.as_bytes()[..line.len() - 3]).is_none(), "torn");
        let mut changed = line.clone().into_bytes();
        changed[40] = if changed[40] == b'A' { b'B' } else { b'A' };
        assert!(s.open(&changed).is_none(), "changed");
        assert!(Sealer::from_bytes(&[8; 32]).open(line.as_bytes()).is_none(), "other key");
        assert!(s.open(b"").is_none() && s.open(b"!!").is_none());
    }

    #[test]
    fn key_file_is_generated_once_private() {
        let dir = tempfile::tempdir().unwrap();
        let a = Sealer::load(dir.path(), None).unwrap();
        let mode = std::fs::metadata(dir.path().join(KEY_FILE)).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        let b = Sealer::load(dir.path(), None).unwrap();
        assert_eq!(b.open(a.seal(b"x").as_bytes()).unwrap(), b"x");
        let env = "00".repeat(32);
        assert!(
            Sealer::load(dir.path(), Some(&env)).unwrap().open(a.seal(b"x").as_bytes()).is_none()
        );
        assert!(Sealer::load(dir.path(), Some("abc")).is_err());
        assert_eq!(format!("{a:?}"), "Sealer(***)");
    }
}
