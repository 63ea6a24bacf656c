//! What a school uploads: plain text or Markdown, a Word document or a PDF, told apart
//! by their content (never by a file name). Word and PDF files are read into the same
//! lines the text importer reads, so one set of layout rules decides the structure;
//! each of those lines remembers where it came from (a paragraph, a table row, a page)
//! so the import report can point people at it.

mod docx;
mod lines;
mod pdf;

pub use lines::{Origin, SourceLines};

use crate::model::Document;
use crate::parse::{ParseError, parse, parse_bytes};

/// Word and PDF files larger than this are refused.
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Text,
    Docx,
    Pdf,
}

impl SourceFormat {
    pub fn media_type(self) -> &'static str {
        match self {
            Self::Text => "text/plain; charset=utf-8",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Pdf => "application/pdf",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Text => "txt",
            Self::Docx => "docx",
            Self::Pdf => "pdf",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Docx => "docx",
            Self::Pdf => "pdf",
        }
    }
}

/// An imported file: the document, what the file was, and the text the importer read
/// with where each of its lines came from.
#[derive(Debug, Clone)]
pub struct Imported {
    pub document: Document,
    pub format: SourceFormat,
    pub lines: SourceLines,
    /// The text people sign: a text file as it was, a Word or PDF file as read.
    pub source: String,
}

impl Imported {
    /// Where a line of the read text came from: "paragraph 12", "page 3, line 7".
    pub fn origin(&self, line: usize) -> Origin {
        self.lines.origin(line)
    }
}

const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// What the bytes are, from their first bytes.
pub fn detect(bytes: &[u8]) -> Result<SourceFormat, ParseError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Ok(SourceFormat::Docx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        // Word encrypts a .docx inside an OLE compound file with an "EncryptionInfo"
        // stream; anything else in that container is a Word 97-2003 document.
        let marker: Vec<u8> = "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let encrypted = bytes.windows(marker.len()).any(|window| window == marker);
        return Err(if encrypted {
            ParseError::Encrypted {
                what: "Word document",
            }
        } else {
            ParseError::Unsupported {
                what: "a Word 97-2003 document (.doc)",
                advice: "open it in Word and save it as a Word Document (.docx)",
            }
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if head.windows(5).any(|window| window == b"%PDF-") {
        return Ok(SourceFormat::Pdf);
    }
    Ok(SourceFormat::Text)
}

/// Imports any accepted file: text, Markdown, `.docx` or `.pdf`.
pub fn import(bytes: &[u8]) -> Result<Imported, ParseError> {
    let format = detect(bytes)?;
    if format != SourceFormat::Text && bytes.len() > MAX_FILE_BYTES {
        return Err(ParseError::TooLarge {
            bytes: bytes.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    let lines = match format {
        SourceFormat::Text => {
            let document = parse_bytes(bytes)?;
            let source = String::from_utf8_lossy(bytes).into_owned();
            return Ok(Imported {
                document,
                format,
                lines: SourceLines::from_text(&source),
                source,
            });
        }
        SourceFormat::Docx => docx::read(bytes)?,
        SourceFormat::Pdf => pdf::read(bytes)?,
    };
    let source = lines.text();
    let document = parse(&source)?;
    Ok(Imported {
        document,
        format,
        lines,
        source,
    })
}
