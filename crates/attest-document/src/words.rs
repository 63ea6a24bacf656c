//! "Nothing is lost": the words of a source and of its parsed document, in order.
//! List markers (`-`, `o`, `#`) and markup are not words; numbers, labels, metadata
//! and placeholder text are.

use crate::inline::{normalise_tags, words};
use crate::model::{Block, BlockKind, Document};

/// The words of the source text, without list and heading markers.
pub fn source_words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = normalise_tags(line);
        let trimmed = line.trim();
        // A heading's text is all words, even one that starts like a list item.
        if trimmed.starts_with('#') {
            out.extend(words(trimmed));
            continue;
        }
        let mut rest = trimmed;
        for bullet in ["- ", "* ", "• ", "– ", "· "] {
            if let Some(after) = rest.strip_prefix(bullet) {
                rest = after.trim_start();
                break;
            }
        }
        if let Some(after) = rest.strip_prefix("o ").or_else(|| rest.strip_prefix("O "))
            && after
                .chars()
                .next()
                .is_some_and(|c| c.is_uppercase() || c == '*' || c.is_ascii_digit())
        {
            rest = after;
        }
        out.extend(words(rest));
    }
    out
}

/// The words of the parsed document, in source order.
pub fn document_words(document: &Document) -> Vec<String> {
    let mut fragments: Vec<(usize, String)> = document
        .meta
        .fields
        .iter()
        .map(|field| (field.line, format!("{} {}", field.label, field.value)))
        .collect();
    for block in document.blocks.iter().flat_map(Block::walk) {
        fragments.push((block.line, block_text(block)));
    }
    fragments.sort_by_key(|(line, _)| *line);
    fragments.iter().flat_map(|(_, text)| words(text)).collect()
}

fn block_text(block: &Block) -> String {
    let mut text = String::new();
    if let Some(number) = &block.number {
        text.push_str(number);
        text.push(' ');
    }
    if let Some(heading) = &block.heading {
        text.push_str(heading);
    }
    if let Some(body) = &block.text {
        text.push_str(body);
    }
    if block.kind == BlockKind::Signature {
        let mut last: Option<(usize, &str)> = None;
        for field in &block.fields {
            if last != Some((field.line, field.label.as_str())) {
                text.push(' ');
                text.push_str(&field.label);
            }
            last = Some((field.line, field.label.as_str()));
        }
    }
    text
}
