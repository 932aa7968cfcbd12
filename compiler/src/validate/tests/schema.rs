//! The OpenAPI validator against LINE's real `messaging-api.yml`
//! (<https://github.com/line/line-openapi>, kept outside the repo in `shared/`, placed beside the
//! checkout in CI), plus small inline specs for the keywords the real spec barely uses.

use std::sync::OnceLock;

use serde_json::{Value, json};

use super::{all_pointers, nested_boxes, odd_values, valid_flex_message, with, without};
use crate::validate::schema::{OpenApi, SchemaError};

const SPEC_PATH: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/line-openapi/messaging-api.yml");

/// LINE's spec, parsed once for all tests.
fn line_spec() -> &'static OpenApi {
    static SPEC: OnceLock<OpenApi> = OnceLock::new();
    SPEC.get_or_init(|| {
        let text = std::fs::read_to_string(SPEC_PATH)
            .unwrap_or_else(|e| panic!("cannot read {SPEC_PATH}: {e}"));
        OpenApi::from_yaml(&text).unwrap_or_else(|e| panic!("cannot load {SPEC_PATH}: {e}"))
    })
}

fn message_errors(value: &Value) -> Vec<String> {
    line_spec().validate("Message", value)
}

fn reply(messages: Vec<Value>) -> Value {
    json!({"replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", "messages": messages})
}

#[test]
fn valid_flex_bubble_message_passes() {
    assert_eq!(message_errors(&valid_flex_message()), Vec::<String>::new());
    // The same value also passes when checked against the concrete schema directly.
    assert_eq!(line_spec().validate("FlexMessage", &valid_flex_message()), Vec::<String>::new());
}

#[test]
fn bad_layout_enum_fails_once() {
    let bad = with(valid_flex_message(), "/contents/body/layout", json!("grid"));
    let expected =
        r#"/contents/body/layout: "grid" is not one of ["horizontal", "vertical", "baseline"]"#;
    assert_eq!(message_errors(&bad), vec![expected.to_owned()]);
}

#[test]
fn unknown_component_type_in_nested_box_fails() {
    let ptr = "/contents/body/contents/2/contents/0/type";
    let bad = with(valid_flex_message(), ptr, json!("spacer"));
    assert_eq!(message_errors(&bad), vec![format!("{ptr}: unknown type 'spacer'")]);
}

#[test]
fn nested_components_are_checked_against_their_concrete_schema() {
    // FlexBox requires `contents`; only reachable through the FlexComponent discriminator.
    let ptr = "/contents/body/contents/2";
    let bad = without(valid_flex_message(), &format!("{ptr}/contents"));
    assert_eq!(message_errors(&bad), vec![format!("{ptr}: missing required property 'contents'")]);
    let wrong_type = with(valid_flex_message(), "/contents/body/contents/0/wrap", json!("yes"));
    let expected = "/contents/body/contents/0/wrap: expected boolean, got string";
    assert_eq!(message_errors(&wrong_type), vec![expected.to_owned()]);
}

#[test]
fn postback_data_of_301_chars_fails() {
    let ptr = "/contents/footer/contents/0/action/data";
    let ok = with(valid_flex_message(), ptr, json!("é".repeat(300)));
    assert_eq!(message_errors(&ok), Vec::<String>::new());
    let bad = with(valid_flex_message(), ptr, json!("d".repeat(301)));
    let expected = format!("{ptr}: has 301 characters, more than the maximum 300");
    assert_eq!(message_errors(&bad), vec![expected]);
}

#[test]
fn missing_alt_text_fails() {
    let bad = without(valid_flex_message(), "/altText");
    assert_eq!(
        message_errors(&bad),
        vec!["(root): missing required property 'altText'".to_owned()]
    );
}

#[test]
fn unknown_message_type_fails() {
    let bad = json!({"type": "fax"});
    assert_eq!(message_errors(&bad), vec!["/type: unknown type 'fax'".to_owned()]);
    let missing = json!({"text": "a"});
    assert_eq!(
        message_errors(&missing),
        vec!["(root): missing required property 'type'".to_owned()]
    );
}

#[test]
fn valid_reply_request_passes() {
    let text = json!({"type": "text", "text": "こんにちは"});
    let req = reply(vec![text, valid_flex_message()]);
    assert_eq!(line_spec().validate("ReplyMessageRequest", &req), Vec::<String>::new());
}

#[test]
fn reply_request_with_six_messages_fails() {
    let text = json!({"type": "text", "text": "こんにちは"});
    let req = reply(vec![text; 6]);
    let expected = "/messages: has 6 items, more than the maximum 5";
    assert_eq!(line_spec().validate("ReplyMessageRequest", &req), vec![expected.to_owned()]);
    let empty = reply(Vec::new());
    let expected = "/messages: has 0 items, fewer than the minimum 1";
    assert_eq!(line_spec().validate("ReplyMessageRequest", &empty), vec![expected.to_owned()]);
}

#[test]
fn quick_reply_with_14_items_fails() {
    let item = json!({"type": "action", "action": {"type": "camera", "label": "カメラ"}});
    let bad = with(valid_flex_message(), "/quickReply/items", json!(vec![item; 14]));
    let expected = "/quickReply/items: has 14 items, more than the maximum 13";
    assert_eq!(message_errors(&bad), vec![expected.to_owned()]);
}

#[test]
fn unknown_schema_name_is_reported() {
    assert_eq!(
        line_spec().validate("NoSuchThing", &json!({})),
        vec!["(root): unknown schema 'NoSuchThing'"]
    );
}

#[test]
fn deep_values_hit_the_step_limit_not_the_stack() {
    let deep = with(valid_flex_message(), "/contents/body/contents/0", nested_boxes(400));
    let errors = message_errors(&deep);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("nested deeper than 1000 schema steps; validation stopped"),
        "{}",
        errors[0]
    );
    let fine = with(valid_flex_message(), "/contents/body/contents/0", nested_boxes(60));
    assert_eq!(message_errors(&fine), Vec::<String>::new());
}

#[test]
fn odd_json_anywhere_never_panics() {
    let fixture = valid_flex_message();
    for pointer in all_pointers(&fixture) {
        for odd in odd_values() {
            let errors = message_errors(&with(fixture.clone(), &pointer, odd.clone()));
            if pointer == "/contents" || pointer == "/contents/type" || pointer == "/type" {
                assert!(!errors.is_empty(), "{pointer} = {odd} passed");
            }
        }
    }
}

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
    let inner = json!({"type": "carousel", "contents": []});
    let outer = json!({"type": "flex", "altText": "a",
        "contents": {"type": "carousel", "contents": [inner]}});
    let expected = "/contents/contents/0/type: type 'carousel' selects FlexCarousel, but the value is checked as FlexBubble";
    assert_eq!(message_errors(&outer), vec![expected]);
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

#[test]
fn all_pointers_cover_the_fixture() {
    // Guards the fuzz tests above: they must visit nested components, not just the top.
    let pointers = all_pointers(&valid_flex_message());
    assert!(pointers.iter().any(|p| p == "/contents/body/contents/2/contents/1/contents/0/text"));
}
