//! One test per LINE rule in `limits`, each with a passing and a failing case; the failing
//! case asserts the exact pointer and, for most rules, the exact Japanese message.

use serde_json::{Value, json};

use super::{all_pointers, nested_boxes, odd_values, valid_flex_message, with, without};
use bundle::limits::{MAX_BUBBLE_BYTES, MAX_CAROUSEL_BYTES};

use crate::validate::{Violation, check_container, check_message, check_messages};

const BODY: &str = "/contents/body/contents";
const BUTTON: &str = "/contents/footer/contents/0";
const URI_BUTTON: &str = "/contents/footer/contents/1";

/// Asserts the message breaks exactly one rule, at `pointer`, and returns the message text.
fn one_violation(msg: &Value, pointer: &str) -> String {
    let found = check_message(msg);
    assert_eq!(found.len(), 1, "expected exactly one violation, got {found:#?}");
    assert_eq!(found[0].pointer, pointer, "{found:#?}");
    found[0].message.clone()
}

fn assert_clean(msg: &Value) {
    let found = check_message(msg);
    assert!(found.is_empty(), "expected no violations, got {found:#?}");
}

fn bubble(size: Option<&str>, text: &str) -> Value {
    let mut b = json!({"type": "bubble", "body": {"type": "box", "layout": "vertical",
        "contents": [{"type": "text", "text": text}]}});
    if let Some(size) = size {
        b["size"] = json!(size);
    }
    b
}

fn carousel(bubbles: Vec<Value>) -> Value {
    json!({"type": "carousel", "contents": bubbles})
}

#[test]
fn fixture_is_clean_everywhere() {
    let msg = valid_flex_message();
    assert_clean(&msg);
    assert_eq!(check_container(&msg["contents"]), Vec::<Violation>::new());
    assert_eq!(check_messages(std::slice::from_ref(&msg)), Vec::<Violation>::new());
}

#[test]
fn alt_text_present_non_empty_and_at_most_1500_utf16_units() {
    let msg = valid_flex_message();
    assert_clean(&with(msg.clone(), "/altText", json!("あ".repeat(1500))));
    let missing = without(msg.clone(), "/altText");
    let text = one_violation(&missing, "/altText");
    assert_eq!(text, "altText（通知やトーク一覧に表示される代替テキスト）がありません");
    let empty = with(msg.clone(), "/altText", json!("  "));
    assert_eq!(one_violation(&empty, "/altText"), "altText が空です");
    // 751 apples are 1502 UTF-16 units.
    let long = with(msg, "/altText", json!("🍎".repeat(751)));
    assert_eq!(one_violation(&long, "/altText"), "altText が1500文字を超えています（1502文字）");
}

#[test]
fn bubble_json_at_most_30000_bytes() {
    assert!(check_container(&bubble(None, &"a".repeat(29_000))).is_empty());
    let big = bubble(None, &"a".repeat(MAX_BUBBLE_BYTES));
    let bytes = serde_json::to_string(&big).map(|s| s.len()).unwrap_or_default();
    let found = check_container(&big);
    let expected = format!("バブルのJSONが30000バイトを超えています（{bytes}バイト）");
    assert_eq!(found, vec![Violation { pointer: String::new(), message: expected }]);
}

#[test]
fn carousel_json_at_most_50000_bytes() {
    let bubbles = |n: usize| (0..12).map(|_| bubble(None, &"a".repeat(n))).collect::<Vec<_>>();
    assert!(check_container(&carousel(bubbles(4000))).is_empty());
    let big = carousel(bubbles(4500));
    let bytes = serde_json::to_string(&big).map(|s| s.len()).unwrap_or_default();
    assert!(bytes > MAX_CAROUSEL_BYTES);
    let found = check_container(&big);
    let expected = format!("カルーセルのJSONが50000バイトを超えています（{bytes}バイト）");
    assert_eq!(found, vec![Violation { pointer: String::new(), message: expected }]);
}

#[test]
fn carousel_holds_1_to_12_bubbles() {
    let n_bubbles = |n: usize| carousel((0..n).map(|_| bubble(None, "x")).collect());
    assert!(check_container(&n_bubbles(12)).is_empty());
    assert!(check_container(&n_bubbles(1)).is_empty());
    let found = check_container(&n_bubbles(13));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].pointer, "/contents");
    assert_eq!(found[0].message, "カルーセルのバブルは1〜12個にしてください（13個）");
    assert_eq!(
        check_container(&n_bubbles(0))[0].message,
        "カルーセルのバブルは1〜12個にしてください（0個）"
    );
}

#[test]
fn carousel_bubbles_share_one_size_and_absent_means_mega() {
    let same = carousel(vec![bubble(Some("mega"), "a"), bubble(None, "b")]);
    assert!(check_container(&same).is_empty());
    let mixed = carousel(vec![bubble(None, "a"), bubble(Some("kilo"), "b")]);
    let found = check_container(&mixed);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].pointer, "/contents/1/size");
    let expected = "カルーセル内のバブルの size がそろっていません（最初のバブルは「mega」、このバブルは「kilo」）";
    assert_eq!(found[0].message, expected);
    let not_bubble = carousel(vec![json!({"type": "carousel", "contents": []})]);
    assert_eq!(check_container(&not_bubble)[0].pointer, "/contents/0/type");
}

#[test]
fn bubble_size_is_a_known_keyword() {
    let msg = valid_flex_message();
    assert_clean(&with(msg.clone(), "/contents/size", json!("giga")));
    let bad = with(msg, "/contents/size", json!("huge"));
    let expected =
        "size「huge」は使えません（nano, micro, deca, hecto, kilo, mega, giga のいずれか）";
    assert_eq!(one_violation(&bad, "/contents/size"), expected);
}

#[test]
fn box_layout_is_a_known_keyword() {
    let bad = with(valid_flex_message(), "/contents/body/layout", json!("grid"));
    let expected =
        "ボックスの layout「grid」は使えません（horizontal, vertical, baseline のいずれか）";
    assert_eq!(one_violation(&bad, "/contents/body/layout"), expected);
    let missing = without(valid_flex_message(), "/contents/body/layout");
    assert_eq!(
        one_violation(&missing, "/contents/body/layout"),
        "ボックスに「layout」がありません"
    );
}

#[test]
fn baseline_boxes_hold_only_icon_text_filler() {
    let button =
        json!({"type": "button", "action": {"type": "message", "label": "a", "text": "a"}});
    let bad = with(valid_flex_message(), &format!("{BODY}/2/contents/0"), button);
    let expected =
        "baseline のボックスには button を入れられません（使えるのは icon, text, filler）";
    assert_eq!(one_violation(&bad, &format!("{BODY}/2/contents/0/type")), expected);
    let gravity = with(valid_flex_message(), &format!("{BODY}/2/contents/1/gravity"), json!("top"));
    let ptr = format!("{BODY}/2/contents/1/gravity");
    assert_eq!(
        one_violation(&gravity, &ptr),
        "baseline のボックスの子要素には gravity を指定できません"
    );
}

#[test]
fn vertical_boxes_refuse_icons() {
    let icon = json!({"type": "icon", "url": "https://example.jp/i.png"});
    let bad = with(valid_flex_message(), &format!("{BODY}/1"), icon);
    let expected = "vertical のボックスには icon を入れられません（使えるのは box, button, image, text, separator, filler）";
    assert_eq!(one_violation(&bad, &format!("{BODY}/1/type")), expected);
}

#[test]
fn span_only_inside_text_contents() {
    let bad =
        with(valid_flex_message(), &format!("{BODY}/1"), json!({"type": "span", "text": "a"}));
    let expected = "span はテキストの contents の中でしか使えません";
    assert_eq!(one_violation(&bad, &format!("{BODY}/1/type")), expected);
    let text_in_text = json!({"type": "text", "text": "a"});
    let bad = with(valid_flex_message(), &format!("{BODY}/2/contents/1/contents/0"), text_in_text);
    let ptr = format!("{BODY}/2/contents/1/contents/0/type");
    assert_eq!(
        one_violation(&bad, &ptr),
        "テキストの contents には span しか入れられません（「text」）"
    );
}

#[test]
fn text_needs_text_or_contents() {
    let ptr = format!("{BODY}/0");
    let empty = with(valid_flex_message(), &format!("{ptr}/text"), json!(""));
    assert_eq!(one_violation(&empty, &ptr), "テキストに text も contents もありません");
    let missing = without(valid_flex_message(), &format!("{ptr}/text"));
    assert_eq!(one_violation(&missing, &ptr), "テキストに text も contents もありません");
    // The span-only text in the fixture has no `text` and passes.
    assert_clean(&valid_flex_message());
}

#[test]
fn button_needs_an_action() {
    let bad = without(valid_flex_message(), &format!("{BUTTON}/action"));
    let text = one_violation(&bad, &format!("{BUTTON}/action"));
    assert_eq!(text, "ボタンに action がありません");
}

#[test]
fn postback_data_is_1_to_300() {
    let ptr = format!("{BUTTON}/action/data");
    assert_clean(&with(valid_flex_message(), &ptr, json!("d".repeat(300))));
    let long = with(valid_flex_message(), &ptr, json!("d".repeat(301)));
    assert_eq!(one_violation(&long, &ptr), "postback の data が300文字を超えています（301文字）");
    let empty = with(valid_flex_message(), &ptr, json!(""));
    assert_eq!(one_violation(&empty, &ptr), "postback の data が空です");
    let missing = without(valid_flex_message(), &ptr);
    assert_eq!(one_violation(&missing, &ptr), "postback アクションに「data」がありません");
}

#[test]
fn postback_display_text_at_most_300() {
    let ptr = format!("{BUTTON}/action/displayText");
    assert_clean(&with(valid_flex_message(), &ptr, json!("表".repeat(300))));
    let long = with(valid_flex_message(), &ptr, json!("表".repeat(301)));
    assert_eq!(
        one_violation(&long, &ptr),
        "postback の displayText が300文字を超えています（301文字）"
    );
}

#[test]
fn uri_action_length_scheme_and_encoding() {
    let ptr = format!("{URI_BUTTON}/action/uri");
    let msg = valid_flex_message;
    assert_clean(&with(msg(), &ptr, json!("tel:0120000000")));
    assert_clean(&with(msg(), &ptr, json!(format!("https://a.jp/{}", "a".repeat(987)))));
    let long = with(msg(), &ptr, json!(format!("https://a.jp/{}", "a".repeat(988))));
    assert_eq!(one_violation(&long, &ptr), "URIが1000文字を超えています（1001文字）");
    let ftp = with(msg(), &ptr, json!("ftp://a.jp/x"));
    let expected = "URI「ftp://a.jp/x」のスキームは使えません（http, https, line, tel のいずれか）";
    assert_eq!(one_violation(&ftp, &ptr), expected);
    let raw = with(msg(), &ptr, json!("https://a.jp/保育園"));
    let expected = "URIに空白や全角文字が含まれています。パーセントエンコードしてください";
    assert_eq!(one_violation(&raw, &ptr), expected);
}

#[test]
fn message_action_text_at_most_300() {
    let ptr = "/quickReply/items/0/action/text";
    assert_clean(&with(valid_flex_message(), ptr, json!("t".repeat(300))));
    let long = with(valid_flex_message(), ptr, json!("t".repeat(301)));
    let expected = "message アクションの text が300文字を超えています（301文字）";
    assert_eq!(one_violation(&long, ptr), expected);
}

#[test]
fn flex_button_label_required_and_at_most_40() {
    let ptr = format!("{BUTTON}/action/label");
    // 40 apples are 40 chars (and 40 grapheme clusters), so they pass.
    assert_clean(&with(valid_flex_message(), &ptr, json!("🍎".repeat(40))));
    let long = with(valid_flex_message(), &ptr, json!("ラ".repeat(45)));
    assert_eq!(one_violation(&long, &ptr), "ボタンのラベルが40文字を超えています（45文字）");
    let missing = without(valid_flex_message(), &ptr);
    assert_eq!(one_violation(&missing, &ptr), "ボタンのラベル（label）がありません");
    // A bubble action's label is optional.
    let action = json!({"type": "uri", "uri": "https://a.jp/"});
    assert_clean(&with(
        valid_flex_message(),
        "/contents/hero",
        json!({
        "type": "image", "url": "https://a.jp/a.png", "action": action}),
    ));
}

#[test]
fn quick_reply_label_required_and_at_most_20() {
    let ptr = "/quickReply/items/1/action/label";
    assert_clean(&with(valid_flex_message(), ptr, json!("ラ".repeat(20))));
    let long = with(valid_flex_message(), ptr, json!("ラ".repeat(21)));
    assert_eq!(
        one_violation(&long, ptr),
        "クイックリプライのラベルが20文字を超えています（21文字）"
    );
    let missing = without(valid_flex_message(), ptr);
    assert_eq!(one_violation(&missing, ptr), "クイックリプライのラベル（label）がありません");
}

#[test]
fn quick_reply_at_most_13_action_items() {
    let item = json!({"type": "action", "action": {"type": "camera", "label": "カメラ"}});
    let items = |n: usize| json!({"items": vec![item.clone(); n]});
    assert_clean(&with(valid_flex_message(), "/quickReply", items(13)));
    let many = with(valid_flex_message(), "/quickReply", items(14));
    let text = one_violation(&many, "/quickReply/items");
    assert_eq!(text, "クイックリプライのボタンは13個までです（14個）");
    let bad_type = with(valid_flex_message(), "/quickReply/items/0/type", json!("button"));
    let text = one_violation(&bad_type, "/quickReply/items/0/type");
    assert_eq!(text, "クイックリプライのボタンの type は action にしてください（「button」）");
}

#[test]
fn action_types_depend_on_place() {
    let camera = json!({"type": "camera", "label": "カメラ"});
    let in_button = with(valid_flex_message(), &format!("{BUTTON}/action"), camera.clone());
    let expected = "アクションの種類「camera」は使えません（postback, message, uri, datetimepicker, clipboard のいずれか）";
    assert_eq!(one_violation(&in_button, &format!("{BUTTON}/action/type")), expected);
    assert_clean(&with(valid_flex_message(), "/quickReply/items/0/action", camera));
    let switch =
        json!({"type": "richmenuswitch", "label": "切替", "richMenuAliasId": "a", "data": "d"});
    let bad = with(valid_flex_message(), "/quickReply/items/0/action", switch);
    one_violation(&bad, "/quickReply/items/0/action/type");
}

#[test]
fn image_and_icon_urls_are_https_and_at_most_2000() {
    let ptr = "/contents/hero/url";
    let ok = format!("https://a.jp/{}", "a".repeat(1987));
    assert_clean(&with(valid_flex_message(), ptr, json!(ok)));
    let long = with(valid_flex_message(), ptr, json!(format!("{ok}a")));
    assert_eq!(one_violation(&long, ptr), "画像のURLが2000文字を超えています（2001文字）");
    let http = with(valid_flex_message(), ptr, json!("http://a.jp/a.png"));
    assert_eq!(
        one_violation(&http, ptr),
        "画像のURLは https:// で始めてください（「http://a.jp/a.png」）"
    );
    let icon = format!("{BODY}/2/contents/0/url");
    let http = with(valid_flex_message(), &icon, json!("http://a.jp/i.png"));
    one_violation(&http, &icon);
}

#[test]
fn hero_is_box_image_or_video_and_video_needs_a_big_lone_bubble() {
    let video = json!({"type": "video", "url": "https://a.jp/v.mp4",
        "previewUrl": "https://a.jp/p.png",
        "altContent": {"type": "image", "url": "https://a.jp/a.png"}});
    assert_clean(&with(valid_flex_message(), "/contents/hero", video.clone()));
    let small = with(
        with(valid_flex_message(), "/contents/hero", video.clone()),
        "/contents/size",
        json!("micro"),
    );
    let expected = "video を使えるバブルの size は kilo, mega, giga だけです（「micro」）";
    assert_eq!(one_violation(&small, "/contents/hero/type"), expected);
    let mut b = bubble(None, "a");
    b["hero"] = video;
    let found = check_container(&carousel(vec![b]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "video はカルーセルの中のバブルでは使えません");
    let text_hero =
        with(valid_flex_message(), "/contents/hero", json!({"type": "text", "text": "a"}));
    one_violation(&text_hero, "/contents/hero/type");
}

#[test]
fn size_keywords_per_component() {
    let text = format!("{BODY}/0/size");
    assert_clean(&with(valid_flex_message(), &text, json!("12px")));
    let percent = with(valid_flex_message(), &text, json!("50%"));
    let expected = "「size」の値「50%」は使えません（xxs, xs, sm, md, lg, xl, xxl, 3xl, 4xl, 5xl のいずれか、または 10px の形）";
    assert_eq!(one_violation(&percent, &text), expected);
    assert_clean(&with(valid_flex_message(), "/contents/hero/size", json!("50%")));
    assert_clean(&with(valid_flex_message(), "/contents/hero/size", json!("full")));
    let huge = with(valid_flex_message(), "/contents/hero/size", json!("huge"));
    one_violation(&huge, "/contents/hero/size");
    let icon = format!("{BODY}/2/contents/0/size");
    one_violation(&with(valid_flex_message(), &icon, json!("full")), &icon);
    let span = format!("{BODY}/2/contents/1/contents/0/size");
    one_violation(&with(valid_flex_message(), &span, json!("5%")), &span);
}

#[test]
fn margin_spacing_take_keywords_or_px() {
    let margin = format!("{BODY}/1/margin");
    assert_clean(&with(valid_flex_message(), &margin, json!("10px")));
    let bad = with(valid_flex_message(), &margin, json!("10%"));
    let expected = "「margin」の値「10%」は使えません（none, xs, sm, md, lg, xl, xxl のいずれか、または 10px の形）";
    assert_eq!(one_violation(&bad, &margin), expected);
    let spacing = "/contents/body/spacing";
    one_violation(&with(valid_flex_message(), spacing, json!("huge")), spacing);
}

#[test]
fn padding_and_offsets_take_keywords_px_or_percent() {
    let padding = "/contents/body/paddingAll";
    assert_clean(&with(valid_flex_message(), padding, json!("5%")));
    assert_clean(&with(valid_flex_message(), padding, json!("xl")));
    one_violation(&with(valid_flex_message(), padding, json!("5em")), padding);
    let offset = format!("{BODY}/0/offsetTop");
    assert_clean(&with(valid_flex_message(), &offset, json!("3px")));
    one_violation(&with(valid_flex_message(), &offset, json!("-3px")), &offset);
}

#[test]
fn colours_are_hex_and_only_box_backgrounds_take_alpha() {
    let color = format!("{BODY}/0/color");
    let bad = with(valid_flex_message(), &color, json!("#12345"));
    assert_eq!(one_violation(&bad, &color), "「color」の値「#12345」は使えません（#RRGGBB）");
    one_violation(&with(valid_flex_message(), &color, json!("#FFFFFF80")), &color);
    let bg = format!("{BODY}/3/backgroundColor");
    assert_clean(&with(valid_flex_message(), &bg, json!("#ffffff")));
    one_violation(&with(valid_flex_message(), &bg, json!("red")), &bg);
}

#[test]
fn aspect_ratio_height_at_most_three_widths() {
    let ptr = "/contents/hero/aspectRatio";
    assert_clean(&with(valid_flex_message(), ptr, json!("1:3")));
    let tall = with(valid_flex_message(), ptr, json!("1:4"));
    assert_eq!(one_violation(&tall, ptr), "aspectRatio「1:4」の高さは幅の3倍以下にしてください");
    let range = with(valid_flex_message(), ptr, json!("100001:1"));
    assert_eq!(
        one_violation(&range, ptr),
        "aspectRatio「100001:1」の幅と高さは1〜100000で指定してください"
    );
}

#[test]
fn flex_is_a_non_negative_integer() {
    let ptr = format!("{BODY}/2/contents/1/flex");
    assert_clean(&with(valid_flex_message(), &ptr, json!(0)));
    let negative = with(valid_flex_message(), &ptr, json!(-1));
    assert_eq!(one_violation(&negative, &ptr), "「flex」は0以上の整数で指定してください（-1）");
    one_violation(&with(valid_flex_message(), &ptr, json!(1.5)), &ptr);
    let string = with(valid_flex_message(), &ptr, json!("1"));
    let expected = "「flex」は整数で指定してください（文字列が指定されています）";
    assert_eq!(one_violation(&string, &ptr), expected);
}

#[test]
fn unknown_component_types_are_refused() {
    let bad = with(valid_flex_message(), &format!("{BODY}/1/type"), json!("spacer"));
    let expected = "コンポーネントの種類「spacer」は使えません（box, button, image, video, icon, text, span, separator, filler のいずれか）";
    assert_eq!(one_violation(&bad, &format!("{BODY}/1/type")), expected);
}

#[test]
fn messages_count_is_1_to_5_and_quick_reply_belongs_on_the_last() {
    let text = json!({"type": "text", "text": "こんにちは"});
    assert!(check_messages(&vec![text.clone(); 5]).is_empty());
    let six = check_messages(&vec![text.clone(); 6]);
    assert_eq!(
        six,
        vec![Violation {
            pointer: String::new(),
            message: "メッセージは1〜5件にしてください（6件）".into()
        }]
    );
    assert_eq!(check_messages(&[]).len(), 1);
    let last_has_it = [text.clone(), valid_flex_message()];
    assert!(check_messages(&last_has_it).is_empty());
    let first_has_it = check_messages(&[valid_flex_message(), text]);
    assert_eq!(first_has_it.len(), 1);
    assert_eq!(first_has_it[0].pointer, "/0/quickReply");
}

#[test]
fn other_message_types() {
    assert_eq!(
        check_message(&json!({"type": "sticker", "packageId": "1", "stickerId": "1"})),
        vec![]
    );
    let long = json!({"type": "text", "text": "あ".repeat(5001)});
    assert_eq!(
        one_violation(&long, "/text"),
        "テキストメッセージが5000文字を超えています（5001文字）"
    );
    one_violation(&json!({"type": "fax"}), "/type");
    let image = json!({"type": "image", "originalContentUrl": "https://a.jp/a.jpg", "previewImageUrl": "http://a.jp/p.jpg"});
    one_violation(&image, "/previewImageUrl");
}

#[test]
fn odd_json_anywhere_never_panics_and_is_reported() {
    let fixture = valid_flex_message();
    for pointer in all_pointers(&fixture) {
        for odd in odd_values() {
            let msg = with(fixture.clone(), &pointer, odd.clone());
            let found = check_message(&msg);
            // Replacing a required node or a typed leaf with garbage must be noticed; only
            // nodes whose removal or odd value LINE tolerates may pass silently.
            let _ = check_messages(&[msg.clone(), msg.clone()]);
            let _ = check_container(&msg["contents"]);
            if pointer.is_empty() || pointer == "/type" || pointer == "/contents" {
                assert!(!found.is_empty(), "{pointer} = {odd} passed");
            }
        }
    }
}

#[test]
fn wrong_types_get_specific_messages() {
    let number_text = with(valid_flex_message(), &format!("{BODY}/0/text"), json!(5));
    let expected = "「text」は文字列で指定してください（数値が指定されています）";
    let ptr = format!("{BODY}/0/text");
    // Reported once as a wrong type, and once because the text now has nothing to show.
    let found = check_message(&number_text);
    assert!(found.iter().any(|v| v.pointer == ptr && v.message == expected), "{found:#?}");
    let array_body = with(valid_flex_message(), "/contents/body", json!([]));
    let text = one_violation(&array_body, "/contents/body");
    assert_eq!(text, "コンポーネントはオブジェクトで指定してください（配列が指定されています）");
}

#[test]
fn deep_nesting_is_refused_without_overflowing() {
    let shallow = with(valid_flex_message(), &format!("{BODY}/0"), nested_boxes(50));
    assert_clean(&shallow);
    let deep = with(valid_flex_message(), &format!("{BODY}/0"), nested_boxes(600));
    let found = check_message(&deep);
    assert_eq!(found.len(), 1, "{found:#?}");
    // Reported where it becomes too deep, so it can be traced to what produced it.
    assert!(found[0].pointer.starts_with(&format!("{BODY}/0/contents/0")), "{found:#?}");
    assert_eq!(found[0].pointer.matches('/').count(), super::super::MAX_JSON_DEPTH);
    assert!(found[0].message.starts_with("入れ子が深すぎます"), "{}", found[0].message);
    assert_eq!(check_container(&nested_boxes(600)).len(), 1);
}
