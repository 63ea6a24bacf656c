//! A paragraph's runs: text with bold and italic as Markdown emphasis, hyperlinks as
//! Markdown links, highlighted text and unfilled content controls as `[placeholders]`,
//! and form fields as blanks to fill in (`_____`) on a signature line or as
//! placeholders elsewhere. Field instructions, deleted and hidden text are left out.

use std::collections::HashMap;

use roxmltree::Node;

use super::super::{attribute, child, on};
use crate::vocabulary::signature_line;

const MAX_NESTING: usize = 32;
const BLANK: &str = "_____";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text {
        text: String,
        bold: bool,
        italic: bool,
        highlight: bool,
    },
    /// Already in its final form (a link, a placeholder).
    Literal(String),
    /// A form field or an unfilled content control; its label, when it has one.
    Field(Option<String>),
}

/// A complex field (`w:fldChar`) being read.
struct OpenField {
    instruction: String,
    form_label: Option<Option<String>>,
    in_result: bool,
}

pub(super) struct Inline<'a> {
    links: &'a HashMap<String, String>,
    emphasis: bool,
    pieces: Vec<Piece>,
    fields: Vec<OpenField>,
}

impl<'a> Inline<'a> {
    pub(super) fn new(links: &'a HashMap<String, String>, emphasis: bool) -> Self {
        Self {
            links,
            emphasis,
            pieces: Vec::new(),
            fields: Vec::new(),
        }
    }

    pub(super) fn paragraph(mut self, node: Node<'_, '_>) -> String {
        self.children(node, 0);
        self.render()
    }

    fn children(&mut self, node: Node<'_, '_>, depth: usize) {
        if depth > MAX_NESTING {
            return;
        }
        for inner in node.children().filter(Node::is_element) {
            match inner.tag_name().name() {
                "r" => self.run(inner),
                "hyperlink" => self.hyperlink(inner, depth),
                "sdt" => self.content_control(inner, depth),
                "fldSimple" | "ins" | "moveTo" | "smartTag" | "customXml" | "sdtContent"
                | "dir" | "bdo" => self.children(inner, depth + 1),
                _ => {}
            }
        }
    }

    fn hiding(&self) -> bool {
        self.fields
            .iter()
            .any(|field| !field.in_result || field.form_label.is_some())
    }

    fn run(&mut self, run: Node<'_, '_>) {
        let properties = child(run, "rPr");
        if on(properties, "vanish") == Some(true) {
            return;
        }
        let bold = self.emphasis && on(properties, "b").unwrap_or(false);
        let italic = self.emphasis && on(properties, "i").unwrap_or(false);
        let highlight = properties
            .and_then(|p| child(p, "highlight"))
            .is_some_and(|h| attribute(h, "val").is_some_and(|v| v != "none"));
        for item in run.children().filter(Node::is_element) {
            let text = match item.tag_name().name() {
                "t" => item.text().unwrap_or_default().to_owned(),
                "tab" => "\t".to_owned(),
                "br" | "cr" => " ".to_owned(),
                "noBreakHyphen" => "-".to_owned(),
                "fldChar" => {
                    self.field_char(item);
                    continue;
                }
                "instrText" => {
                    if let Some(field) = self.fields.last_mut() {
                        field.instruction.push_str(item.text().unwrap_or_default());
                    }
                    continue;
                }
                _ => continue,
            };
            if self.hiding() {
                continue;
            }
            self.pieces.push(Piece::Text {
                text,
                bold,
                italic,
                highlight,
            });
        }
    }

    fn field_char(&mut self, node: Node<'_, '_>) {
        match attribute(node, "fldCharType") {
            Some("begin") => {
                let form = child(node, "ffData").map(|data| {
                    child(data, "name")
                        .and_then(|n| attribute(n, "val"))
                        .filter(|name| !is_generated_name(name))
                        .map(label_from_name)
                });
                self.fields.push(OpenField {
                    instruction: String::new(),
                    form_label: form,
                    in_result: false,
                });
            }
            Some("separate") => {
                if let Some(field) = self.fields.last_mut() {
                    field.in_result = true;
                }
            }
            Some("end") => {
                if let Some(field) = self.fields.pop() {
                    let instruction = field.instruction.trim().to_ascii_uppercase();
                    if instruction.starts_with("FORMTEXT") {
                        self.pieces.push(Piece::Field(field.form_label.flatten()));
                    } else if instruction.starts_with("FORMCHECKBOX") {
                        self.pieces.push(Piece::Literal("[ ]".to_owned()));
                    }
                }
            }
            _ => {}
        }
    }

    fn hyperlink(&mut self, node: Node<'_, '_>, depth: usize) {
        let mut inner = Inline::new(self.links, false);
        inner.children(node, depth + 1);
        let text = inner.render();
        let target = attribute(node, "id").and_then(|id| self.links.get(id));
        match target {
            Some(url) if !text.trim().is_empty() && is_web_address(url) => self
                .pieces
                .push(Piece::Literal(format!("[{}]({url})", text.trim()))),
            _ => self.pieces.push(Piece::Literal(text)),
        }
    }

    /// A content control still showing its placeholder text is a blank for the school
    /// (or the signer) to fill in; a filled one is ordinary text.
    fn content_control(&mut self, node: Node<'_, '_>, depth: usize) {
        let properties = child(node, "sdtPr");
        let unfilled = properties.is_some_and(|p| child(p, "showingPlcHdr").is_some());
        let content = child(node, "sdtContent");
        if !unfilled {
            if let Some(content) = content {
                self.children(content, depth + 1);
            }
            return;
        }
        let named = properties.and_then(|p| {
            ["alias", "tag"]
                .iter()
                .find_map(|name| child(p, name).and_then(|n| attribute(n, "val")))
                .filter(|v| !v.trim().is_empty())
                .map(str::to_owned)
        });
        let shown = content.map(|c| {
            let mut inner = Inline::new(self.links, false);
            inner.children(c, depth + 1);
            inner.render()
        });
        let label = named.or(shown.filter(|s| s.chars().any(char::is_alphabetic)));
        self.pieces
            .push(Piece::Field(label.map(|l| clean_label(&l))));
    }

    fn render(mut self) -> String {
        // Fields opened and never closed: nothing after them was shown.
        self.fields.clear();
        let as_blanks = render_pieces(&self.pieces, true);
        let plain = as_blanks.replace(['*'], "");
        let signature = signature_line(plain.trim()).is_some();
        if signature {
            as_blanks
        } else {
            render_pieces(&self.pieces, false)
        }
    }
}

fn render_pieces(pieces: &[Piece], fields_as_blanks: bool) -> String {
    let mut out = String::new();
    let mut index = 0;
    while index < pieces.len() {
        match &pieces[index] {
            Piece::Literal(text) => out.push_str(text),
            Piece::Field(label) => match label {
                Some(label) if !fields_as_blanks => {
                    out.push('[');
                    out.push_str(label);
                    out.push(']');
                }
                _ => out.push_str(BLANK),
            },
            Piece::Text {
                bold,
                italic,
                highlight,
                ..
            } => {
                let mut text = String::new();
                while let Some(Piece::Text {
                    text: more,
                    bold: b,
                    italic: i,
                    highlight: h,
                }) = pieces.get(index)
                {
                    if (b, i, h) != (bold, italic, highlight) {
                        break;
                    }
                    text.push_str(more);
                    index += 1;
                }
                out.push_str(&styled(&text, *bold, *italic, *highlight));
                continue;
            }
        }
        index += 1;
    }
    out
}

/// Emphasis markers hug the words: white space stays outside them.
fn styled(text: &str, bold: bool, italic: bool, highlight: bool) -> String {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return text.to_owned();
    }
    let start = text.len() - text.trim_start().len();
    let end = start + trimmed.len();
    let mut inner = trimmed.to_owned();
    let already_placeholder = ["[", "{{", "<<"].iter().any(|open| inner.starts_with(open));
    if highlight && !already_placeholder {
        inner = format!("[{inner}]");
    }
    let marks = match (bold, italic) {
        (true, true) => "***",
        (true, false) => "**",
        (false, true) => "*",
        (false, false) => "",
    };
    format!("{}{marks}{inner}{marks}{}", &text[..start], &text[end..])
}

/// Word names form fields "Text1", "Check2" when nobody gave them a name.
fn is_generated_name(name: &str) -> bool {
    let letters = name.trim_end_matches(|c: char| c.is_ascii_digit());
    letters.len() < name.len() && ["Text", "Check", "Dropdown"].contains(&letters)
}

/// "StaffName" or "staff_name" → "Staff Name".
fn label_from_name(name: &str) -> String {
    let mut out = String::new();
    let mut previous_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            previous_lower = false;
            continue;
        }
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase();
        out.push(c);
    }
    clean_label(&out)
}

fn clean_label(label: &str) -> String {
    let label = label
        .trim()
        .trim_start_matches(['[', '{', '<'])
        .trim_end_matches([']', '}', '>'])
        .trim();
    label.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_web_address(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emphasis_hugs_words_and_highlight_is_a_placeholder() {
        assert_eq!(styled(" hello ", true, false, false), " **hello** ");
        assert_eq!(styled("x", true, true, false), "***x***");
        assert_eq!(styled("School Name", false, false, true), "[School Name]");
        assert_eq!(styled("[DPO]", false, false, true), "[DPO]");
        assert_eq!(styled("   ", true, false, false), "   ");
    }

    #[test]
    fn form_field_names() {
        assert!(is_generated_name("Text12"));
        assert!(!is_generated_name("StaffName"));
        assert_eq!(label_from_name("StaffName"), "Staff Name");
        assert_eq!(label_from_name("dpo_email"), "dpo email");
    }
}
