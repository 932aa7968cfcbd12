//! Webhook signature check (`x-line-signature`,
//! <https://developers.line.biz/en/reference/messaging-api/#signature-validation>).
//!
//! LINE signs the raw body bytes with HMAC-SHA256 keyed by the channel secret and sends the
//! Base64 digest. Anyone can reach the webhook URL, so nothing in a request is trusted, or even
//! parsed, before this check passes. The header is decoded and compared with `Mac::verify_slice`,
//! which runs in constant time, so response timing leaks nothing about the expected digest.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Name of the header carrying the signature (http's `HeaderMap` matches it case-insensitively).
pub const HEADER: &str = "x-line-signature";

/// Whether `header` is the Base64 HMAC-SHA256 of `body` under `secret`.
pub fn verify(secret: &[u8], body: &[u8], header: &[u8]) -> bool {
    let Ok(claimed) = STANDARD.decode(header) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else { return false };
    mac.update(body);
    mac.verify_slice(&claimed).is_ok()
}

/// The header value LINE would send for `body` (used by tests and tools).
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    let mut mac = match Hmac::<Sha256>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// LINE's documentation example
    /// (<https://developers.line.biz/en/docs/messaging-api/verify-webhook-signature/>).
    const DOC_SECRET: &str = "8c570fa6dd201bb328f1c1eac23a96d8";
    const DOC_BODY: &str = r#"{"destination":"U8e742f61d673b39c7fff3cecb7536ef0","events":[]}"#;
    const DOC_SIGNATURE: &str = "GhRKmvmHys4Pi8DxkF4+EayaH0OqtJtaZxgTD9fMDLs=";

    /// Secret `secret`, body `{"events":[]}`: Python's `hmac`, LINE's Python SDK and this code all
    /// give this signature.
    const SDK_SIGNATURE: &str = "pkK1lVPJPiJ+wPLziRD79xIxohl8AImYM8AEeM7IbzQ=";

    #[test]
    fn published_vectors() {
        assert!(verify(DOC_SECRET.as_bytes(), DOC_BODY.as_bytes(), DOC_SIGNATURE.as_bytes()));
        assert_eq!(sign(DOC_SECRET.as_bytes(), DOC_BODY.as_bytes()), DOC_SIGNATURE);
        assert!(verify(b"secret", br#"{"events":[]}"#, SDK_SIGNATURE.as_bytes()));
        assert_eq!(sign(b"secret", br#"{"events":[]}"#), SDK_SIGNATURE);
    }

    #[test]
    fn mismatches_are_rejected() {
        let (secret, body) = (DOC_SECRET.as_bytes(), DOC_BODY.as_bytes());
        let modified = DOC_BODY.replace("events", "Events");
        assert!(!verify(secret, modified.as_bytes(), DOC_SIGNATURE.as_bytes()));
        assert!(!verify(b"other", body, DOC_SIGNATURE.as_bytes()));
        assert!(!verify(secret, body, b""));
        assert!(!verify(secret, body, b"not base64!"));
        assert!(!verify(secret, body, &DOC_SIGNATURE.as_bytes()[..20]));
        let body_with_newline = format!("{DOC_BODY}\n");
        assert!(!verify(secret, body_with_newline.as_bytes(), DOC_SIGNATURE.as_bytes()));
    }
}
