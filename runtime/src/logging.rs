//! Logging set-up and the one rule about what may be logged.
//!
//! Logs go to stderr through `tracing`, filtered by `OYAKO_LOG` (a `tracing_subscriber` `Targets`
//! string such as `info` or `runtime=debug,hyper=warn`; the `env-filter` feature is avoided because
//! it pulls in regex, about 20 s more per release build). Human-readable text by default, JSON
//! lines for log collectors with `--log-format json` or `OYAKO_LOG_FORMAT=json`. Parents' LINE user
//! IDs are personal data: they are logged only as [`hash_id`], never raw, and secrets never at all.

use sha2::{Digest, Sha256};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Filter used when `OYAKO_LOG` is unset: our crates at info, dependencies at warn.
const DEFAULT_FILTER: &str = "warn,runtime=info,compiler=info,oyako=info";

/// Output format of the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

impl Format {
    /// The format named by `flag`, else by `OYAKO_LOG_FORMAT`, else text.
    pub fn resolve(flag: Option<&str>) -> Result<Format, String> {
        let env = std::env::var("OYAKO_LOG_FORMAT").ok();
        match flag.or(env.as_deref()).map(str::trim) {
            None | Some("" | "text") => Ok(Format::Text),
            Some("json") => Ok(Format::Json),
            Some(other) => Err(format!("unknown log format {other:?} (expected text or json)")),
        }
    }
}

/// Installs the global subscriber (a second call does nothing).
pub fn init(format: Format) {
    let spec = std::env::var("OYAKO_LOG").or_else(|_| std::env::var("RUST_LOG")).ok();
    let (targets, bad) = match spec.as_deref().map(str::parse::<Targets>) {
        Some(Ok(targets)) => (targets, None),
        Some(Err(e)) => (default_targets(), Some(e.to_string())),
        None => (default_targets(), None),
    };
    // Colours only on a terminal: escape codes would litter journald and log files.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let layer = tracing_subscriber::fmt::layer().with_writer(std::io::stderr).with_ansi(ansi);
    let result = match format {
        Format::Text => tracing_subscriber::registry().with(layer.with_filter(targets)).try_init(),
        Format::Json => {
            let layer = layer.json().flatten_event(true).with_current_span(false);
            tracing_subscriber::registry().with(layer.with_filter(targets)).try_init()
        }
    };
    if let (Ok(()), Some(e)) = (result, bad) {
        tracing::warn!(error = %e, "OYAKO_LOG is not a valid filter; using the default");
    }
}

fn default_targets() -> Targets {
    DEFAULT_FILTER.parse().unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO))
}

/// A stable pseudonym for a user ID: the first 12 hex digits of its SHA-256.
pub fn hash_id(id: &str) -> String {
    hex(&Sha256::digest(id.as_bytes())[..6])
}

/// Lower-case hex of `bytes`, written into one allocation (this runs per webhook event).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_short_and_stable() {
        let h = hash_id("U4af4980629a1b2c3d4e5f60718293a4b");
        assert_eq!(h.len(), 12);
        assert_eq!(h, hash_id("U4af4980629a1b2c3d4e5f60718293a4b"));
        assert_eq!(hash_id("abc"), "ba7816bf8f01");
        assert_eq!(hex(&[0, 0x0f, 0xa5, 0xff]), "000fa5ff");
    }

    #[test]
    fn formats() {
        assert_eq!(Format::resolve(Some("json")), Ok(Format::Json));
        assert_eq!(Format::resolve(Some("text")), Ok(Format::Text));
        assert!(Format::resolve(Some("xml")).is_err());
    }
}
