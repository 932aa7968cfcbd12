//! The shared message fixtures against LINE's real `messaging-api.yml`, through the test-only
//! `openapi` validator: what LINE's schema accepts and refuses agrees with what the limits
//! checker expects. Skipped when the spec is absent and not required (see the `openapi` crate).

use openapi::OpenApi;
use serde_json::{Value, json};

use super::{all_pointers, nested_boxes, odd_values, valid_flex_message, with, without};

fn message_errors(spec: &OpenApi, value: &Value) -> Vec<String> {
    spec.validate("Message", value)
}

fn reply(messages: Vec<Value>) -> Value {
    json!({"replyToken": "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA", "messages": messages})
}

#[test]
fn valid_flex_bubble_message_passes() {
    let Some(spec) = openapi::messaging_api() else { return };
    assert_eq!(message_errors(spec, &valid_flex_message()), Vec::<String>::new());
    // The same value also passes when checked against the concrete schema directly.
    assert_eq!(spec.validate("FlexMessage", &valid_flex_message()), Vec::<String>::new());
}

#[test]
fn bad_layout_enum_fails_once() {
    let Some(spec) = openapi::messaging_api() else { return };
    let bad = with(valid_flex_message(), "/contents/body/layout", json!("grid"));
    let expected =
        r#"/contents/body/layout: "grid" is not one of ["horizontal", "vertical", "baseline"]"#;
    assert_eq!(message_errors(spec, &bad), vec![expected.to_owned()]);
}

#[test]
fn unknown_component_type_in_nested_box_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let ptr = "/contents/body/contents/2/contents/0/type";
    let bad = with(valid_flex_message(), ptr, json!("spacer"));
    assert_eq!(message_errors(spec, &bad), vec![format!("{ptr}: unknown type 'spacer'")]);
}

#[test]
fn nested_components_are_checked_against_their_concrete_schema() {
    let Some(spec) = openapi::messaging_api() else { return };
    // FlexBox requires `contents`; only reachable through the FlexComponent discriminator.
    let ptr = "/contents/body/contents/2";
    let bad = without(valid_flex_message(), &format!("{ptr}/contents"));
    assert_eq!(
        message_errors(spec, &bad),
        vec![format!("{ptr}: missing required property 'contents'")]
    );
    let wrong_type = with(valid_flex_message(), "/contents/body/contents/0/wrap", json!("yes"));
    let expected = "/contents/body/contents/0/wrap: expected boolean, got string";
    assert_eq!(message_errors(spec, &wrong_type), vec![expected.to_owned()]);
}

#[test]
fn postback_data_of_301_chars_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let ptr = "/contents/footer/contents/0/action/data";
    let ok = with(valid_flex_message(), ptr, json!("é".repeat(300)));
    assert_eq!(message_errors(spec, &ok), Vec::<String>::new());
    let bad = with(valid_flex_message(), ptr, json!("d".repeat(301)));
    let expected = format!("{ptr}: has 301 characters, more than the maximum 300");
    assert_eq!(message_errors(spec, &bad), vec![expected]);
}

#[test]
fn missing_alt_text_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let bad = without(valid_flex_message(), "/altText");
    assert_eq!(
        message_errors(spec, &bad),
        vec!["(root): missing required property 'altText'".to_owned()]
    );
}

#[test]
fn unknown_message_type_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let bad = json!({"type": "fax"});
    assert_eq!(message_errors(spec, &bad), vec!["/type: unknown type 'fax'".to_owned()]);
    let missing = json!({"text": "a"});
    assert_eq!(
        message_errors(spec, &missing),
        vec!["(root): missing required property 'type'".to_owned()]
    );
}

#[test]
fn valid_reply_request_passes() {
    let Some(spec) = openapi::messaging_api() else { return };
    let text = json!({"type": "text", "text": "こんにちは"});
    let req = reply(vec![text, valid_flex_message()]);
    assert_eq!(spec.validate("ReplyMessageRequest", &req), Vec::<String>::new());
}

#[test]
fn reply_request_with_six_messages_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let text = json!({"type": "text", "text": "こんにちは"});
    let req = reply(vec![text; 6]);
    let expected = "/messages: has 6 items, more than the maximum 5";
    assert_eq!(spec.validate("ReplyMessageRequest", &req), vec![expected.to_owned()]);
    let empty = reply(Vec::new());
    let expected = "/messages: has 0 items, fewer than the minimum 1";
    assert_eq!(spec.validate("ReplyMessageRequest", &empty), vec![expected.to_owned()]);
}

#[test]
fn quick_reply_with_14_items_fails() {
    let Some(spec) = openapi::messaging_api() else { return };
    let item = json!({"type": "action", "action": {"type": "camera", "label": "カメラ"}});
    let bad = with(valid_flex_message(), "/quickReply/items", json!(vec![item; 14]));
    let expected = "/quickReply/items: has 14 items, more than the maximum 13";
    assert_eq!(message_errors(spec, &bad), vec![expected.to_owned()]);
}

#[test]
fn unknown_schema_name_is_reported() {
    let Some(spec) = openapi::messaging_api() else { return };
    assert_eq!(
        spec.validate("NoSuchThing", &json!({})),
        vec!["(root): unknown schema 'NoSuchThing'"]
    );
}

#[test]
fn deep_values_hit_the_step_limit_not_the_stack() {
    let Some(spec) = openapi::messaging_api() else { return };
    let deep = with(valid_flex_message(), "/contents/body/contents/0", nested_boxes(400));
    let errors = message_errors(spec, &deep);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("nested deeper than 1000 schema steps; validation stopped"),
        "{}",
        errors[0]
    );
    let fine = with(valid_flex_message(), "/contents/body/contents/0", nested_boxes(60));
    assert_eq!(message_errors(spec, &fine), Vec::<String>::new());
}

#[test]
fn odd_json_anywhere_never_panics() {
    let Some(spec) = openapi::messaging_api() else { return };
    let fixture = valid_flex_message();
    for pointer in all_pointers(&fixture) {
        for odd in odd_values() {
            let errors = message_errors(spec, &with(fixture.clone(), &pointer, odd.clone()));
            if pointer == "/contents" || pointer == "/contents/type" || pointer == "/type" {
                assert!(!errors.is_empty(), "{pointer} = {odd} passed");
            }
        }
    }
}

#[test]
fn all_pointers_cover_the_fixture() {
    // Guards the fuzz tests above: they must visit nested components, not just the top.
    let pointers = all_pointers(&valid_flex_message());
    assert!(pointers.iter().any(|p| p == "/contents/body/contents/2/contents/1/contents/0/text"));
}
