//! Markdown body → a small block IR that the Flex templates render.
//!
//! LINE Flex has no inline links, tables or code blocks, so this stage decides how each
//! Markdown construct survives on a phone: inline links become styled text plus a button right
//! after their block, tables become rows of boxes, raw HTML is shown as text. Nothing is
//! dropped silently; every block keeps the byte offset it starts at, so a mistake found later
//! in what it became (a broken link, a message over LINE's limits) points at its line.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::Serialize;

/// One block-level element, serialised for the templates (`kind` selects the template branch).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// `#`…`######`.
    Heading {
        /// 1–6.
        level: u8,
        /// Heading text.
        spans: Vec<Span>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// A paragraph of styled text.
    Paragraph {
        /// Text runs.
        spans: Vec<Span>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// A bulleted or numbered list.
    List {
        /// Numbered?
        ordered: bool,
        /// The items; each is a `ListItem`.
        children: Vec<Block>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// One list item.
    ListItem {
        /// `・` or `3.`.
        marker: String,
        /// Nested blocks (paragraphs, sub-lists).
        children: Vec<Block>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// `>` quote.
    Quote {
        /// Quoted blocks.
        children: Vec<Block>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// Fenced or indented code, shown as boxed text.
    Code {
        /// Code text without the final newline.
        text: String,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// A table, rendered as one box per row.
    Table {
        /// Header cells.
        head: Vec<Vec<Span>>,
        /// Body rows.
        rows: Vec<Vec<Vec<Span>>>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// An image.
    Image {
        /// Where the image is, as written.
        src: String,
        /// Alt text (shown nowhere on LINE, kept for the preview and size checks).
        alt: String,
        /// Filled in by the compiler: the URL LINE fetches.
        #[serde(skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        /// Filled in by the compiler: `W:H`.
        #[serde(skip_serializing_if = "Option::is_none")]
        aspect_ratio: Option<String>,
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// `---`.
    Rule {
        /// Byte offset in the body, for errors.
        #[serde(skip)]
        offset: usize,
    },
    /// Buttons for the links found in the block just before.
    Links {
        /// The links.
        links: Vec<InlineLink>,
        /// Byte offset in the body (of the first link), for errors.
        #[serde(skip)]
        offset: usize,
    },
}

impl Block {
    /// Byte offset in the body where the block starts.
    pub fn offset(&self) -> usize {
        match self {
            Block::Heading { offset, .. }
            | Block::Paragraph { offset, .. }
            | Block::List { offset, .. }
            | Block::ListItem { offset, .. }
            | Block::Quote { offset, .. }
            | Block::Code { offset, .. }
            | Block::Table { offset, .. }
            | Block::Image { offset, .. }
            | Block::Rule { offset }
            | Block::Links { offset, .. } => *offset,
        }
    }

    /// The blocks inside a list, list item or quote.
    pub fn children(&self) -> &[Block] {
        match self {
            Block::List { children, .. }
            | Block::ListItem { children, .. }
            | Block::Quote { children, .. } => children,
            _ => &[],
        }
    }
}

/// A run of text with one style.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The text.
    pub text: String,
    /// `**strong**`.
    #[serde(skip_serializing_if = "is_false")]
    pub bold: bool,
    /// `*emphasis*`.
    #[serde(skip_serializing_if = "is_false")]
    pub italic: bool,
    /// `~~strike~~`.
    #[serde(skip_serializing_if = "is_false")]
    pub strike: bool,
    /// `` `code` ``.
    #[serde(skip_serializing_if = "is_false")]
    pub code: bool,
    /// Text of a link (its button follows the block).
    #[serde(skip_serializing_if = "is_false")]
    pub link: bool,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// A link written inline in the body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InlineLink {
    /// The link text (button label).
    pub label: String,
    /// The destination as written (`https://…`, `tel:…`, `../a.md`).
    pub dest: String,
    /// Filled in by the compiler: the resolved LINE action.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<serde_json::Value>,
    /// Byte offset in the body, for errors.
    #[serde(skip)]
    pub offset: usize,
}

/// A construct that is shown differently from how it was written; reported as a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Byte offset in the body.
    pub offset: usize,
    /// Japanese explanation.
    pub message: String,
}

/// Parses a Markdown body into blocks, with notes about constructs shown as plain text.
pub fn parse(body: &str) -> (Vec<Block>, Vec<Note>) {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut b = Builder { stack: vec![Frame::default()], ..Builder::default() };
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        b.event(event, range.start);
    }
    b.flush_inline();
    let blocks = b.stack.pop().map(|f| f.blocks).unwrap_or_default();
    (blocks, b.notes)
}

/// Deepest nesting of lists and quotes. Not a LINE rule: each level is a few more levels of
/// boxes in the generated JSON, and LINE's messages, like every JSON reader the build uses,
/// stop at a bounded depth (see `validate::MAX_JSON_DEPTH`, 128). Ten levels stay far inside
/// that bound whatever the templates add, and are already far more than a phone shows well.
pub const MAX_NESTING: usize = 10;

/// Cuts lists and quotes nested deeper than [`MAX_NESTING`] (their content is dropped) and
/// returns, for each cut, the offset of the first block too deep and how deep the nesting
/// went there, so the mistake is reported at its line and the rest of the page still renders.
pub fn cap_nesting(blocks: &mut [Block]) -> Vec<(usize, usize)> {
    let mut cuts = Vec::new();
    cap(blocks, 0, &mut cuts);
    cuts
}

fn cap(blocks: &mut [Block], depth: usize, cuts: &mut Vec<(usize, usize)>) {
    for b in blocks {
        let level = match b {
            Block::List { .. } | Block::Quote { .. } => depth + 1,
            Block::ListItem { .. } => depth,
            _ => continue,
        };
        if level > MAX_NESTING {
            cuts.push((b.offset(), level + deepest(b.children())));
        }
        if let Block::List { children, .. }
        | Block::Quote { children, .. }
        | Block::ListItem { children, .. } = b
        {
            if level > MAX_NESTING {
                children.clear();
            } else {
                cap(children, level, cuts);
            }
        }
    }
}

/// Further list and quote levels below `blocks`.
fn deepest(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::List { .. } | Block::Quote { .. } => 1 + deepest(b.children()),
            _ => deepest(b.children()),
        })
        .max()
        .unwrap_or(0)
}

/// The plain text of blocks, for search and size estimates.
pub fn plain_text(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        push_plain(block, &mut out);
    }
    out
}

fn push_plain(block: &Block, out: &mut String) {
    let spans = |spans: &[Span], out: &mut String| {
        spans.iter().for_each(|s| out.push_str(&s.text));
        out.push('\n');
    };
    match block {
        Block::Heading { spans: s, .. } | Block::Paragraph { spans: s, .. } => spans(s, out),
        Block::List { children, .. }
        | Block::ListItem { children, .. }
        | Block::Quote { children, .. } => children.iter().for_each(|c| push_plain(c, out)),
        Block::Code { text, .. } => {
            out.push_str(text);
            out.push('\n');
        }
        Block::Table { head, rows, .. } => {
            std::iter::once(head).chain(rows).flatten().for_each(|cell| spans(cell, out))
        }
        Block::Image { alt, .. } => spans(&[Span { text: alt.clone(), ..Span::default() }], out),
        Block::Links { links, .. } => links.iter().for_each(|l| {
            out.push_str(&l.label);
            out.push('\n');
        }),
        Block::Rule { .. } => {}
    }
}

/// What is being collected at one nesting level.
#[derive(Debug, Default)]
struct Frame {
    blocks: Vec<Block>,
    /// For lists: numbered, and the next number.
    list: Option<(bool, u64)>,
    /// Where the container (list, item, quote) starts.
    offset: usize,
}

/// A table being collected: header cells, body rows, and whether the header is still open.
#[derive(Debug, Default)]
struct TableState {
    head: Vec<Vec<Span>>,
    rows: Vec<Vec<Vec<Span>>>,
    in_head: bool,
    offset: usize,
}

#[derive(Debug, Default)]
struct Builder {
    /// Container nesting: document, quote, list, list item.
    stack: Vec<Frame>,
    /// Inline text being collected for the current paragraph/heading/cell.
    spans: Vec<Span>,
    style: Span,
    /// Links seen in the current block, emitted as buttons after it.
    links: Vec<InlineLink>,
    link_dest: Option<(String, usize, String)>,
    image: Option<(String, usize, String)>,
    code: Option<(String, usize)>,
    table: Option<TableState>,
    notes: Vec<Note>,
    /// Where the inline text being collected starts (a paragraph, heading or tight item).
    inline_start: Option<usize>,
}

impl Builder {
    fn frame(&mut self) -> &mut Frame {
        if self.stack.is_empty() {
            self.stack.push(Frame::default());
        }
        let last = self.stack.len() - 1;
        &mut self.stack[last]
    }

    fn push_block(&mut self, block: Block) {
        self.frame().blocks.push(block);
    }

    fn event(&mut self, event: Event<'_>, offset: usize) {
        let inline = matches!(
            event,
            Event::Text(_)
                | Event::Code(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::Link { .. } | Tag::Emphasis | Tag::Strong)
        );
        if inline && self.inline_start.is_none() {
            self.inline_start = Some(offset);
        }
        match event {
            Event::Start(tag) => self.start(tag, offset),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => self.styled_text(&t, |s| s.code = true),
            Event::SoftBreak | Event::HardBreak => self.text("\n"),
            Event::Rule => self.push_block(Block::Rule { offset }),
            Event::Html(h) | Event::InlineHtml(h) => {
                self.notes.push(Note {
                    offset,
                    message: "HTMLタグは使えないため、そのまま文字として表示されます".into(),
                });
                self.text(h.trim_end_matches('\n'));
            }
            Event::TaskListMarker(done) => self.text(if done { "☑ " } else { "☐ " }),
            Event::FootnoteReference(r) => self.text(&format!("[{r}]")),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
        }
    }

    fn start(&mut self, tag: Tag<'_>, offset: usize) {
        match tag {
            Tag::BlockQuote(_) => self.stack.push(Frame { offset, ..Frame::default() }),
            Tag::List(first) => {
                self.flush_inline();
                self.stack.push(Frame {
                    list: Some((first.is_some(), first.unwrap_or(1))),
                    offset,
                    ..Frame::default()
                });
            }
            Tag::Item => {
                self.flush_inline();
                self.stack.push(Frame { offset, ..Frame::default() });
            }
            Tag::Paragraph | Tag::Heading { .. } => self.inline_start = Some(offset),
            Tag::CodeBlock(kind) => {
                let _: CodeBlockKind<'_> = kind;
                self.code = Some((String::new(), offset));
            }
            Tag::Emphasis => self.style.italic = true,
            Tag::Strong => self.style.bold = true,
            Tag::Strikethrough => self.style.strike = true,
            Tag::Link { dest_url, .. } => {
                self.style.link = true;
                self.link_dest = Some((dest_url.to_string(), offset, String::new()));
            }
            Tag::Image { dest_url, .. } => {
                self.flush_inline();
                self.image = Some((dest_url.to_string(), offset, String::new()));
            }
            Tag::Table(_) => {
                self.table = Some(TableState { in_head: true, offset, ..TableState::default() })
            }
            Tag::TableRow => {
                if let Some(t) = &mut self.table {
                    t.rows.push(Vec::new());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_inline(),
            TagEnd::Heading(level) => {
                let spans = std::mem::take(&mut self.spans);
                let offset = self.inline_start.take().unwrap_or_default();
                self.push_block(Block::Heading { level: heading_level(level), spans, offset });
                self.flush_links();
            }
            TagEnd::BlockQuote(_) => {
                self.flush_inline();
                let Frame { blocks, offset, .. } = self.pop_frame();
                self.push_block(Block::Quote { children: blocks, offset });
            }
            TagEnd::Item => self.end_item(),
            TagEnd::List(_) => {
                self.flush_inline();
                let frame = self.pop_frame();
                let ordered = frame.list.is_some_and(|(o, _)| o);
                let offset = frame.offset;
                self.push_block(Block::List { ordered, children: frame.blocks, offset });
            }
            TagEnd::CodeBlock => {
                let (text, offset) = self.code.take().unwrap_or_default();
                let text = text.trim_end_matches('\n').to_string();
                self.push_block(Block::Code { text, offset });
                self.inline_start = None;
            }
            TagEnd::Emphasis => self.style.italic = false,
            TagEnd::Strong => self.style.bold = false,
            TagEnd::Strikethrough => self.style.strike = false,
            TagEnd::Link => {
                self.style.link = false;
                if let Some((dest, offset, label)) = self.link_dest.take() {
                    self.links.push(InlineLink { label, dest, action: None, offset });
                }
            }
            TagEnd::Image => {
                if let Some((src, offset, alt)) = self.image.take() {
                    self.push_block(Block::Image {
                        src,
                        alt,
                        url: None,
                        aspect_ratio: None,
                        offset,
                    });
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = false;
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.spans);
                if let Some(t) = &mut self.table {
                    match (t.in_head, t.rows.last_mut()) {
                        (true, _) => t.head.push(cell),
                        (false, Some(row)) => row.push(cell),
                        (false, None) => t.rows.push(vec![cell]),
                    }
                }
            }
            TagEnd::Table => {
                if let Some(TableState { head, rows, offset, .. }) = self.table.take() {
                    self.push_block(Block::Table { head, rows, offset });
                    self.inline_start = None;
                    self.flush_links();
                }
            }
            _ => {}
        }
    }

    fn end_item(&mut self) {
        self.flush_inline();
        let Frame { blocks: children, offset, .. } = self.pop_frame();
        let frame = self.frame();
        let marker = match &mut frame.list {
            Some((true, n)) => {
                *n += 1;
                format!("{}.", *n - 1)
            }
            _ => "・".to_string(),
        };
        frame.blocks.push(Block::ListItem { marker, children, offset });
    }

    fn pop_frame(&mut self) -> Frame {
        if self.stack.len() > 1 { self.stack.pop().unwrap_or_default() } else { Frame::default() }
    }

    fn text(&mut self, t: &str) {
        let style = self.style.clone();
        self.push_span(t, style);
    }

    fn styled_text(&mut self, t: &str, f: impl FnOnce(&mut Span)) {
        let mut style = self.style.clone();
        f(&mut style);
        self.push_span(t, style);
    }

    fn push_span(&mut self, t: &str, style: Span) {
        if let Some((code, _)) = &mut self.code {
            code.push_str(t);
            return;
        }
        if let Some((_, _, alt)) = &mut self.image {
            alt.push_str(t);
            return;
        }
        if let Some((_, _, label)) = &mut self.link_dest {
            label.push_str(t);
        }
        match self.spans.last_mut() {
            Some(last) if Span { text: String::new(), ..last.clone() } == style => {
                last.text.push_str(t)
            }
            _ => self.spans.push(Span { text: t.to_string(), ..style }),
        }
    }

    /// Ends the current run of inline text as a paragraph (tight list items have no
    /// paragraph events, so this also runs at item and list boundaries).
    fn flush_inline(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        let offset = self.inline_start.take().unwrap_or_default();
        if spans.iter().any(|s| !s.text.trim().is_empty()) {
            self.push_block(Block::Paragraph { spans: trim_spans(spans), offset });
        }
        self.flush_links();
    }

    fn flush_links(&mut self) {
        if !self.links.is_empty() {
            let links = std::mem::take(&mut self.links);
            let offset = links[0].offset;
            self.push_block(Block::Links { links, offset });
        }
    }
}

fn trim_spans(mut spans: Vec<Span>) -> Vec<Span> {
    if let Some(first) = spans.first_mut() {
        first.text = first.text.trim_start().to_string();
    }
    if let Some(last) = spans.last_mut() {
        last.text = last.text.trim_end().to_string();
    }
    spans.retain(|s| !s.text.is_empty());
    spans
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests;
