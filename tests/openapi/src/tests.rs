//! The validator on small inline specs, for the keywords LINE's spec barely uses.

use serde_json::json;

use crate::{OpenApi, SchemaError};

#[test]
fn from_yaml_reports_broken_documents() {
    assert!(matches!(OpenApi::from_yaml("a: [1, 2"), Err(SchemaError::Yaml(_))));
    assert!(matches!(OpenApi::from_yaml("openapi: 3.0.0\n"), Err(SchemaError::NoSchemas)));
    let unknown = "components:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n";
    match OpenApi::from_yaml(unknown) {
        Err(SchemaError::UnknownRef { at, name }) => {
            assert_eq!((at.as_str(), name.as_str()), ("components.schemas.A", "B"));
        }
        other => panic!("expected UnknownRef, got {other:?}"),
    }
    let external = "components:\n  schemas:\n    A:\n      $ref: 'other.yml#/A'\n";
    assert!(matches!(OpenApi::from_yaml(external), Err(SchemaError::Invalid { .. })));
    let bad_type = "components:\n  schemas:\n    A:\n      type: date\n";
    let err = OpenApi::from_yaml(bad_type).map(|_| ()).unwrap_err();
    assert_eq!(err.to_string(), "components.schemas.A.type: unsupported type \"date\"");
}

/// A small spec exercising keywords LINE's spec uses rarely or not at all.
const MINI: &str = r##"
components:
  schemas:
    Pet:
      type: object
      required: [kind]
      properties:
        kind: {type: string}
        age: {type: integer, minimum: 0, maximum: 30, nullable: true}
        tags:
          type: object
          additionalProperties: {type: string, maxLength: 3}
      discriminator:
        propertyName: kind
        mapping:
          cat: "#/components/schemas/Cat"
    Cat:
      allOf:
        - $ref: "#/components/schemas/Pet"
        - type: object
          required: [meows]
          properties:
            meows: {type: boolean}
    Dog:
      allOf:
        - $ref: "#/components/schemas/Pet"
    Either:
      anyOf:
        - {type: string, minLength: 2}
        - {type: integer}
    Exactly:
      oneOf:
        - {type: integer}
        - {type: number}
"##;

fn mini() -> OpenApi {
    OpenApi::from_yaml(MINI).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn discriminator_explicit_and_implicit_mapping() {
    let api = mini();
    assert_eq!(api.validate("Pet", &json!({"kind": "cat", "meows": true})), Vec::<String>::new());
    assert_eq!(
        api.validate("Pet", &json!({"kind": "cat"})),
        vec!["(root): missing required property 'meows'"]
    );
    // "Dog" is not in the mapping but names a schema: OpenAPI's implicit mapping.
    assert_eq!(api.validate("Pet", &json!({"kind": "Dog"})), Vec::<String>::new());
    assert_eq!(api.validate("Pet", &json!({"kind": "cow"})), vec!["/kind: unknown kind 'cow'"]);
    // Entering at the child checks the parent's own keywords once, without dispatching.
    assert_eq!(
        api.validate("Cat", &json!({"kind": "cat", "meows": true, "age": -1})),
        vec!["/age: -1 is less than the minimum 0"]
    );
}

#[test]
fn a_tag_naming_another_type_fails_when_a_concrete_type_is_expected() {
    let api = mini();
    let expected = "/kind: kind 'Dog' selects Dog, but the value is checked as Cat";
    assert_eq!(api.validate("Cat", &json!({"kind": "Dog", "meows": true})), vec![expected]);
    assert_eq!(
        api.validate("Cat", &json!({"kind": "cow", "meows": true})),
        vec!["/kind: unknown kind 'cow'"]
    );
    // In LINE's spec: a carousel may only hold bubbles, so a nested carousel is refused.
    let Some(line) = crate::messaging_api() else { return };
    let inner = json!({"type": "carousel", "contents": []});
    let outer = json!({"type": "flex", "altText": "a",
        "contents": {"type": "carousel", "contents": [inner]}});
    let expected = "/contents/contents/0/type: type 'carousel' selects FlexCarousel, but the value is checked as FlexBubble";
    assert_eq!(line.validate("Message", &outer), vec![expected]);
}

#[test]
fn nullable_additional_properties_and_ranges() {
    let api = mini();
    assert_eq!(api.validate("Dog", &json!({"kind": "Dog", "age": null})), Vec::<String>::new());
    assert_eq!(
        api.validate("Dog", &json!({"kind": "Dog", "age": 31})),
        vec!["/age: 31 is greater than the maximum 30"]
    );
    assert_eq!(
        api.validate("Dog", &json!({"kind": "Dog", "age": 2.5})),
        vec!["/age: expected integer, got number"]
    );
    let tags = json!({"kind": "Dog", "tags": {"a": "abc", "b": "abcd", "c": 1}});
    assert_eq!(
        api.validate("Dog", &tags),
        vec![
            "/tags/b: has 4 characters, more than the maximum 3",
            "/tags/c: expected string, got integer",
        ]
    );
    // Unknown keys pass (OpenAPI default).
    assert_eq!(
        api.validate("Dog", &json!({"kind": "Dog", "colour": "brown"})),
        Vec::<String>::new()
    );
}

#[test]
fn any_of_and_one_of() {
    let api = mini();
    assert_eq!(api.validate("Either", &json!("ab")), Vec::<String>::new());
    assert_eq!(api.validate("Either", &json!(3)), Vec::<String>::new());
    assert_eq!(
        api.validate("Either", &json!("a")),
        vec![
            "(root): matches none of the 2 anyOf alternatives",
            "(root): has 1 characters, fewer than the minimum 2",
        ]
    );
    assert_eq!(api.validate("Exactly", &json!(1.5)), Vec::<String>::new());
    assert_eq!(
        api.validate("Exactly", &json!(1)),
        vec!["(root): matches 2 oneOf alternatives, expected exactly one"]
    );
}
