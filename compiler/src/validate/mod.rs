//! Build-time checks of every generated LINE message.
//!
//! LINE rejects a whole reply with `400` if any one of its messages is invalid, and nothing is sent
//! at all (<https://developers.line.biz/en/reference/messaging-api/#send-reply-message>). At run
//! time that means a parent taps a button and gets silence, and the cause is only in a log. So the
//! compiler checks every message it emits and reports problems to the staff who wrote the page,
//! before anything is deployed.
//!
//! Two complementary layers:
//! - [`schema`] validates against LINE's own OpenAPI spec (`messaging-api.yml`): field
//!   names, JSON types, required fields and enums, following `discriminator`s so that
//!   components nested in boxes are checked too (generic validators skip them);
//! - [`limits`] enforces the rules the spec does not encode (sizes, label lengths, URL schemes,
//!   value formats, which children a box layout allows), each a named constant citing the LINE
//!   documentation it comes from, with messages in Japanese for city staff.

mod actions;
mod components;
mod containers;
pub mod limits;
mod messages;
pub mod schema;
mod schema_model;
mod values;

#[cfg(test)]
mod tests;

pub use limits::{Violation, check_container, check_message, check_messages};
pub use schema::{OpenApi, SchemaError};
