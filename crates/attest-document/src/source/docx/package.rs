//! Opening the zip package safely: refuse macro-enabled documents and anything that
//! expands far beyond its size (a zip bomb), and read each part as UTF-8 XML.

use std::collections::HashMap;
use std::io::{Cursor, Read};

use super::{attribute, is, xml};
use crate::parse::ParseError;

/// No part of a school policy comes near these; a bomb does.
const MAX_PART_BYTES: u64 = 64 * 1024 * 1024;
const MAX_ENTRIES: usize = 10_000;
/// A part that expands more than this many times over is refused (text compresses
/// 5–20 times; a bomb thousands).
const MAX_RATIO: u64 = 200;

pub(super) struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
}

fn damaged(reason: impl Into<String>) -> ParseError {
    ParseError::DamagedWord {
        reason: reason.into(),
    }
}

impl<'a> Package<'a> {
    pub(super) fn open(bytes: &'a [u8]) -> Result<Self, ParseError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|error| damaged(format!("it is not a readable zip package ({error})")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(damaged(format!(
                "it holds {} parts; at most {MAX_ENTRIES} are accepted",
                archive.len()
            )));
        }
        let mut package = Self { archive };
        let names: Vec<String> = package
            .archive
            .file_names()
            .filter_map(|name| name.ok().map(|name| name.into_owned()))
            .collect();
        let macros = names
            .iter()
            .any(|name| name.to_ascii_lowercase().ends_with("vbaproject.bin"));
        let content_types = package.part("[Content_Types].xml")?.unwrap_or_default();
        if macros || content_types.contains("macroEnabled") {
            return Err(ParseError::MacroEnabled);
        }
        if names.iter().any(|name| name == "EncryptionInfo") {
            return Err(ParseError::Encrypted {
                what: "Word document",
            });
        }
        Ok(package)
    }

    /// A part's text, or `None` when the package does not have it.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<String>, ParseError> {
        let mut file = match self.archive.by_name(name) {
            Ok(file) => file,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(reason)) => {
                return Err(
                    if reason.contains("encrypt") || reason.contains("password") {
                        ParseError::Encrypted {
                            what: "Word document",
                        }
                    } else {
                        damaged(format!(
                            "{name} is stored in a way this reader does not support ({reason})"
                        ))
                    },
                );
            }
            Err(error) => return Err(damaged(format!("{name} cannot be read ({error})"))),
        };
        if file.encrypted() {
            return Err(ParseError::Encrypted {
                what: "Word document",
            });
        }
        let limit = MAX_PART_BYTES.min(file.compressed_size().max(1024).saturating_mul(MAX_RATIO));
        if file.size() > limit {
            return Err(ParseError::ZipBomb {
                part: name.to_owned(),
                limit,
            });
        }
        // The declared size can lie: read at most one byte past the limit to find out.
        let mut bytes = Vec::new();
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| damaged(format!("{name} cannot be decompressed ({error})")))?;
        if bytes.len() as u64 > limit {
            return Err(ParseError::ZipBomb {
                part: name.to_owned(),
                limit,
            });
        }
        let text =
            String::from_utf8(bytes).map_err(|_| damaged(format!("{name} is not UTF-8 XML")))?;
        Ok(Some(text))
    }
}

/// Relationship id → target, for hyperlinks.
pub(super) fn relationships(text: &str) -> Result<HashMap<String, String>, ParseError> {
    let document = xml(text)?;
    Ok(document
        .descendants()
        .filter(|node| is(*node, "Relationship"))
        .filter(|node| attribute(*node, "TargetMode") == Some("External"))
        .filter_map(|node| {
            Some((
                attribute(node, "Id")?.to_owned(),
                attribute(node, "Target")?.to_owned(),
            ))
        })
        .collect())
}
