//! One content file while it is checked: where it is, its front matter and body, and the
//! diagnostics found in it so far.

use std::path::{Path, PathBuf};

use super::front_matter::Split;
use crate::diagnostics::{Diagnostic, Diagnostics, SourceMap};
use crate::markdown;

/// One file's context while it is checked.
pub(super) struct FileCx<'a> {
    /// The content directory.
    pub(super) dir: &'a Path,
    /// The file, as shown to staff.
    pub(super) file: PathBuf,
    pub(super) map: SourceMap<'a>,
    /// Front matter and body.
    pub(super) split: Split<'a>,
    pub(super) diags: Diagnostics,
    /// Top-level front matter keys whose value could not be read (already reported).
    pub(super) failed_keys: Vec<String>,
}

impl FileCx<'_> {
    /// Records an error at `pos` with an optional hint.
    pub(super) fn error(
        &mut self,
        pos: (usize, usize),
        msg: impl Into<String>,
        hint: Option<&str>,
    ) {
        let mut d = Diagnostic::error(&self.file, pos, msg);
        if let Some(h) = hint {
            d = d.with_hint(h);
        }
        self.diags.push(d);
    }

    /// Position of a top-level front matter key, or of the front matter start.
    pub(super) fn key_pos(&self, key: &str) -> (usize, usize) {
        let line = self
            .split
            .yaml
            .lines()
            .position(|l| l.split_once(':').is_some_and(|(k, _)| k.trim() == key))
            .unwrap_or(0);
        (self.split.yaml_line + line, 1)
    }

    /// True when `key` was written but its value could not be read (and was reported).
    pub(super) fn failed(&self, key: &str) -> bool {
        self.failed_keys.iter().any(|k| k == key)
    }

    pub(super) fn body_pos(&self, offset: usize) -> (usize, usize) {
        self.map.position(self.split.body_offset + offset)
    }

    /// The Markdown body as blocks: constructs shown differently are warned about, lists and
    /// quotes nested too deep are cut (an error), and an empty body is an error unless allowed.
    pub(super) fn body_blocks(&mut self, allow_empty: bool) -> Vec<markdown::Block> {
        let (mut blocks, notes) = markdown::parse(self.split.body);
        for note in notes {
            let pos = self.body_pos(note.offset);
            self.diags.push(Diagnostic::warning(&self.file, pos, note.message));
        }
        for (offset, depth) in markdown::cap_nesting(&mut blocks) {
            let pos = self.body_pos(offset);
            self.error(
                pos,
                format!(
                    "リストや引用の入れ子が深すぎます（{depth}段、{}段まで）",
                    markdown::MAX_NESTING
                ),
                Some("字下げを浅くしてください。LINE の吹き出しの中で、深い入れ子は表示できません"),
            );
        }
        if blocks.is_empty() && !allow_empty {
            let pos = self.body_pos(0);
            self.error(
                pos,
                "本文が空です",
                Some("front matter の --- の下に、お知らせする内容を書いてください"),
            );
        }
        blocks
    }
}
