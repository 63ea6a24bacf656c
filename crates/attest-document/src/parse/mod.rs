//! The importer: plain text or Markdown, as schools' Word and PDF AUPs turn out, into
//! a `Document`. Line by line: classify each line, decide where it nests, then build
//! the tree. Never panics; anything it is unsure of becomes a warning with a line.

mod assemble;
mod blocks;
mod builder;
mod lines;

pub(crate) use assemble::collect_placeholders;
use builder::{Builder, Context, is_heading_like};
use lines::{LineKind, classify, split};

use crate::model::Document;

/// Larger inputs are refused: no school policy is anywhere near this.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Deeper nesting is flattened to this depth with a warning.
pub const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ParseError {
    #[error("the document is empty")]
    Empty,
    #[error("the document is {bytes} bytes; at most {limit} are accepted")]
    TooLarge { bytes: usize, limit: usize },
    #[error("this is not a text document: byte {offset} (line {line}) is {what}")]
    NotText {
        offset: usize,
        line: usize,
        what: &'static str,
    },
    #[error(
        "the {what} is password-protected (encrypted): remove the password and import it again"
    )]
    Encrypted { what: &'static str },
    #[error("this is {what}, which cannot be imported: {advice}")]
    Unsupported {
        what: &'static str,
        advice: &'static str,
    },
    #[error(
        "the Word document contains macros (a .docm): save it as a Word Document (.docx) and import that"
    )]
    MacroEnabled,
    #[error("the Word document is damaged: {reason}")]
    DamagedWord { reason: String },
    #[error(
        "the Word document's {part} expands to more than {limit} bytes: refused as a possible zip bomb"
    )]
    ZipBomb { part: String, limit: u64 },
    #[error("the PDF is damaged: {reason}")]
    DamagedPdf { reason: String },
    #[error(
        "the PDF has no text to read on its {pages} page(s) (a scan?): import the Word document it came from, or run it through text recognition first"
    )]
    Scanned { pages: usize },
}

/// Parses raw bytes: they must be UTF-8 text (a byte-order mark is allowed).
pub fn parse_bytes(input: &[u8]) -> Result<Document, ParseError> {
    if input.len() > MAX_BYTES {
        return Err(ParseError::TooLarge {
            bytes: input.len(),
            limit: MAX_BYTES,
        });
    }
    let line_of = |offset: usize| input[..offset].iter().filter(|b| **b == b'\n').count() + 1;
    if let Some(offset) = input.iter().position(|b| *b == 0) {
        return Err(ParseError::NotText {
            offset,
            line: line_of(offset),
            what: "a NUL byte (binary data)",
        });
    }
    let text = std::str::from_utf8(input).map_err(|error| {
        let offset = error.valid_up_to();
        ParseError::NotText {
            offset,
            line: line_of(offset),
            what: "not valid UTF-8 (save the file as UTF-8 text)",
        }
    })?;
    parse(text)
}

pub fn parse(text: &str) -> Result<Document, ParseError> {
    if text.len() > MAX_BYTES {
        return Err(ParseError::TooLarge {
            bytes: text.len(),
            limit: MAX_BYTES,
        });
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(ParseError::Empty);
    }
    let normalised;
    let text = if text.contains('\r') {
        normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        normalised.as_str()
    } else {
        text
    };
    let lines = split(text);
    let kinds: Vec<LineKind> = lines.iter().map(classify).collect();
    // For each line, the kind of the next non-blank line after it (one backward pass).
    let mut next_kind: Vec<Option<&LineKind>> = vec![None; kinds.len()];
    let mut following = None;
    for index in (0..kinds.len()).rev() {
        next_kind[index] = following;
        if !matches!(kinds[index], LineKind::Blank) {
            following = Some(&kinds[index]);
        }
    }
    let mut builder = Builder::default();
    for index in 0..lines.len() {
        let next = next_kind[index];
        let following_is_blank = matches!(kinds.get(index + 2), None | Some(LineKind::Blank));
        let context = Context {
            next_is_blank: matches!(kinds.get(index + 1), None | Some(LineKind::Blank)),
            next_is_heading: matches!(next, Some(LineKind::Heading { .. })),
            next_is_heading_line: match kinds.get(index + 1) {
                Some(LineKind::Text(text)) => {
                    following_is_blank && is_heading_like(text, Context::BLANK_AFTER)
                }
                _ => false,
            },
        };
        builder.line(&lines[index], &kinds[index], context);
    }
    Ok(builder.finish())
}
