//! Test-only cross-check of oyako's LINE requests against LINE's own OpenAPI spec
//! (`messaging-api.yml`, published at <https://github.com/line/line-openapi>).
//!
//! The spec is not copied into this repository. [`messaging_api`] reads it from
//! `$OYAKO_OPENAPI_DIR`, else from `../shared/line-openapi/` beside the checkout. Where it is
//! absent, a plain `cargo test` skips the cross-check (saying so on stderr), so a fresh clone
//! with nothing beside it passes; `bash .ci/run` fetches or finds the spec, checks its SHA-256
//! and sets `OYAKO_REQUIRE_OPENAPI=1`, under which a missing or broken spec fails loudly.
//!
//! - `schema` validates a JSON value against a named schema, following `discriminator`s;
//! - `model` parses the subset of OpenAPI schema keywords LINE's spec uses.

mod model;
mod schema;
#[cfg(test)]
mod tests;

use std::path::PathBuf;
use std::sync::OnceLock;

pub use schema::{MAX_STEPS, OpenApi, SchemaError};

/// Environment variable naming the directory that holds `messaging-api.yml`.
pub const DIR_VAR: &str = "OYAKO_OPENAPI_DIR";
/// Environment variable that makes a missing spec a test failure instead of a skip.
pub const REQUIRE_VAR: &str = "OYAKO_REQUIRE_OPENAPI";

/// Where the Messaging API spec is looked for.
pub fn spec_path() -> PathBuf {
    let dir = std::env::var_os(DIR_VAR).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/line-openapi"))
    });
    dir.join("messaging-api.yml")
}

/// LINE's Messaging API spec, parsed once per test binary; `None` when it is not on this
/// machine and not required (see the module docs).
///
/// # Panics
/// When the spec is required (`OYAKO_REQUIRE_OPENAPI` set) and missing, or present and broken:
/// the cross-check must never pass by not running.
pub fn messaging_api() -> Option<&'static OpenApi> {
    static SPEC: OnceLock<Option<OpenApi>> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = spec_path();
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if std::env::var_os(REQUIRE_VAR).is_some() => {
                panic!("{REQUIRE_VAR} is set but LINE's OpenAPI spec cannot be read at {}: {e}", path.display())
            }
            Err(_) => {
                eprintln!(
                    "note: LINE's OpenAPI spec is not at {} — cross-check skipped (bash .ci/run runs it)",
                    path.display()
                );
                return None;
            }
        };
        let spec = OpenApi::from_yaml(&text)
            .unwrap_or_else(|e| panic!("cannot load {}: {e}", path.display()));
        Some(spec)
    })
    .as_ref()
}

/// Problems of `value` against schema `name` of LINE's spec; empty when the spec is absent
/// and not required.
pub fn problems(name: &str, value: &serde_json::Value) -> Vec<String> {
    messaging_api().map(|api| api.validate(name, value)).unwrap_or_default()
}
