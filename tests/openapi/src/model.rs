//! The subset of OpenAPI 3.0 schema objects that LINE's `messaging-api.yml` uses, parsed
//! once into typed form so that validation never re-interprets YAML and a malformed or
//! unsupported spec fails loudly at load time instead of silently passing everything.
//!
//! Keywords without a validation meaning for us (`description`, `format`, `example`,
//! `default`, `externalDocs`, `title`, …) are ignored. `pattern` is ignored too: the three
//! patterns in the spec guard request headers and IDs we never build, and honouring it would
//! need a regex engine.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::schema::SchemaError;

/// Where `$ref`s must point; the spec uses no other kind of reference.
pub(crate) const REF_PREFIX: &str = "#/components/schemas/";

/// Deepest inline nesting of schema objects accepted while parsing (a guard, not a spec rule;
/// LINE's spec nests at most a handful of levels).
const MAX_PARSE_DEPTH: usize = 64;

/// JSON types an OpenAPI 3.0 `type` can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum JsonType {
    Object,
    Array,
    String,
    Integer,
    Number,
    Boolean,
}

impl JsonType {
    fn parse(name: &str) -> Option<Self> {
        Some(match name {
            "object" => Self::Object,
            "array" => Self::Array,
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            _ => return None,
        })
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Object => "object",
            Self::Array => "array",
            Self::String => "string",
            Self::Integer => "integer",
            Self::Number => "number",
            Self::Boolean => "boolean",
        }
    }

    /// Whether `value` has this type; an integer is any number without a fractional part.
    pub(crate) fn matches(self, value: &Value) -> bool {
        match (self, value) {
            (Self::Object, Value::Object(_))
            | (Self::Array, Value::Array(_))
            | (Self::String, Value::String(_))
            | (Self::Number, Value::Number(_))
            | (Self::Boolean, Value::Bool(_)) => true,
            (Self::Integer, Value::Number(n)) => {
                n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
            }
            _ => false,
        }
    }
}

/// OpenAPI `discriminator`: which property selects the concrete schema, and how.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Discriminator {
    pub(crate) property: String,
    /// Property value → schema name (already stripped of [`REF_PREFIX`]).
    pub(crate) mapping: BTreeMap<String, String>,
}

/// One schema object. Empty collections and `None` mean "keyword absent".
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Schema {
    /// `$ref` target name; per OpenAPI 3.0 a `$ref` object's other keys are ignored.
    pub(crate) reference: Option<String>,
    pub(crate) ty: Option<JsonType>,
    pub(crate) nullable: bool,
    pub(crate) required: Vec<String>,
    pub(crate) properties: BTreeMap<String, Schema>,
    /// Only the schema form; `true`/`false` are accepted but not enforced (LINE's spec
    /// never uses them, and unknown keys pass in OpenAPI by default).
    pub(crate) additional_properties: Option<Box<Schema>>,
    pub(crate) items: Option<Box<Schema>>,
    pub(crate) enum_values: Option<Vec<Value>>,
    pub(crate) min_length: Option<u64>,
    pub(crate) max_length: Option<u64>,
    pub(crate) min_items: Option<u64>,
    pub(crate) max_items: Option<u64>,
    pub(crate) minimum: Option<f64>,
    pub(crate) maximum: Option<f64>,
    pub(crate) all_of: Vec<Schema>,
    pub(crate) one_of: Vec<Schema>,
    pub(crate) any_of: Vec<Schema>,
    pub(crate) discriminator: Option<Discriminator>,
}

/// Parses every entry of `components.schemas`.
pub(crate) fn parse_schemas(
    schemas: &Map<String, Value>,
) -> Result<BTreeMap<String, Schema>, SchemaError> {
    let mut out = BTreeMap::new();
    for (name, value) in schemas {
        let at = format!("components.schemas.{name}");
        out.insert(name.clone(), parse(value, &at, 0)?);
    }
    Ok(out)
}

fn invalid(at: &str, message: impl Into<String>) -> SchemaError {
    SchemaError::Invalid { at: at.to_owned(), message: message.into() }
}

/// Parses one schema object found at `at` (a dotted location for error messages).
fn parse(value: &Value, at: &str, depth: usize) -> Result<Schema, SchemaError> {
    if depth > MAX_PARSE_DEPTH {
        return Err(invalid(at, format!("schema nested deeper than {MAX_PARSE_DEPTH} levels")));
    }
    let Value::Object(obj) = value else {
        return Err(invalid(at, "a schema must be a mapping"));
    };
    if let Some(reference) = obj.get("$ref") {
        return Ok(Schema {
            reference: Some(parse_ref(reference, &format!("{at}.$ref"))?),
            ..Schema::default()
        });
    }
    let sub = |key: &str| -> Result<Option<Box<Schema>>, SchemaError> {
        match obj.get(key) {
            None | Some(Value::Bool(_)) => Ok(None),
            Some(v) => Ok(Some(Box::new(parse(v, &format!("{at}.{key}"), depth + 1)?))),
        }
    };
    let list = |key: &str| -> Result<Vec<Schema>, SchemaError> {
        let Some(v) = obj.get(key) else { return Ok(Vec::new()) };
        let Value::Array(items) = v else {
            return Err(invalid(&format!("{at}.{key}"), "must be a list of schemas"));
        };
        let parse_item = |(i, s): (usize, &Value)| parse(s, &format!("{at}.{key}[{i}]"), depth + 1);
        items.iter().enumerate().map(parse_item).collect()
    };
    let mut properties = BTreeMap::new();
    if let Some(props) = obj.get("properties") {
        let Value::Object(props) = props else {
            return Err(invalid(&format!("{at}.properties"), "must be a mapping"));
        };
        for (name, s) in props {
            let prop = parse(s, &format!("{at}.properties.{name}"), depth + 1)?;
            properties.insert(name.clone(), prop);
        }
    }
    Ok(Schema {
        reference: None,
        ty: parse_type(obj, at)?,
        nullable: obj.get("nullable").and_then(Value::as_bool).unwrap_or(false),
        required: parse_required(obj, at)?,
        properties,
        additional_properties: sub("additionalProperties")?,
        items: sub("items")?,
        enum_values: parse_enum(obj, at)?,
        min_length: parse_count(obj, at, "minLength")?,
        max_length: parse_count(obj, at, "maxLength")?,
        min_items: parse_count(obj, at, "minItems")?,
        max_items: parse_count(obj, at, "maxItems")?,
        minimum: parse_number(obj, at, "minimum")?,
        maximum: parse_number(obj, at, "maximum")?,
        all_of: list("allOf")?,
        one_of: list("oneOf")?,
        any_of: list("anyOf")?,
        discriminator: parse_discriminator(obj, at)?,
    })
}

fn parse_ref(value: &Value, at: &str) -> Result<String, SchemaError> {
    let name = value
        .as_str()
        .and_then(|r| r.strip_prefix(REF_PREFIX))
        .filter(|name| !name.is_empty() && !name.contains('/'));
    match name {
        Some(name) => Ok(name.to_owned()),
        None => Err(invalid(
            at,
            format!("only \"{REF_PREFIX}<Name>\" references are supported, got {value}"),
        )),
    }
}

fn parse_type(obj: &Map<String, Value>, at: &str) -> Result<Option<JsonType>, SchemaError> {
    match obj.get("type") {
        None => Ok(None),
        Some(v) => v
            .as_str()
            .and_then(JsonType::parse)
            .map(Some)
            .ok_or_else(|| invalid(&format!("{at}.type"), format!("unsupported type {v}"))),
    }
}

fn parse_required(obj: &Map<String, Value>, at: &str) -> Result<Vec<String>, SchemaError> {
    let Some(v) = obj.get("required") else { return Ok(Vec::new()) };
    let names = v.as_array().and_then(|items| {
        items.iter().map(|i| i.as_str().map(str::to_owned)).collect::<Option<Vec<_>>>()
    });
    names.ok_or_else(|| invalid(&format!("{at}.required"), "must be a list of property names"))
}

fn parse_enum(obj: &Map<String, Value>, at: &str) -> Result<Option<Vec<Value>>, SchemaError> {
    match obj.get("enum") {
        None => Ok(None),
        Some(Value::Array(values)) => Ok(Some(values.clone())),
        Some(_) => Err(invalid(&format!("{at}.enum"), "must be a list")),
    }
}

fn parse_count(obj: &Map<String, Value>, at: &str, key: &str) -> Result<Option<u64>, SchemaError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| invalid(&format!("{at}.{key}"), "must be a non-negative integer")),
    }
}

fn parse_number(obj: &Map<String, Value>, at: &str, key: &str) -> Result<Option<f64>, SchemaError> {
    match obj.get(key) {
        None => Ok(None),
        Some(v) => {
            v.as_f64().map(Some).ok_or_else(|| invalid(&format!("{at}.{key}"), "must be a number"))
        }
    }
}

fn parse_discriminator(
    obj: &Map<String, Value>,
    at: &str,
) -> Result<Option<Discriminator>, SchemaError> {
    let Some(d) = obj.get("discriminator") else { return Ok(None) };
    let at = format!("{at}.discriminator");
    let property = d
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or_else(|| invalid(&at, "propertyName must be a string"))?
        .to_owned();
    let mut mapping = BTreeMap::new();
    if let Some(m) = d.get("mapping") {
        let Value::Object(m) = m else {
            return Err(invalid(&format!("{at}.mapping"), "must be a mapping"));
        };
        for (key, target) in m {
            let name = parse_ref(target, &format!("{at}.mapping.{key}"))?;
            mapping.insert(key.clone(), name);
        }
    }
    Ok(Some(Discriminator { property, mapping }))
}

/// Every schema name referenced from `schema`, with where, for the "all refs resolve" check.
pub(crate) fn references<'a>(schema: &'a Schema, at: &str, out: &mut Vec<(String, &'a str)>) {
    if let Some(name) = &schema.reference {
        out.push((at.to_owned(), name));
    }
    if let Some(d) = &schema.discriminator {
        for (key, name) in &d.mapping {
            out.push((format!("{at}.discriminator.mapping.{key}"), name));
        }
    }
    for (name, prop) in &schema.properties {
        references(prop, &format!("{at}.properties.{name}"), out);
    }
    for (key, sub) in
        [("items", &schema.items), ("additionalProperties", &schema.additional_properties)]
    {
        if let Some(sub) = sub {
            references(sub, &format!("{at}.{key}"), out);
        }
    }
    for (key, list) in
        [("allOf", &schema.all_of), ("oneOf", &schema.one_of), ("anyOf", &schema.any_of)]
    {
        for (i, sub) in list.iter().enumerate() {
            references(sub, &format!("{at}.{key}[{i}]"), out);
        }
    }
}
