//! The document body, block by block: paragraphs become lines in the importer's text
//! form (`## ` for headings, `- ` for bullets, Word's own list numbers, tab-separated
//! table rows), each followed by a blank line.

use std::collections::HashMap;

use roxmltree::Node;

use super::numbering::{ListMarker, Numbering};
use super::styles::Styles;
use super::{attribute, child, is, xml};
use crate::parse::ParseError;
use crate::source::lines::{Origin, SourceLines};

mod inline;

use inline::Inline;

/// Tables in tables in content controls…: deeper structure is read as plain text.
const MAX_NESTING: usize = 32;
/// Word indents each list level by half an inch (720 twentieths of a point).
const TWIPS_PER_LEVEL: i64 = 720;

pub(super) struct Body<'a> {
    styles: &'a Styles,
    numbering: Numbering,
    links: &'a HashMap<String, String>,
    lines: SourceLines,
    paragraphs: usize,
    tables: usize,
}

impl<'a> Body<'a> {
    pub(super) fn new(
        styles: &'a Styles,
        numbering: Numbering,
        links: &'a HashMap<String, String>,
    ) -> Self {
        Self {
            styles,
            numbering,
            links,
            lines: SourceLines::default(),
            paragraphs: 0,
            tables: 0,
        }
    }

    pub(super) fn read(mut self, text: &str) -> Result<SourceLines, ParseError> {
        let document = xml(text)?;
        let body = document
            .descendants()
            .find(|node| is(*node, "body"))
            .ok_or_else(|| ParseError::DamagedWord {
                reason: "word/document.xml has no body".to_owned(),
            })?;
        for node in body.children() {
            self.block(node, 0);
        }
        Ok(self.lines)
    }

    fn block(&mut self, node: Node<'_, '_>, depth: usize) {
        if depth > MAX_NESTING || !node.is_element() {
            return;
        }
        match node.tag_name().name() {
            "p" => {
                self.paragraph(node);
                self.text_boxes(node, depth);
            }
            "tbl" => self.table(node),
            "sdt" => {
                if let Some(content) = child(node, "sdtContent") {
                    for inner in content.children() {
                        self.block(inner, depth + 1);
                    }
                }
            }
            "customXml" | "ins" | "moveTo" => {
                for inner in node.children() {
                    self.block(inner, depth + 1);
                }
            }
            _ => {}
        }
    }

    fn paragraph(&mut self, node: Node<'_, '_>) {
        self.paragraphs += 1;
        let properties = child(node, "pPr");
        let style = properties
            .and_then(|p| child(p, "pStyle"))
            .and_then(|s| attribute(s, "val"))
            .map(|id| self.styles.facts(id))
            .unwrap_or_default();
        let outline = properties
            .and_then(|p| child(p, "outlineLvl"))
            .and_then(|o| attribute(o, "val"))
            .and_then(|v| v.parse::<usize>().ok())
            .map(|level| level + 1);
        let heading = outline.or(style.heading);
        let numbering = match properties.and_then(|p| child(p, "numPr")) {
            Some(direct) => {
                let id = child(direct, "numId").and_then(|n| attribute(n, "val"));
                let level = child(direct, "ilvl")
                    .and_then(|n| attribute(n, "val"))
                    .and_then(|v| v.parse().ok());
                match id {
                    Some("0") => None,
                    Some(id) => Some((id.to_owned(), level.unwrap_or(0))),
                    None => style
                        .numbering
                        .map(|(id, style_level)| (id, level.unwrap_or(style_level))),
                }
            }
            None => style.numbering,
        };
        let text = Inline::new(self.links, heading.is_none()).paragraph(node);
        if text.trim().is_empty() {
            return;
        }
        let origin = Origin::Paragraph {
            paragraph: self.paragraphs,
        };
        let list_level = style.list_level.unwrap_or(0);
        let marker =
            numbering.map(|(id, level)| (self.numbering.next(&id, level), level.max(list_level)));
        let line = match (heading, marker) {
            (Some(level), marker) => {
                let number = match marker {
                    Some((ListMarker::Number(number), _)) => format!("{number} "),
                    _ => String::new(),
                };
                // The Title style is level 1 and Heading N level N + 1, so titles and
                // headings stay apart, as their type sizes do in a PDF.
                format!("{} {number}{}", "#".repeat((level + 1).min(6)), text.trim())
            }
            (None, Some((ListMarker::Bullet { sub }, level))) => format!(
                "{}- {}{}",
                "    ".repeat(level),
                if sub { "o " } else { "" },
                text.trim()
            ),
            (None, Some((ListMarker::Number(number), level))) => {
                format!("{}{number} {}", "    ".repeat(level), text.trim())
            }
            (None, _) => {
                let indent = properties
                    .and_then(|p| child(p, "ind"))
                    .and_then(|ind| attribute(ind, "left").or_else(|| attribute(ind, "start")))
                    .and_then(|v| v.parse::<i64>().ok())
                    .map_or(0, |twips| (twips / TWIPS_PER_LEVEL).clamp(0, 8) as usize);
                format!("{}{}", "    ".repeat(indent), text.trim())
            }
        };
        self.lines.end_paragraph();
        self.lines.push(line, origin);
        self.lines.end_paragraph();
    }

    /// Text boxes anchored in a paragraph are read after it, as their own paragraphs.
    /// Word writes a box twice (DrawingML, and VML as the fallback for old readers): the
    /// fallback is skipped, and a box inside a box is read by the outer box's paragraphs.
    fn text_boxes(&mut self, paragraph: Node<'_, '_>, depth: usize) {
        let boxes: Vec<Node<'_, '_>> = paragraph
            .descendants()
            .filter(|node| is(*node, "txbxContent"))
            .filter(|node| {
                node.ancestors()
                    .skip(1)
                    .take_while(|ancestor| *ancestor != paragraph)
                    .all(|ancestor| !is(ancestor, "Fallback") && !is(ancestor, "txbxContent"))
            })
            .collect();
        for text_box in boxes {
            for inner in text_box.children() {
                self.block(inner, depth + 1);
            }
        }
    }

    /// Each row is one line, its cells separated by tabs (as metadata tables and
    /// signature boxes are in text exports).
    fn table(&mut self, node: Node<'_, '_>) {
        self.tables += 1;
        let table = self.tables;
        self.lines.end_paragraph();
        for (index, row) in node.children().filter(|n| is(*n, "tr")).enumerate() {
            let cells: Vec<String> = row
                .children()
                .filter(|n| is(*n, "tc"))
                .map(|cell| self.cell_text(cell))
                .collect();
            if cells.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            let line = cells
                .iter()
                .map(|cell| cell.trim())
                .collect::<Vec<_>>()
                .join("\t");
            self.lines.push(
                line,
                Origin::TableRow {
                    table,
                    row: index + 1,
                },
            );
        }
        self.lines.end_paragraph();
    }

    fn cell_text(&mut self, cell: Node<'_, '_>) -> String {
        let mut parts = Vec::new();
        for paragraph in cell.descendants().filter(|n| is(*n, "p")) {
            self.paragraphs += 1;
            let text = Inline::new(self.links, true).paragraph(paragraph);
            if !text.trim().is_empty() {
                parts.push(text.trim().to_owned());
            }
        }
        parts.join(" ")
    }
}
