//! Flex Message generation: pages, menus and search cards rendered through minijinja
//! templates, so a designer can restyle the account by editing JSON templates instead of Rust.
//!
//! The built-in templates live in `compiler/templates/`; a file of the same name in
//! `content/_templates/` replaces one. Templates named `*.json` are rendered with minijinja's
//! JSON auto-escaping, so `{{ value }}` always emits a valid JSON value.

pub mod actions;
mod direct;
pub mod menu;
pub mod page;
pub mod pushed;

use std::path::{Path, PathBuf};

use minijinja::Environment;
use serde::Serialize;
use serde_json::Value;

pub(crate) use direct::card as direct_card;
pub use menu::{MenuItem, menu_pages};
pub use page::page_bubbles;

/// Built-in templates: (name, text).
pub const BUILTIN_TEMPLATES: &[(&str, &str)] = &[
    ("blocks.json", include_str!("../../templates/blocks.json")),
    ("page.json", include_str!("../../templates/page.json")),
    ("menu.json", include_str!("../../templates/menu.json")),
    ("card.json", include_str!("../../templates/card.json")),
    ("day.json", include_str!("../../templates/day.json")),
];

/// A template that failed to load or render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The template file (built-in name or override path).
    pub file: PathBuf,
    /// 1-based line in the template, when known.
    pub line: usize,
    /// What went wrong.
    pub message: String,
}

/// The template environment.
pub struct Renderer {
    env: Environment<'static>,
    /// Where each template came from, for error messages.
    origins: Vec<(String, PathBuf)>,
    /// Which outputs are built directly in Rust (their templates are the built-in ones).
    direct: Direct,
}

/// The built-in templates in use, whose output [`direct`] builds without minijinja.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Direct {
    /// `page.json` and the `blocks.json` it imports.
    pub page: bool,
    /// `menu.json`.
    pub menu: bool,
    /// `card.json`.
    pub card: bool,
}

impl Renderer {
    /// Loads the built-in templates, replaced by any same-named file in `overrides`.
    pub fn new(overrides: Option<&Path>) -> Result<Self, TemplateError> {
        let mut r = Self::templates(overrides)?;
        let builtin = |name: &str| r.origin(name) == Path::new("compiler/templates").join(name);
        r.direct = Direct {
            page: builtin("page.json") && builtin("blocks.json"),
            menu: builtin("menu.json"),
            card: builtin("card.json"),
        };
        Ok(r)
    }

    /// Like [`Renderer::new`], but every output goes through minijinja, built-in templates
    /// included: the reference the direct path is compared with.
    pub fn templates(overrides: Option<&Path>) -> Result<Self, TemplateError> {
        let mut env = Environment::new();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::Lenient);
        let mut origins = Vec::new();
        for (name, builtin) in BUILTIN_TEMPLATES {
            let (source, origin) = match overrides.map(|d| d.join(name)).filter(|p| p.is_file()) {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).map_err(|e| TemplateError {
                        file: path.clone(),
                        line: 1,
                        message: format!(
                            "テンプレートを読めません（{}）",
                            crate::diagnostics::io_reason(&e)
                        ),
                    })?;
                    (text, path)
                }
                None => (builtin.to_string(), PathBuf::from(format!("compiler/templates/{name}"))),
            };
            env.add_template_owned(*name, source).map_err(|e| template_error(&origin, &e))?;
            origins.push((name.to_string(), origin));
        }
        Ok(Renderer { env, origins, direct: Direct::default() })
    }

    /// Which outputs skip minijinja.
    pub(crate) fn direct(&self) -> Direct {
        self.direct
    }

    /// Renders template `name` with `ctx` and parses the result as JSON.
    pub fn render(&self, name: &str, ctx: impl Serialize) -> Result<Value, TemplateError> {
        let origin = self.origin(name);
        let tmpl = self.env.get_template(name).map_err(|e| template_error(&origin, &e))?;
        let text = tmpl.render(minijinja::value::Serde(ctx)).map_err(|e| {
            let file = e.name().map_or(origin.clone(), |n| self.origin(n));
            template_error(&file, &e)
        })?;
        serde_json::from_str(&text).map_err(|e| TemplateError {
            file: origin,
            line: 1,
            message: format!(
                "テンプレートの出力が JSON になっていません（出力の{}行{}列{}）",
                e.line(),
                e.column(),
                if e.is_eof() { "で途中で終わっています" } else { "" }
            ),
        })
    }

    /// Every template's text with the file it came from, to find a value written in one.
    pub fn sources(&self) -> Vec<(PathBuf, String)> {
        self.origins
            .iter()
            .filter_map(|(name, path)| {
                let t = self.env.get_template(name).ok()?;
                Some((path.clone(), t.source().to_string()))
            })
            .collect()
    }

    fn origin(&self, name: &str) -> PathBuf {
        self.origins
            .iter()
            .find(|(n, _)| n == name)
            .map_or_else(|| PathBuf::from(name), |(_, p)| p.clone())
    }
}

fn template_error(file: &Path, e: &minijinja::Error) -> TemplateError {
    TemplateError {
        file: file.to_path_buf(),
        line: e.line().unwrap_or(1),
        message: template_reason(e.kind()).to_string(),
    }
}

/// minijinja's error kinds in Japanese (its own messages are English).
fn template_reason(kind: minijinja::ErrorKind) -> &'static str {
    use minijinja::ErrorKind as K;
    match kind {
        K::SyntaxError => "テンプレートの書き方（{% %} や {{ }}）が正しくありません",
        K::TemplateNotFound | K::BadInclude => "読み込むテンプレートが見つかりません",
        K::UnknownFilter | K::UnknownTest | K::UnknownFunction | K::UnknownMethod => {
            "テンプレートで知らないフィルターや関数が使われています"
        }
        K::UndefinedError => "テンプレートで、値のない名前が使われています",
        K::TooManyArguments | K::MissingArgument => {
            "テンプレートの関数やマクロに渡す値の数が合いません"
        }
        K::BadEscape => "テンプレートの文字の書き方（\\ の使い方）が正しくありません",
        _ => "テンプレートの中の値の使い方が正しくありません",
    }
}

/// Wraps a container in a Flex message (moved in, not copied: `json!` would serialise it).
pub fn flex_message(alt_text: &str, contents: Value) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("type".into(), Value::String("flex".into()));
    m.insert("altText".into(), Value::String(clip(alt_text, 400)));
    m.insert("contents".into(), contents);
    Value::Object(m)
}

/// A plain text message.
pub fn text_message(text: &str) -> Value {
    serde_json::json!({ "type": "text", "text": clip(text, 5000) })
}

/// A carousel of bubbles.
pub fn carousel(bubbles: Vec<Value>) -> Value {
    let mut m = serde_json::Map::new();
    m.insert("type".into(), Value::String("carousel".into()));
    m.insert("contents".into(), Value::Array(bubbles));
    Value::Object(m)
}

/// Cuts `s` to at most `max` characters, marking the cut with `…`.
pub fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// What the page template needs besides the blocks (here because both the templates'
/// renderer, `page`, and the built-in one, `direct`, read it).
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    /// Header title.
    pub title: String,
    /// Hero image `{url, aspect_ratio}`.
    pub image: Option<Value>,
    /// Event box `{date, time, place}`.
    pub event: Option<Value>,
    /// Footer buttons `[{action, primary?, secondary?}]`, shown on the last part.
    pub buttons: Vec<Value>,
}
