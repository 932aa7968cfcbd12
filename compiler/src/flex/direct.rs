//! The built-in templates (`compiler/templates/*.json`) written as Rust: the same Flex JSON
//! values, built directly instead of rendered to text by minijinja and parsed back.
//!
//! Rendering and re-parsing was most of the build's time (issue 16). Staff may still replace
//! any template in `content/_templates/`; [`super::Renderer`] then renders that template (and,
//! for `page.json`, also when only `blocks.json` is replaced, since the page imports it). Each
//! function here mirrors one template line by line and returns `None` for a value it was not
//! written for (a missing URL or action), so that case takes the template path and fails or
//! succeeds exactly as before. `compiler/tests/direct.rs` builds the sample content and every
//! fixture both ways and compares the bundles byte for byte.
//!
//! Truthiness follows minijinja's: an empty string, list or map, `none` and `false` are false.

use serde_json::{Map, Value};

use super::MenuItem;
use super::PageView;
use crate::markdown::{Block, Span};

/// A JSON object from `(key, value)` pairs; keys are sorted by `serde_json::Map` as after
/// parsing the template's output.
fn obj<const N: usize>(pairs: [(&str, Value); N]) -> Map<String, Value> {
    let mut m = Map::new();
    for (k, v) in pairs {
        m.insert(k.to_string(), v);
    }
    m
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

fn n(v: u64) -> Value {
    Value::Number(v.into())
}

/// minijinja's truthiness of a value passed in from serde.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(m) => !m.is_empty(),
    }
}

/// `x.key` when truthy.
fn field<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    v.get(key).filter(|x| truthy(x))
}

/// `{{ x.key }}`: the field, which must be there (the template would fail otherwise).
fn required(v: &Value, key: &str) -> Option<Value> {
    v.get(key).cloned()
}

fn some_text(o: Option<&str>) -> Option<&str> {
    o.filter(|s| !s.is_empty())
}

/// The `text(spans)` macro of `blocks.json`: sets `text` or `contents` on `m`.
fn text_into(spans: &[Span], m: &mut Map<String, Value>) {
    match spans {
        [one] if !(one.bold || one.italic || one.strike || one.code || one.link) => {
            m.insert("text".into(), s(&one.text));
        }
        [] => {
            m.insert("text".into(), s("－"));
        }
        spans => {
            m.insert("contents".into(), Value::Array(spans.iter().map(span).collect()));
        }
    }
}

fn span(sp: &Span) -> Value {
    let mut m = obj([("type", s("span")), ("text", s(&sp.text))]);
    if sp.bold {
        m.insert("weight".into(), s("bold"));
    }
    if sp.italic {
        m.insert("style".into(), s("italic"));
    }
    if sp.strike {
        m.insert("decoration".into(), s("line-through"));
    } else if sp.link {
        m.insert("decoration".into(), s("underline"));
    }
    if sp.link {
        m.insert("color".into(), s("#1A73E8"));
    } else if sp.code {
        m.insert("color".into(), s("#C0392B"));
    }
    Value::Object(m)
}

/// A text component: `{"type":"text", text(spans), …rest}`.
fn text<const N: usize>(spans: &[Span], rest: [(&str, Value); N]) -> Value {
    let mut m = obj(rest);
    m.insert("type".into(), s("text"));
    text_into(spans, &mut m);
    Value::Object(m)
}

/// The `render(blocks)` macro of `blocks.json`: one component per block.
pub fn blocks(list: &[Block]) -> Option<Vec<Value>> {
    list.iter().map(block).collect()
}

fn vbox<const N: usize>(rest: [(&str, Value); N], contents: Vec<Value>) -> Value {
    let mut m = obj(rest);
    m.insert("type".into(), s("box"));
    m.insert("contents".into(), Value::Array(contents));
    Value::Object(m)
}

fn block(b: &Block) -> Option<Value> {
    let t = Value::Bool(true);
    Some(match b {
        Block::Heading { level, spans, .. } => {
            let size = if *level <= 2 { "lg" } else { "md" };
            text(
                spans,
                [("weight", s("bold")), ("size", s(size)), ("wrap", t), ("margin", s("xl"))],
            )
        }
        Block::Paragraph { spans, .. } => text(spans, [("size", s("sm")), ("wrap", t)]),
        Block::List { children, .. } => vbox(
            [("layout", s("vertical")), ("margin", s("md")), ("spacing", s("sm"))],
            blocks(children)?,
        ),
        Block::ListItem { marker, children, .. } => {
            let mark = Value::Object(obj([
                ("type", s("text")),
                ("text", s(marker)),
                ("size", s("sm")),
                ("flex", n(0)),
            ]));
            let inner = vbox(
                [("layout", s("vertical")), ("flex", n(1)), ("spacing", s("sm"))],
                blocks(children)?,
            );
            vbox([("layout", s("horizontal")), ("spacing", s("sm"))], vec![mark, inner])
        }
        Block::Quote { children, .. } => {
            let bar = vbox(
                [("layout", s("vertical")), ("width", s("4px")), ("backgroundColor", s("#BDBDBD"))],
                Vec::new(),
            );
            let inner = vbox(
                [
                    ("layout", s("vertical")),
                    ("flex", n(1)),
                    ("paddingStart", s("md")),
                    ("spacing", s("sm")),
                ],
                blocks(children)?,
            );
            vbox([("layout", s("horizontal")), ("margin", s("md"))], vec![bar, inner])
        }
        Block::Code { text: code, .. } => {
            let shown = if code.is_empty() { "（空）" } else { code };
            let line = Value::Object(obj([
                ("type", s("text")),
                ("text", s(shown)),
                ("size", s("xs")),
                ("wrap", t),
            ]));
            vbox(
                [
                    ("layout", s("vertical")),
                    ("margin", s("md")),
                    ("backgroundColor", s("#F2F2F2")),
                    ("cornerRadius", s("sm")),
                    ("paddingAll", s("md")),
                ],
                vec![line],
            )
        }
        Block::Table { head, rows, .. } if head.len() <= 3 => narrow_table(head, rows),
        Block::Table { head, rows, .. } => wide_table(head, rows),
        Block::Image { url, aspect_ratio, alt, .. } => {
            let image = Value::Object(obj([
                ("type", s("image")),
                ("url", s(url.as_deref()?)),
                ("size", s("full")),
                ("aspectMode", s("fit")),
                ("aspectRatio", s(aspect_ratio.as_deref()?)),
            ]));
            let mut contents = vec![image];
            if !alt.is_empty() {
                contents.push(Value::Object(obj([
                    ("type", s("text")),
                    ("text", s(alt)),
                    ("size", s("xxs")),
                    ("color", s("#666666")),
                    ("wrap", t),
                    ("align", s("center")),
                ])));
            }
            vbox([("layout", s("vertical")), ("margin", s("md"))], contents)
        }
        Block::Rule { .. } => Value::Object(obj([
            ("type", s("separator")),
            ("margin", s("lg")),
            ("color", s("#DDDDDD")),
        ])),
        Block::Links { links, .. } => {
            let buttons = links
                .iter()
                .map(|l| {
                    Some(Value::Object(obj([
                        ("type", s("button")),
                        ("style", s("link")),
                        ("height", s("sm")),
                        ("action", l.action.clone()?),
                    ])))
                })
                .collect::<Option<Vec<_>>>()?;
            vbox([("layout", s("vertical")), ("margin", s("sm"))], buttons)
        }
    })
}

fn narrow_table(head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) -> Value {
    let t = || Value::Bool(true);
    let cells = |row: &[Vec<Span>], bold: bool| -> Vec<Value> {
        row.iter()
            .map(|c| {
                let mut v = text(c, [("size", s("xs")), ("wrap", t()), ("flex", n(1))]);
                if bold {
                    v["weight"] = s("bold");
                }
                v
            })
            .collect()
    };
    let mut contents = vec![vbox(
        [
            ("layout", s("horizontal")),
            ("backgroundColor", s("#F2F2F2")),
            ("paddingAll", s("sm")),
            ("spacing", s("sm")),
        ],
        cells(head, true),
    )];
    for row in rows {
        contents.push(Value::Object(obj([("type", s("separator")), ("color", s("#DDDDDD"))])));
        contents.push(vbox(
            [("layout", s("horizontal")), ("paddingAll", s("sm")), ("spacing", s("sm"))],
            cells(row, false),
        ));
    }
    vbox(
        [
            ("layout", s("vertical")),
            ("margin", s("md")),
            ("borderWidth", s("light")),
            ("borderColor", s("#DDDDDD")),
            ("cornerRadius", s("sm")),
        ],
        contents,
    )
}

/// Wide tables: one card per row, "header: value" lines.
fn wide_table(head: &[Vec<Span>], rows: &[Vec<Vec<Span>>]) -> Value {
    let t = || Value::Bool(true);
    let cards = rows
        .iter()
        .map(|row| {
            let lines = row
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    let name = head.get(i).map_or(&[][..], Vec::as_slice);
                    let name = text(
                        name,
                        [
                            ("size", s("xs")),
                            ("weight", s("bold")),
                            ("color", s("#666666")),
                            ("wrap", t()),
                            ("flex", n(2)),
                        ],
                    );
                    let value = text(c, [("size", s("xs")), ("wrap", t()), ("flex", n(3))]);
                    vbox([("layout", s("horizontal")), ("spacing", s("sm"))], vec![name, value])
                })
                .collect();
            vbox(
                [
                    ("layout", s("vertical")),
                    ("borderWidth", s("light")),
                    ("borderColor", s("#DDDDDD")),
                    ("cornerRadius", s("sm")),
                    ("paddingAll", s("sm")),
                ],
                lines,
            )
        })
        .collect();
    vbox([("layout", s("vertical")), ("margin", s("md")), ("spacing", s("sm"))], cards)
}

/// `page.json`: one bubble of a page (part `index` of `total`, 1-based), with the footer's
/// buttons on the last part.
pub fn page(
    view: &PageView,
    index: usize,
    total: usize,
    list: &[Block],
    footer: Option<&[Value]>,
) -> Option<Value> {
    let t = || Value::Bool(true);
    let first = index == 1;
    let mut head = vec![Value::Object(obj([
        ("type", s("text")),
        ("text", s(&view.title)),
        ("weight", s("bold")),
        ("size", s("lg")),
        ("color", s("#333333")),
        ("wrap", t()),
    ]))];
    if total > 1 {
        head.push(Value::Object(obj([
            ("type", s("text")),
            ("text", s(&format!("{index}/{total}"))),
            ("size", s("xs")),
            ("color", s("#666666")),
            ("align", s("end")),
        ])));
    }
    let header = vbox(
        [("layout", s("vertical")), ("backgroundColor", s("#FFF1DE")), ("paddingAll", s("lg"))],
        head,
    );
    let mut bubble = obj([("type", s("bubble")), ("size", s("mega")), ("header", header)]);
    let image = view.image.as_ref().filter(|i| truthy(i) && first);
    let mut body = Vec::with_capacity(list.len() + 2);
    if let Some(image) = image {
        bubble.insert(
            "hero".into(),
            Value::Object(obj([
                ("type", s("image")),
                ("url", required(image, "url")?),
                ("size", s("full")),
                ("aspectMode", s("cover")),
                ("aspectRatio", required(image, "aspect_ratio")?),
            ])),
        );
        if let Some(alt) = field(image, "alt") {
            body.push(Value::Object(obj([
                ("type", s("text")),
                ("text", alt.clone()),
                ("size", s("xxs")),
                ("color", s("#666666")),
                ("wrap", t()),
                ("align", s("center")),
            ])));
        }
    }
    if let Some(event) = view.event.as_ref().filter(|e| truthy(e) && first) {
        body.push(event_box(event)?);
    }
    body.extend(blocks(list)?);
    bubble.insert("body".into(), vbox([("layout", s("vertical")), ("spacing", s("md"))], body));
    if let Some(buttons) = footer {
        let buttons = buttons.iter().map(footer_button).collect::<Option<Vec<_>>>()?;
        bubble.insert(
            "footer".into(),
            vbox([("layout", s("vertical")), ("spacing", s("sm"))], buttons),
        );
    } else if index < total {
        let more = Value::Object(obj([
            ("type", s("text")),
            ("text", s("続きは右へ →")),
            ("size", s("xs")),
            ("color", s("#666666")),
            ("align", s("end")),
        ]));
        bubble.insert("footer".into(), vbox([("layout", s("vertical"))], vec![more]));
    }
    Some(Value::Object(bubble))
}

/// The event box: `日時: <date>[ <time>]` and `場所: <place>`. Only strings are joined here
/// (minijinja would print another value its own way: the template path handles that).
fn event_box(event: &Value) -> Option<Value> {
    let t = || Value::Bool(true);
    let text_of = |v: &Value| v.as_str().map(str::to_string);
    let mut when = format!("日時: {}", text_of(event.get("date")?)?);
    if let Some(time) = field(event, "time") {
        when.push(' ');
        when.push_str(&text_of(time)?);
    }
    let mut lines = vec![Value::Object(obj([
        ("type", s("text")),
        ("text", Value::String(when)),
        ("size", s("sm")),
        ("weight", s("bold")),
        ("color", s("#333333")),
        ("wrap", t()),
    ]))];
    if let Some(place) = field(event, "place") {
        lines.push(Value::Object(obj([
            ("type", s("text")),
            ("text", Value::String(format!("場所: {}", text_of(place)?))),
            ("size", s("sm")),
            ("color", s("#333333")),
            ("wrap", t()),
        ])));
    }
    Some(vbox(
        [
            ("layout", s("vertical")),
            ("backgroundColor", s("#F4F9F4")),
            ("cornerRadius", s("md")),
            ("paddingAll", s("md")),
            ("spacing", s("xs")),
        ],
        lines,
    ))
}

fn footer_button(button: &Value) -> Option<Value> {
    let primary = field(button, "primary").is_some();
    let style = if primary {
        "primary"
    } else if field(button, "secondary").is_some() {
        "secondary"
    } else {
        "link"
    };
    let mut m = obj([
        ("type", s("button")),
        ("style", s(style)),
        ("height", s("sm")),
        ("action", required(button, "action")?),
    ]);
    if primary {
        m.insert("color".into(), s("#B8560B"));
    }
    Some(Value::Object(m))
}

/// `menu.json`: one page of a section menu; `next` is the "次へ" card's tap and the number of
/// children not shown yet.
pub fn menu(title: &str, items: &[MenuItem], next: Option<(&Value, usize)>) -> Option<Value> {
    let t = || Value::Bool(true);
    let mut cards = Vec::with_capacity(items.len() + 1);
    for item in items {
        let mut lines = vec![
            Value::Object(obj([
                ("type", s("text")),
                ("text", s(title)),
                ("size", s("xxs")),
                ("color", s("#666666")),
                ("wrap", t()),
            ])),
            Value::Object(obj([
                ("type", s("text")),
                ("text", s(&item.title)),
                ("weight", s("bold")),
                ("size", s("md")),
                ("color", s("#333333")),
                ("wrap", t()),
            ])),
        ];
        if let Some(summary) = some_text(item.summary.as_deref()) {
            lines.push(Value::Object(obj([
                ("type", s("text")),
                ("text", s(summary)),
                ("size", s("xs")),
                ("color", s("#666666")),
                ("wrap", t()),
            ])));
        }
        let body = obj([
            ("type", s("box")),
            ("layout", s("vertical")),
            ("spacing", s("sm")),
            ("action", item.action.clone()),
            ("contents", Value::Array(lines)),
        ]);
        let mut buttons = item
            .shortcuts
            .iter()
            .map(|sc| {
                Some(Value::Object(obj([
                    ("type", s("button")),
                    ("style", s("link")),
                    ("height", s("sm")),
                    ("action", required(sc, "action")?),
                ])))
            })
            .collect::<Option<Vec<_>>>()?;
        buttons.push(Value::Object(obj([
            ("type", s("button")),
            ("style", s("primary")),
            ("height", s("sm")),
            ("color", s("#B8560B")),
            ("action", item.action.clone()),
        ])));
        let mut card = obj([
            ("type", s("bubble")),
            ("size", s("kilo")),
            ("body", Value::Object(body)),
            ("footer", vbox([("layout", s("vertical")), ("spacing", s("xs"))], buttons)),
        ]);
        if let Some(image) = item.image.as_ref().filter(|i| truthy(i)) {
            card.insert(
                "hero".into(),
                Value::Object(obj([
                    ("type", s("image")),
                    ("url", required(image, "url")?),
                    ("size", s("full")),
                    ("aspectMode", s("cover")),
                    ("aspectRatio", s("20:13")),
                    ("action", item.action.clone()),
                ])),
            );
        }
        cards.push(Value::Object(card));
    }
    if let Some((action, remaining)) = next {
        let more = Value::Object(obj([
            ("type", s("text")),
            ("text", Value::String(format!("ほかにもあります（{remaining}件）"))),
            ("size", s("sm")),
            ("color", s("#333333")),
            ("align", s("center")),
            ("wrap", t()),
        ]));
        let button = Value::Object(obj([
            ("type", s("button")),
            ("style", s("secondary")),
            ("margin", s("md")),
            ("action", action.clone()),
        ]));
        let body =
            vbox([("layout", s("vertical")), ("justifyContent", s("center"))], vec![more, button]);
        cards.push(Value::Object(obj([
            ("type", s("bubble")),
            ("size", s("kilo")),
            ("body", body),
        ])));
    }
    Some(Value::Object(obj([("type", s("carousel")), ("contents", Value::Array(cards))])))
}

/// `card.json`: a page as a search result.
pub fn card(title: &str, summary: Option<&str>, section: Option<&str>, action: &Value) -> Value {
    let t = || Value::Bool(true);
    let mut lines = Vec::with_capacity(3);
    if let Some(section) = some_text(section) {
        lines.push(Value::Object(obj([
            ("type", s("text")),
            ("text", s(section)),
            ("size", s("xxs")),
            ("color", s("#666666")),
            ("wrap", t()),
        ])));
    }
    lines.push(Value::Object(obj([
        ("type", s("text")),
        ("text", s(title)),
        ("weight", s("bold")),
        ("size", s("md")),
        ("color", s("#333333")),
        ("wrap", t()),
    ])));
    if let Some(summary) = some_text(summary) {
        lines.push(Value::Object(obj([
            ("type", s("text")),
            ("text", s(summary)),
            ("size", s("xs")),
            ("color", s("#666666")),
            ("wrap", t()),
            ("maxLines", n(4)),
        ])));
    }
    let body = obj([
        ("type", s("box")),
        ("layout", s("vertical")),
        ("spacing", s("sm")),
        ("action", action.clone()),
        ("contents", Value::Array(lines)),
    ]);
    let button = Value::Object(obj([
        ("type", s("button")),
        ("style", s("primary")),
        ("height", s("sm")),
        ("color", s("#B8560B")),
        ("action", action.clone()),
    ]));
    Value::Object(obj([
        ("type", s("bubble")),
        ("size", s("kilo")),
        ("body", Value::Object(body)),
        ("footer", vbox([("layout", s("vertical"))], vec![button])),
    ]))
}
