//! Validation of JSON values against LINE's OpenAPI schemas (`messaging-api.yml`).
//!
//! Generic JSON Schema validators ignore OpenAPI's `discriminator`, so a Flex component nested in a
//! box (typed only as the abstract `FlexComponent`) would never be checked against `FlexBox`,
//! `FlexText`, … (<https://github.com/line/line-openapi/blob/main/messaging-api.yml>). This
//! validator follows discriminators itself.
//!
//! Inheritance in the spec is `Child: allOf: [$ref Parent, {…}]` while `Parent` carries the
//! discriminator that maps back to `Child`. Two rules keep that from looping:
//! - a schema reached through `allOf` is a base of the value's already chosen type, so its
//!   discriminator does not dispatch again: its own keywords are checked, and the tag only
//!   has to select the type being checked (a carousel where a bubble belongs fails);
//! - a named schema already being checked for the same value location is skipped, so when
//!   `Parent` dispatches to `Child`, `Child`'s `$ref` back to `Parent` adds nothing twice.
//!
//! Every recursion step is counted, and past [`MAX_STEPS`] the validator reports an error
//! instead of growing the stack.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{Discriminator, Schema, parse_schemas, references};

/// Deepest chain of schema steps (`$ref`, `allOf`, property, item, …) followed for one value.
/// A Flex box level takes about four steps, so the 128 JSON levels serde_json parses (64 box
/// levels) stay far below it, while hostile input cannot overflow the stack.
pub const MAX_STEPS: usize = 1000;

/// Why an OpenAPI document could not be loaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The text is not YAML (or JSON) that maps onto a document tree.
    #[error("cannot parse the OpenAPI document: {0}")]
    Yaml(String),
    /// There is no `components.schemas` mapping to validate against.
    #[error("the OpenAPI document has no components.schemas mapping")]
    NoSchemas,
    /// A schema uses a keyword in a shape this validator does not support.
    #[error("{at}: {message}")]
    Invalid {
        /// Dotted location inside the document, e.g. `components.schemas.FlexBox.allOf[1]`.
        at: String,
        /// What is wrong there.
        message: String,
    },
    /// A `$ref` or discriminator mapping names a schema that does not exist.
    #[error("{at}: reference to unknown schema '{name}'")]
    UnknownRef {
        /// Dotted location of the reference.
        at: String,
        /// The missing schema name.
        name: String,
    },
}

/// The `components.schemas` of one OpenAPI document, ready to validate values.
#[derive(Debug, Clone)]
pub struct OpenApi {
    schemas: BTreeMap<String, Schema>,
}

impl OpenApi {
    /// Parses an OpenAPI YAML document (JSON, being YAML, works too) and checks that every
    /// reference resolves, so a broken spec fails here rather than passing values silently.
    pub fn from_yaml(text: &str) -> Result<Self, SchemaError> {
        // YAML 1.1 reads `y` and `n` as booleans, which would turn ImagemapArea's
        // `required: [x, y, …]` into `[x, true, …]`; OpenAPI documents mean YAML 1.2 strings.
        let mut options = serde_saphyr::Options::default();
        options.strict_booleans = true;
        let doc: Value = serde_saphyr::from_str_with_options(text, options)
            .map_err(|e| SchemaError::Yaml(e.to_string()))?;
        let schemas = doc
            .get("components")
            .and_then(|c| c.get("schemas"))
            .and_then(Value::as_object)
            .ok_or(SchemaError::NoSchemas)?;
        let schemas = parse_schemas(schemas)?;
        let mut refs = Vec::new();
        for (name, schema) in &schemas {
            references(schema, &format!("components.schemas.{name}"), &mut refs);
        }
        if let Some((at, name)) = refs.into_iter().find(|(_, name)| !schemas.contains_key(*name)) {
            let name = name.to_owned();
            return Err(SchemaError::UnknownRef { at, name });
        }
        Ok(Self { schemas })
    }

    /// Validates `value` against `components.schemas[name]`; returns every problem as
    /// "pointer: message", where pointer is an RFC 6901 JSON pointer or `(root)`.
    pub fn validate(&self, name: &str, value: &Value) -> Vec<String> {
        let mut v =
            Validator { api: self, errors: Vec::new(), active: Vec::new(), too_deep: false };
        if self.schemas.contains_key(name) {
            v.check_named(name, value, "", 0, false);
        } else {
            v.error("", format!("unknown schema '{name}'"));
        }
        v.errors
    }
}

/// State of one validation run.
struct Validator<'a> {
    api: &'a OpenApi,
    errors: Vec<String>,
    /// Named schemas being checked right now, with the value location each applies to.
    active: Vec<(&'a str, String)>,
    /// Set once [`MAX_STEPS`] is exceeded; the run then unwinds without further checks.
    too_deep: bool,
}

impl<'a> Validator<'a> {
    fn error(&mut self, ptr: &str, message: impl AsRef<str>) {
        let ptr = if ptr.is_empty() { "(root)" } else { ptr };
        self.errors.push(format!("{ptr}: {}", message.as_ref()));
    }

    /// Checks `value` against the named schema unless that is already under way for `ptr`.
    /// `via_all_of` as in [`Validator::check`]: a base reached through `allOf` contributes
    /// its own keywords but does not dispatch on its discriminator.
    fn check_named(
        &mut self,
        name: &str,
        value: &Value,
        ptr: &str,
        steps: usize,
        via_all_of: bool,
    ) {
        let Some((name, schema)) = self.api.schemas.get_key_value(name) else {
            // from_yaml verified every reference, so only `validate`'s argument can miss.
            self.error(ptr, format!("unknown schema '{name}'"));
            return;
        };
        if self.active.iter().any(|(n, p)| *n == name && p == ptr) {
            return;
        }
        self.active.push((name, ptr.to_owned()));
        self.check(schema, value, ptr, steps + 1, via_all_of);
        self.active.pop();
    }

    /// Checks `value` at `ptr` against `schema`. `via_all_of` is set when `schema` is a base
    /// of a type chosen already, in which case its discriminator does not dispatch again.
    fn check(
        &mut self,
        schema: &'a Schema,
        value: &Value,
        ptr: &str,
        steps: usize,
        via_all_of: bool,
    ) {
        if self.too_deep {
            return;
        }
        if steps > MAX_STEPS {
            self.too_deep = true;
            let msg = format!("nested deeper than {MAX_STEPS} schema steps; validation stopped");
            self.error(ptr, msg);
            return;
        }
        if let Some(name) = &schema.reference {
            self.check_named(name, value, ptr, steps, via_all_of);
            return;
        }
        if value.is_null() && schema.nullable {
            return;
        }
        if let Some(ty) = schema.ty
            && !ty.matches(value)
        {
            self.error(ptr, format!("expected {}, got {}", ty.name(), kind(value)));
            return;
        }
        self.check_enum(schema, value, ptr);
        self.check_bounds(schema, value, ptr);
        if let Value::Array(items) = value
            && let Some(item_schema) = &schema.items
        {
            for (i, item) in items.iter().enumerate() {
                self.check(item_schema, item, &index(ptr, i), steps + 1, false);
            }
        }
        if let Value::Object(_) = value {
            self.check_object(schema, value, ptr, steps);
        }
        for base in &schema.all_of {
            self.check(base, value, ptr, steps + 1, true);
        }
        self.check_alternatives(schema, value, ptr, steps);
        if let Some(d) = &schema.discriminator {
            self.discriminate(d, schema, value, ptr, steps, via_all_of);
        }
    }

    fn check_enum(&mut self, schema: &Schema, value: &Value, ptr: &str) {
        if let Some(allowed) = &schema.enum_values
            && !allowed.contains(value)
        {
            let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
            self.error(ptr, format!("{value} is not one of [{}]", list.join(", ")));
        }
    }

    /// Length, count and range keywords; each applies only to its own JSON type.
    fn check_bounds(&mut self, schema: &Schema, value: &Value, ptr: &str) {
        let (len, unit) = match value {
            Value::String(s) => (s.chars().count(), "characters"),
            Value::Array(items) => (items.len(), "items"),
            _ => (0, ""),
        };
        let (min, max) = match value {
            Value::String(_) => (schema.min_length, schema.max_length),
            Value::Array(_) => (schema.min_items, schema.max_items),
            _ => (None, None),
        };
        let len = len as u64;
        if let Some(min) = min.filter(|m| len < *m) {
            self.error(ptr, format!("has {len} {unit}, fewer than the minimum {min}"));
        }
        if let Some(max) = max.filter(|m| len > *m) {
            self.error(ptr, format!("has {len} {unit}, more than the maximum {max}"));
        }
        if let Some(n) = value.as_f64() {
            if let Some(min) = schema.minimum.filter(|m| n < *m) {
                self.error(ptr, format!("{value} is less than the minimum {min}"));
            }
            if let Some(max) = schema.maximum.filter(|m| n > *m) {
                self.error(ptr, format!("{value} is greater than the maximum {max}"));
            }
        }
    }

    /// `required`, `properties` and `additionalProperties`; unknown keys pass (OpenAPI default).
    fn check_object(&mut self, schema: &'a Schema, value: &Value, ptr: &str, steps: usize) {
        let Value::Object(obj) = value else { return };
        for name in &schema.required {
            if !obj.contains_key(name) {
                self.error(ptr, format!("missing required property '{name}'"));
            }
        }
        for (key, child) in obj {
            let child_ptr = at(ptr, key);
            match schema.properties.get(key) {
                Some(prop) => self.check(prop, child, &child_ptr, steps + 1, false),
                None => {
                    if let Some(extra) = &schema.additional_properties {
                        self.check(extra, child, &child_ptr, steps + 1, false);
                    }
                }
            }
        }
    }

    /// `anyOf` (at least one branch passes) and `oneOf` (exactly one passes). When none
    /// passes, the errors of the closest branch are reported to say what to fix.
    fn check_alternatives(&mut self, schema: &'a Schema, value: &Value, ptr: &str, steps: usize) {
        for (keyword, branches) in [("anyOf", &schema.any_of), ("oneOf", &schema.one_of)] {
            if branches.is_empty() {
                continue;
            }
            let results: Vec<Vec<String>> =
                branches.iter().map(|b| self.trial(b, value, ptr, steps)).collect();
            let passing = results.iter().filter(|r| r.is_empty()).count();
            if passing == 0 {
                let n = branches.len();
                self.error(ptr, format!("matches none of the {n} {keyword} alternatives"));
                let closest = results.into_iter().min_by_key(Vec::len).unwrap_or_default();
                self.errors.extend(closest);
            } else if keyword == "oneOf" && passing > 1 {
                self.error(
                    ptr,
                    format!("matches {passing} oneOf alternatives, expected exactly one"),
                );
            }
        }
    }

    /// Runs one alternative on the side and returns its errors.
    fn trial(&mut self, branch: &'a Schema, value: &Value, ptr: &str, steps: usize) -> Vec<String> {
        let saved = std::mem::take(&mut self.errors);
        self.check(branch, value, ptr, steps + 1, false);
        std::mem::replace(&mut self.errors, saved)
    }

    /// Follows a discriminator: picks the concrete schema named by the tag property and checks
    /// the value with it. When `schema` is a base reached through `allOf`, the concrete type
    /// is already chosen, so the tag is only required to select that same type.
    fn discriminate(
        &mut self,
        d: &'a Discriminator,
        schema: &Schema,
        value: &Value,
        ptr: &str,
        steps: usize,
        via_all_of: bool,
    ) {
        let Value::Object(obj) = value else { return };
        let prop = d.property.as_str();
        let tag = match obj.get(prop) {
            Some(Value::String(tag)) => tag.as_str(),
            // Missing or mistyped tags declared by the schema were reported by check_object.
            Some(other) => {
                if !schema.properties.contains_key(prop) {
                    self.error(&at(ptr, prop), format!("expected string, got {}", kind(other)));
                }
                return;
            }
            None => {
                if !schema.required.iter().any(|r| r == prop) {
                    self.error(ptr, format!("missing required property '{prop}'"));
                }
                return;
            }
        };
        // OpenAPI's implicit mapping: without an explicit entry, the tag names the schema.
        let implicit = || self.api.schemas.contains_key(tag).then_some(tag);
        let Some(target) = d.mapping.get(tag).map(String::as_str).or_else(implicit) else {
            self.error(&at(ptr, prop), format!("unknown {prop} '{tag}'"));
            return;
        };
        if !via_all_of {
            self.check_named(target, value, ptr, steps, false);
            return;
        }
        let at_ptr = || self.active.iter().filter(|(_, p)| p == ptr);
        let selected = at_ptr().any(|(name, _)| *name == target);
        if let Some((current, _)) = at_ptr().next()
            && !selected
        {
            let msg =
                format!("{prop} '{tag}' selects {target}, but the value is checked as {current}");
            self.error(&at(ptr, prop), msg);
        }
    }
}

/// JSON kind of a value, for "expected X, got Y".
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Appends an object key to a JSON pointer (RFC 6901 escaping).
fn at(pointer: &str, key: &str) -> String {
    format!("{pointer}/{}", key.replace('~', "~0").replace('/', "~1"))
}

/// Appends an array index to a JSON pointer.
fn index(pointer: &str, i: usize) -> String {
    format!("{pointer}/{i}")
}
