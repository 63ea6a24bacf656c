//! The importer's state while it walks the lines: what it has built, what is open, and
//! what the previous line was.

use super::lines::{LineKind, SourceLine};

use super::assemble::{assemble, collect_placeholders};
use crate::inline::strip_emphasis;
use crate::model::{Block, Document, Metadata, Warning};

#[derive(Clone, Copy)]
pub(super) struct Context {
    pub(super) next_is_blank: bool,
    pub(super) next_is_heading: bool,
    /// The next line is short and unpunctuated: a heading's second line.
    pub(super) next_is_heading_line: bool,
}

impl Context {
    pub(super) const BLANK_AFTER: Self = Self {
        next_is_blank: true,
        next_is_heading: false,
        next_is_heading_line: false,
    };
}

/// What the previous non-blank line was, for joining wrapped lines.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Previous {
    #[default]
    Nothing,
    Item,
    Paragraph,
    /// A heading written over two lines.
    Heading,
    Other,
}

#[derive(Default)]
pub(super) struct Builder {
    pub(super) meta: Metadata,
    /// Blocks in document order with their depth in the tree.
    pub(super) flat: Vec<(usize, Block)>,
    pub(super) warnings: Vec<Warning>,
    /// Open headings: (level, written as Markdown).
    pub(super) headings: Vec<(usize, bool)>,
    /// Indents of the open list levels.
    pub(super) list_indents: Vec<usize>,
    pub(super) titles_done: bool,
    pub(super) heading_is_title: bool,
    /// The Markdown level of a title written as a heading.
    pub(super) title_level: Option<usize>,
    pub(super) previous: Previous,
    pub(super) blank_since: bool,
    pub(super) signature_fields: Vec<String>,
    pub(super) body_started: bool,
    /// Inside a contents list or a version-history table (kept as metadata rows).
    pub(super) apparatus: Apparatus,
}

#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub(super) enum Apparatus {
    #[default]
    None,
    Contents,
    VersionTable,
}

pub(super) fn is_heading_like(text: &str, context: Context) -> bool {
    let words = text.split_whitespace().count();
    let plain = strip_emphasis(text);
    let last = plain.chars().last().unwrap_or('.');
    let first = plain.chars().next().unwrap_or('"');
    words <= 10
        && plain.chars().count() <= 80
        && !matches!(last, '.' | ',' | ';' | '!')
        && !matches!(first, '"' | '“' | '‘' | '\'' | '(' | '[')
        && !plain.starts_with("I ")
        && plain.chars().any(char::is_alphabetic)
        && (context.next_is_blank || last == ':' || last == '?' || is_emphatic(text, &plain))
}

/// A line set in capitals ("STAFF PRACTICES") or bold throughout ("**Email**") is a
/// heading even with text straight under it.
fn is_emphatic(text: &str, plain: &str) -> bool {
    let letters: Vec<char> = plain.chars().filter(|c| c.is_alphabetic()).collect();
    let capitals = letters.len() >= 4 && letters.iter().all(|c| c.is_uppercase());
    let bold =
        text.starts_with("**") && text.ends_with("**") && !text[2..text.len() - 2].contains("**");
    capitals || bold
}

/// A heading set wholly in bold ("**Email**") is the heading "Email": a heading's
/// weight is the heading's, not emphasis within it.
pub(super) fn unbolded(text: &str) -> String {
    match text
        .strip_prefix("**")
        .and_then(|inner| inner.strip_suffix("**"))
    {
        Some(inner) if !inner.contains("**") && !inner.trim().is_empty() => inner.to_owned(),
        _ => text.to_owned(),
    }
}

pub(super) fn looks_like_school(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["school", "academy", "college"]
        .iter()
        .any(|end| lower.ends_with(end))
        || ["primary", "infant", "junior", "nursery"]
            .iter()
            .any(|word| lower.contains(word))
}

pub(super) fn is_first_person(text: &str) -> bool {
    let plain = strip_emphasis(text);
    plain.starts_with("I ") || plain.starts_with("I'") || plain.starts_with("I’")
}

impl Builder {
    pub(super) fn section_depth(&self) -> usize {
        self.headings.len()
    }

    pub(super) fn push(&mut self, depth: usize, block: Block) {
        self.flat.push((depth, block));
    }

    pub(super) fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning {
            line,
            message: message.into(),
        });
    }

    pub(super) fn line(&mut self, line: &SourceLine, kind: &LineKind, context: Context) {
        if matches!(kind, LineKind::Blank) {
            self.blank_since = true;
            return;
        }
        let text_of = |kind: &LineKind| match kind {
            LineKind::Text(text) | LineKind::Heading { text, .. } => Some(text.clone()),
            LineKind::Item {
                number: Some(number),
                text,
                ..
            } => Some(format!("{number}. {text}")),
            LineKind::Meta { label, value } => Some(format!("{label}\t{value}")),
            _ => None,
        };
        // Only a short line starts a contents list ("Contents", "Table of contents"):
        // other lines are not looked at again while no list is open.
        let may_be_contents = self.apparatus == Apparatus::Contents
            || matches!(kind, LineKind::Text(text) | LineKind::Heading { text, .. } if text.len() <= 24);
        if may_be_contents
            && let Some(text) = text_of(kind)
            && self.contents_line(line, &text.replace('\t', " "))
        {
            self.blank_since = false;
            return;
        }
        if self.apparatus == Apparatus::VersionTable && !matches!(kind, LineKind::Meta { .. }) {
            self.apparatus = Apparatus::None;
        }
        match kind {
            LineKind::Blank => {}
            LineKind::Heading { level, text } => self.heading(line, *level, text),
            LineKind::Meta { label, value } => self.meta_row(line, label, value),
            LineKind::Signature { label, fields } => {
                // A wrapped sentence's next line can start like a label ("School agree
                // to the following:"); only a real blank makes it a field there.
                let continues = !self.blank_since
                    && matches!(self.previous, Previous::Paragraph | Previous::Item)
                    && !crate::vocabulary::has_blank_to_fill(&line.text);
                if continues {
                    let text = crate::inline::fold_spaces(&line.text);
                    self.text(line, &text, context);
                } else {
                    let labelled: Vec<(String, &'static str)> =
                        fields.iter().map(|field| (label.clone(), *field)).collect();
                    self.signature(line, &labelled);
                }
            }
            LineKind::Fields(fields) => self.signature(line, fields),
            LineKind::Item {
                marker,
                number,
                text,
            } => self.item(line, *marker, number.clone(), text),
            LineKind::Text(text) => self.text(line, text, context),
        }
        self.blank_since = false;
    }

    pub(super) fn close_list(&mut self) {
        self.list_indents.clear();
    }

    pub(super) fn finish(mut self) -> Document {
        if self.signature_fields.is_empty() {
            let last = self.flat.last().map_or(1, |(_, block)| block.line);
            self.warn(last, "no signature block found: signers will be asked for their name, signature and date");
        }
        let blocks = assemble(std::mem::take(&mut self.flat));
        let placeholders = collect_placeholders(&self.meta, &blocks);
        Document {
            meta: self.meta,
            blocks,
            placeholders,
            signature_fields: self.signature_fields,
            warnings: self.warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::unbolded;

    #[test]
    fn a_heading_wholly_in_bold_loses_its_markers_and_nothing_else_does() {
        assert_eq!(unbolded("**Email**"), "Email");
        assert_eq!(
            unbolded("**Email** and **phones**"),
            "**Email** and **phones**"
        );
        assert_eq!(unbolded("Email **now**"), "Email **now**");
        assert_eq!(unbolded("****"), "****");
        assert_eq!(unbolded("*Email*"), "*Email*");
    }
}
