//! The text a Word or PDF file is read into, a line at a time, each line with where it
//! came from in the file.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    Line { line: usize },
    Paragraph { paragraph: usize },
    TableRow { table: usize, row: usize },
    Page { page: usize, line: usize },
}

impl fmt::Display for Origin {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line { line } => write!(formatter, "line {line}"),
            Self::Paragraph { paragraph } => write!(formatter, "paragraph {paragraph}"),
            Self::TableRow { table, row } => write!(formatter, "table {table}, row {row}"),
            Self::Page { page, line } => write!(formatter, "page {page}, line {line}"),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct SourceLines {
    lines: Vec<(String, Option<Origin>)>,
}

impl SourceLines {
    pub(crate) fn from_text(text: &str) -> Self {
        let lines = text
            .lines()
            .enumerate()
            .map(|(index, line)| (line.to_owned(), Some(Origin::Line { line: index + 1 })))
            .collect();
        Self { lines }
    }

    pub(crate) fn push(&mut self, line: String, origin: Origin) {
        // One source unit may span several lines; a line break inside one is a space.
        let line = line.replace(['\n', '\r'], " ");
        self.lines.push((line, Some(origin)));
    }

    /// Joins `text` onto the last line (a paragraph's wrapped line).
    pub(crate) fn append_to_last(&mut self, text: &str) {
        match self.lines.last_mut() {
            Some((line, _)) if !line.is_empty() => line.push_str(text),
            _ => {}
        }
    }

    /// A blank line: the end of a paragraph.
    pub(crate) fn end_paragraph(&mut self) {
        if self.lines.last().is_some_and(|(line, _)| !line.is_empty()) {
            self.lines.push((String::new(), None));
        }
    }

    pub fn text(&self) -> String {
        let mut text = String::new();
        for (line, _) in &self.lines {
            text.push_str(line);
            text.push('\n');
        }
        text
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lines.iter().all(|(line, _)| line.trim().is_empty())
    }

    /// Where 1-based line `line` of `text()` came from; a blank line answers with the
    /// nearest line above it that came from somewhere.
    pub fn origin(&self, line: usize) -> Origin {
        self.lines[..line.min(self.lines.len())]
            .iter()
            .rev()
            .find_map(|(_, origin)| *origin)
            .unwrap_or(Origin::Line { line })
    }
}
