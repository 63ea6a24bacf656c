//! Word documents (.docx): a zip package of XML parts. The body is read paragraph by
//! paragraph with headings from paragraph styles, list markers from the numbering
//! definitions, tables as tab-separated rows, emphasis, hyperlinks, content controls
//! and form fields. Headers, footers, comments and deleted text are not read.

mod body;
mod numbering;
mod package;
mod styles;

use super::lines::SourceLines;
use crate::parse::ParseError;

pub(super) fn read(bytes: &[u8]) -> Result<SourceLines, ParseError> {
    let mut package = package::Package::open(bytes)?;
    let document = package
        .part("word/document.xml")?
        .ok_or_else(|| ParseError::DamagedWord {
            reason: "it has no word/document.xml (is it a Word document?)".to_owned(),
        })?;
    let styles = package
        .part("word/styles.xml")?
        .map(|xml| styles::Styles::read(&xml))
        .transpose()?
        .unwrap_or_default();
    let numbering = package
        .part("word/numbering.xml")?
        .map(|xml| numbering::Numbering::read(&xml))
        .transpose()?
        .unwrap_or_default();
    let links = package
        .part("word/_rels/document.xml.rels")?
        .map(|xml| package::relationships(&xml))
        .transpose()?
        .unwrap_or_default();
    let lines = body::Body::new(&styles, numbering, &links).read(&document)?;
    if lines.is_empty() {
        return Err(ParseError::Empty);
    }
    Ok(lines)
}

pub(super) fn xml(text: &str) -> Result<roxmltree::Document<'_>, ParseError> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 4_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options).map_err(|error| {
        ParseError::DamagedWord {
            reason: format!("its XML is not well formed ({error})"),
        }
    })
}

/// The WordprocessingML namespace's local names are all we match on.
pub(super) fn is(node: roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name
}

/// `w:val` (or another attribute by local name) of a node.
pub(super) fn attribute<'a>(node: roxmltree::Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attributes()
        .find(|attribute| attribute.name() == name)
        .map(|attribute| attribute.value())
}

pub(super) fn child<'a, 'input>(
    node: roxmltree::Node<'a, 'input>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'input>> {
    node.children().find(|child| is(*child, name))
}

/// An on/off property such as `<w:b/>` or `<w:b w:val="0"/>`.
pub(super) fn on(properties: Option<roxmltree::Node<'_, '_>>, name: &str) -> Option<bool> {
    let node = child(properties?, name)?;
    Some(!matches!(
        attribute(node, "val"),
        Some("0" | "false" | "off" | "none")
    ))
}
