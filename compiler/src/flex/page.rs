//! A page as bubbles: one bubble when it fits, otherwise consecutive parts ("1/3").
//!
//! Parts are cut at block boundaries by reading length rather than only by LINE's 30 KB
//! limit: a bubble far taller than a phone screen is hard to read, and parents swipe through
//! a carousel naturally.

use serde::Serialize;
use serde_json::Value;

use bundle::limits::MAX_BUBBLE_BYTES;

use super::{PageView, Renderer, TemplateError};
use crate::markdown::{Block, plain_text};

/// Characters of text per bubble before a page is split into parts.
pub const PART_TEXT_BUDGET: usize = 900;

/// A page that cannot be made to fit LINE's limits.
#[derive(Debug)]
pub enum PageError {
    /// A template failed.
    Template(TemplateError),
    /// One block alone renders larger than a bubble may be; holds the block's index.
    BlockTooLarge(usize),
}

impl From<TemplateError> for PageError {
    fn from(e: TemplateError) -> Self {
        PageError::Template(e)
    }
}

/// Bubbles and, for each, the range of blocks it shows (`start..end`).
pub type Bubbles = (Vec<Value>, Vec<(usize, usize)>);

/// Renders `blocks` as one or more bubbles, with the range of blocks in each.
pub fn page_bubbles(r: &Renderer, view: &PageView, blocks: &[Block]) -> Result<Bubbles, PageError> {
    let mut parts = chunk_by_text(blocks);
    loop {
        let bubbles = render_parts(r, view, blocks, &parts)?;
        let Some(big) = bubbles.iter().position(|b| json_len(b) > MAX_BUBBLE_BYTES) else {
            return Ok((bubbles, parts));
        };
        let (start, end) = parts[big];
        if end - start <= 1 {
            return Err(PageError::BlockTooLarge(start));
        }
        let mid = start + (end - start) / 2;
        parts.splice(big..=big, [(start, mid), (mid, end)]);
    }
}

fn render_parts(
    r: &Renderer,
    view: &PageView,
    blocks: &[Block],
    parts: &[(usize, usize)],
) -> Result<Vec<Value>, TemplateError> {
    #[derive(Serialize)]
    struct Part {
        index: usize,
        total: usize,
    }
    #[derive(Serialize)]
    struct Footer<'a> {
        buttons: &'a [Value],
    }
    #[derive(Serialize)]
    struct Ctx<'a> {
        page: &'a PageView,
        part: Part,
        blocks: &'a [Block],
        footer: Option<Footer<'a>>,
    }
    let total = parts.len();
    parts
        .iter()
        .enumerate()
        .map(|(i, &(start, end))| {
            let last = i + 1 == total;
            let footer =
                (last && !view.buttons.is_empty()).then_some(Footer { buttons: &view.buttons });
            let part = &blocks[start..end];
            if r.direct().page {
                let buttons = footer.as_ref().map(|f| f.buttons);
                if let Some(v) = super::direct::page(view, i + 1, total, part, buttons) {
                    return Ok(v);
                }
            }
            let ctx = Ctx { page: view, part: Part { index: i + 1, total }, blocks: part, footer };
            r.render("page.json", ctx)
        })
        .collect()
}

/// Greedy split into `(start, end)` block ranges of about [`PART_TEXT_BUDGET`] characters,
/// preferring to start a part at a heading once the current one is half full.
fn chunk_by_text(blocks: &[Block]) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let (mut start, mut used) = (0, 0);
    for (i, block) in blocks.iter().enumerate() {
        let len = plain_text(std::slice::from_ref(block)).chars().count();
        let is_heading = matches!(block, Block::Heading { .. });
        let over = used + len > PART_TEXT_BUDGET;
        let heading_break = is_heading && used * 2 > PART_TEXT_BUDGET;
        // Link buttons belong to the block before them; never start a part with them.
        let is_links = matches!(block, Block::Links { .. });
        if i > start && (over || heading_break) && !is_links {
            parts.push((start, i));
            (start, used) = (i, 0);
        }
        used += len;
    }
    parts.push((start, blocks.len()));
    parts
}

/// Size of a value as compact JSON, as LINE measures messages (counted, not allocated).
pub fn json_len(v: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, v).map_or(usize::MAX, |()| count.0)
}
