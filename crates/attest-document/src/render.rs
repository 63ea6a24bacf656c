//! Rendering a document for one school and one reader: placeholders filled with the
//! school's values, blocks for other roles left out. Markdown is the canonical form
//! (it is what the content hash covers); HTML and plain text are derived from it, and
//! HTML never lets raw HTML or script links from the source through.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use attest_domain::MembershipKind;
use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::model::{Block, BlockKind, Document, Marker};
use crate::placeholders;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Markdown,
    Html,
    Text,
}

impl std::str::FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "markdown" | "md" => Ok(Self::Markdown),
            "html" => Ok(Self::Html),
            "text" | "plain" | "txt" => Ok(Self::Text),
            other => Err(format!(
                "unknown format '{other}'; expected markdown, html or text"
            )),
        }
    }
}

/// For whom a document is rendered.
#[derive(Debug, Clone, Default)]
pub struct Reader<'a> {
    /// The school's values for the document's placeholders, by key.
    pub variables: Option<&'a BTreeMap<String, String>>,
    /// The reader's kind of membership; `None` shows every block (for admins).
    pub audience: Option<MembershipKind>,
}

/// SHA-256 of the canonical (Markdown) rendering, hex encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ContentHash(pub String);

impl std::fmt::Display for ContentHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

pub fn render(document: &Document, reader: &Reader<'_>, format: Format) -> String {
    let markdown = markdown(document, reader);
    match format {
        Format::Markdown => markdown,
        Format::Html => html(&markdown),
        Format::Text => text(&markdown),
    }
}

/// The hash of exactly what this reader sees.
pub fn content_hash(document: &Document, reader: &Reader<'_>) -> ContentHash {
    ContentHash(hex::encode(Sha256::digest(
        markdown(document, reader).as_bytes(),
    )))
}

/// Placeholder keys in the document that `variables` gives no value for.
pub fn missing_variables(document: &Document, variables: &BTreeMap<String, String>) -> Vec<String> {
    document
        .placeholders
        .iter()
        .filter(|placeholder| {
            variables
                .get(&placeholder.key)
                .is_none_or(|value| value.trim().is_empty())
        })
        .map(|placeholder| placeholder.key.clone())
        .collect()
}

fn applies(block: &Block, audience: Option<MembershipKind>) -> bool {
    match audience {
        None => true,
        Some(kind) => block.audience.is_empty() || block.audience.contains(&kind),
    }
}

/// Backslash-escapes what Markdown would read as markup in a school's value.
fn escape_value(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '[' | ']' | '<' | '>' | '`' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Stops a line of source text from turning into a heading, list or quote.
fn guard_line_start(text: &str) -> String {
    let starts_block = text.starts_with('#')
        || text.starts_with('>')
        || text.starts_with("- ")
        || text.starts_with("+ ")
        || text.starts_with("* ")
        || text.starts_with("=")
        || text.split_once(['.', ')']).is_some_and(|(digits, _)| {
            !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
        });
    if starts_block {
        format!("\\{text}")
    } else {
        text.to_owned()
    }
}

fn inline(text: &str, reader: &Reader<'_>) -> String {
    let filled = match reader.variables {
        Some(variables) => placeholders::substitute(text, |key| {
            variables.get(key).map(|value| escape_value(value))
        }),
        None => text.to_owned(),
    };
    guard_line_start(&filled.replace('\n', " "))
}

fn markdown(document: &Document, reader: &Reader<'_>) -> String {
    let mut out = String::new();
    for block in &document.blocks {
        write_block(&mut out, block, reader, 0, None);
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// `list_depth`: `Some(n)` inside a list at nesting n.
fn write_block(
    out: &mut String,
    block: &Block,
    reader: &Reader<'_>,
    section_depth: usize,
    list_depth: Option<usize>,
) {
    if !applies(block, reader.audience) {
        return;
    }
    let text = block
        .text
        .as_deref()
        .map(|text| inline(text, reader))
        .unwrap_or_default();
    let number = block.number.as_deref().map(|number| match block.marker {
        Some(Marker::Lettered | Marker::Roman) => format!("**({number})** "),
        _ => format!("**{number}** "),
    });
    match block.kind {
        BlockKind::Title => {
            let _ = write!(out, "# {}\n\n", text.trim_start_matches('\\'));
        }
        BlockKind::Section => {
            let level = (section_depth + 2).min(6);
            let heading = block
                .heading
                .as_deref()
                .map(|h| inline(h, reader))
                .unwrap_or_default();
            let number = block
                .number
                .as_deref()
                .map(|n| format!("{n}. "))
                .unwrap_or_default();
            let _ = write!(
                out,
                "{} {number}{}\n\n",
                "#".repeat(level),
                heading.trim_start_matches('\\')
            );
            for child in &block.children {
                write_block(out, child, reader, section_depth + 1, None);
            }
        }
        BlockKind::Clause | BlockKind::Item => {
            let depth = list_depth.unwrap_or(0);
            let _ = writeln!(
                out,
                "{}- {}{}",
                "  ".repeat(depth),
                number.unwrap_or_default(),
                text.trim_start_matches('\\')
            );
            for child in &block.children {
                write_block(out, child, reader, section_depth, Some(depth + 1));
            }
            if list_depth.is_none() {
                out.push('\n');
            }
        }
        BlockKind::Consent => {
            let indent = "  ".repeat(list_depth.unwrap_or(0));
            let answers = block.options.join(" / ");
            let _ = write!(
                out,
                "{indent}{}{text}\n\n{indent}*Answer required: {answers}*\n\n",
                number.unwrap_or_default()
            );
        }
        BlockKind::Paragraph | BlockKind::Declaration => {
            let _ = write!(out, "{text}\n\n");
        }
        BlockKind::Signature => {
            for field in &block.fields {
                let _ = write!(out, "{}: ____________________\n\n", capitalise(&field.name));
            }
        }
    }
}

fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

/// Markdown → HTML. Raw HTML becomes visible text; links other than http(s) and
/// mailto lose their link.
fn html(markdown: &str) -> String {
    let mut skip_link_end = Vec::new();
    let events = Parser::new_ext(markdown, Options::empty()).filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { dest_url, .. }) if !safe_url(&dest_url) => {
            skip_link_end.push(true);
            None
        }
        Event::Start(tag @ Tag::Link { .. }) => {
            skip_link_end.push(false);
            Some(Event::Start(tag))
        }
        Event::End(TagEnd::Link) => {
            if skip_link_end.pop().unwrap_or(false) {
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        other => Some(other),
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

/// Markdown → plain text: headings, paragraphs and indented "- " items.
fn text(markdown: &str) -> String {
    let mut out = String::new();
    let mut list_depth: usize = 0;
    let mut link_urls: Vec<CowStr<'_>> = Vec::new();
    for event in Parser::new_ext(markdown, Options::empty()) {
        match event {
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    out.push('\n');
                }
            }
            Event::Start(Tag::Item) => {
                if !out.ends_with('\n') && !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&"  ".repeat(list_depth.saturating_sub(1)));
                out.push_str("- ");
            }
            Event::Start(Tag::Link { dest_url, .. }) => link_urls.push(dest_url),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link_urls.pop() {
                    let _ = write!(out, " ({url})");
                }
            }
            Event::End(TagEnd::Heading(_)) => out.push_str("\n\n"),
            Event::End(TagEnd::Paragraph) => {
                out.push_str(if list_depth > 0 { "\n" } else { "\n\n" })
            }
            Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) => {
                out.push_str(&text)
            }
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            _ => {}
        }
    }
    let trimmed = out.trim_end();
    format!("{trimmed}\n")
}

#[cfg(test)]
mod tests;
