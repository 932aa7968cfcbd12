//! Build errors for city staff: Japanese messages located at `file:line:column`, like a
//! compiler, so an editor or CI log can jump straight to the mistake.
//!
//! The pipeline never stops at the first problem: every stage pushes into one
//! [`Diagnostics`] list, which is sorted before printing so output is deterministic.

use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is: errors fail the build, warnings are printed only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The build fails and nothing is written.
    Error,
    /// The build goes on; the staff member should still look.
    Warning,
}

/// One problem found in the content, pointing at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// Path as shown to staff, e.g. `content/kenshin/yobou.md`.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters (Japanese text is multi-byte).
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in Japanese.
    pub message: String,
    /// How to fix it, in Japanese.
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `file:line:column`.
    pub fn error(file: &Path, (line, column): (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `file:line:column`.
    pub fn warning(file: &Path, pos: (usize, usize), message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(file, pos, message) }
    }

    /// Adds a hint telling staff how to fix the problem.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Error => "エラー",
            Severity::Warning => "警告",
        };
        write!(
            f,
            "{}:{}:{}: {label}: {}",
            self.file.display(),
            self.line,
            self.column,
            self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  ヒント: {hint}")?;
        }
        Ok(())
    }
}

/// Every diagnostic of one run.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// Records one diagnostic.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Moves all of `other` into `self`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when at least one diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.severity == Severity::Error).count()
    }

    /// The diagnostics sorted by file, position and text, for stable output.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort();
        self.0.dedup();
        self.0
    }

    /// Number of diagnostics, errors and warnings.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Borrowed view, unsorted.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// True when there is nothing to report.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.clone().sorted() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Why a file could not be read or written, in Japanese (the operating system's own message
/// is English and would be the only English line staff see).
pub fn io_reason(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "見つかりません",
        K::PermissionDenied => "読み書きする権限がありません",
        K::InvalidData => "文字コードが UTF-8 ではありません",
        K::StorageFull => "ディスクの空きがありません",
        K::IsADirectory => "ファイルではなくフォルダです",
        _ => "読み書きできません",
    }
}

/// Maps byte offsets in one file to 1-based line and character column.
///
/// Built once per file, so locating many diagnostics stays cheap.
#[derive(Debug, Clone)]
pub struct SourceMap<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> SourceMap<'a> {
    /// Indexes the line starts of `text`.
    pub fn new(text: &'a str) -> Self {
        let line_starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        SourceMap { text, line_starts }
    }

    /// Line and column (both 1-based, column in characters) of a byte offset.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1);
        let start = self.line_starts[line - 1];
        let column = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_characters_not_bytes() {
        let map = SourceMap::new("---\ntitle: 母子\n本文です\n");
        assert_eq!(map.position(0), (1, 1));
        assert_eq!(map.position(4), (2, 1));
        let off = "---\ntitle: 母子\n本文".len();
        assert_eq!(map.position(off), (3, 3));
        assert_eq!(map.position(10_000), (4, 1));
    }

    #[test]
    fn display_is_compiler_like_with_hint() {
        let d = Diagnostic::error(Path::new("content/a.md"), (3, 1), "タイトルがありません")
            .with_hint("title: を書いてください");
        assert_eq!(
            d.to_string(),
            "content/a.md:3:1: エラー: タイトルがありません\n  ヒント: title: を書いてください"
        );
    }
}
