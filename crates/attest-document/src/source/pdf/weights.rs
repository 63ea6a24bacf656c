//! Which strings a page draws in a bold font. pdf-extract reports each glyph's size but
//! not its font, so the page's content is walked again here, in the same order, noting
//! the font of every string shown (`Tj`, and each string of a `TJ`, also inside form
//! XObjects). The collector counts the strings as pdf-extract shows them; where the
//! two counts differ the page's weights are not trusted and no glyph counts as bold.

use std::collections::HashSet;

use pdf_extract::content::Content;
use pdf_extract::{Dictionary, Document, Object, ObjectId};

/// Nested form XObjects deeper than this are not followed (pdf-extract follows them,
/// but a file that nests this deep is not a policy).
const MAX_DEPTH: usize = 8;

/// For each page in order, whether each string it shows is set in a bold font, or
/// `None` when the page's content could not be walked.
pub(super) fn bold_strings(document: &Document) -> Vec<Option<Vec<bool>>> {
    document
        .get_pages()
        .values()
        .map(|page| page_strings(document, *page))
        .collect()
}

fn page_strings(document: &Document, page: ObjectId) -> Option<Vec<bool>> {
    let resources = inherited_resources(document, page)?;
    let content = document.get_page_content(page).ok()?;
    let mut strings = Vec::new();
    walk(document, &content, resources, 0, &mut strings)?;
    Some(strings)
}

/// The page's resources, or the nearest ancestor's (as pdf-extract looks them up).
fn inherited_resources(document: &Document, page: ObjectId) -> Option<&Dictionary> {
    let mut node = document.get_dictionary(page).ok()?;
    let mut seen = HashSet::new();
    loop {
        if let Ok(resources) = node.get(b"Resources") {
            return dictionary(document, resources);
        }
        let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
        if !seen.insert(parent) {
            return None;
        }
        node = document.get_dictionary(parent).ok()?;
    }
}

fn dictionary<'a>(document: &'a Document, object: &'a Object) -> Option<&'a Dictionary> {
    document.dereference(object).ok()?.1.as_dict().ok()
}

fn walk(
    document: &Document,
    content: &[u8],
    resources: &Dictionary,
    depth: usize,
    strings: &mut Vec<bool>,
) -> Option<()> {
    let operations = Content::decode(content).ok()?.operations;
    let fonts = resources
        .get(b"Font")
        .ok()
        .and_then(|fonts| dictionary(document, fonts));
    let mut bold = false;
    let mut saved: Vec<bool> = Vec::new();
    for operation in operations {
        match operation.operator.as_str() {
            "q" => saved.push(bold),
            "Q" => bold = saved.pop().unwrap_or(bold),
            "Tf" => {
                bold = operation
                    .operands
                    .first()
                    .and_then(|name| name.as_name().ok())
                    .and_then(|name| fonts?.get(name).ok())
                    .and_then(|font| dictionary(document, font))
                    .is_some_and(|font| is_bold(document, font));
            }
            "Tj" => strings.push(bold),
            "TJ" => {
                if let Some(Ok(parts)) = operation.operands.first().map(Object::as_array) {
                    let shown = parts
                        .iter()
                        .filter(|part| matches!(part, Object::String(..)))
                        .count();
                    strings.extend(std::iter::repeat_n(bold, shown));
                }
            }
            "Do" if depth < MAX_DEPTH => {
                let form = operation
                    .operands
                    .first()
                    .and_then(|name| name.as_name().ok())
                    .and_then(|name| {
                        let xobjects = dictionary(document, resources.get(b"XObject").ok()?)?;
                        let (_, object) = document.dereference(xobjects.get(name).ok()?).ok()?;
                        object.as_stream().ok()
                    });
                if let Some(form) = form {
                    let inner = form
                        .dict
                        .get(b"Resources")
                        .ok()
                        .and_then(|inner| dictionary(document, inner))
                        .unwrap_or(resources);
                    let content = form
                        .decompressed_content()
                        .unwrap_or_else(|_| form.content.clone());
                    walk(document, &content, inner, depth + 1, strings)?;
                }
            }
            _ => {}
        }
    }
    Some(())
}

/// A font is bold by its name ("Arial-BoldMT", "ABCDEF+Calibri-Bold", "…Black"), its
/// descriptor's weight (600 and over) or its force-bold flag; for a composite font,
/// by its descendant's.
fn is_bold(document: &Document, font: &Dictionary) -> bool {
    let named_bold = font
        .get(b"BaseFont")
        .and_then(Object::as_name)
        .is_ok_and(|name| bold_name(&String::from_utf8_lossy(name)));
    if named_bold {
        return true;
    }
    let descriptor = font
        .get(b"FontDescriptor")
        .ok()
        .and_then(|descriptor| dictionary(document, descriptor));
    if let Some(descriptor) = descriptor {
        let weight = descriptor
            .get(b"FontWeight")
            .ok()
            .and_then(|weight| weight.as_float().ok());
        let flags = descriptor
            .get(b"Flags")
            .and_then(Object::as_i64)
            .unwrap_or(0);
        if weight.is_some_and(|weight| weight >= 600.0) || flags & (1 << 18) != 0 {
            return true;
        }
    }
    font.get(b"DescendantFonts")
        .ok()
        .and_then(|fonts| document.dereference(fonts).ok())
        .and_then(|(_, fonts)| fonts.as_array().ok())
        .and_then(|fonts| fonts.first())
        .and_then(|first| dictionary(document, first))
        .is_some_and(|descendant| {
            !descendant.has(b"DescendantFonts") && is_bold(document, descendant)
        })
}

fn bold_name(name: &str) -> bool {
    // Subset fonts are named "ABCDEF+Family-Style".
    let name = name.split_once('+').map_or(name, |(_, rest)| rest);
    let lower = name.to_ascii_lowercase();
    ["bold", "black", "heavy", "semibold", "demi"]
        .iter()
        .any(|weight| lower.contains(weight))
}

#[cfg(test)]
mod tests {
    use super::bold_name;

    #[test]
    fn bold_fonts_are_told_by_their_names() {
        for bold in [
            "Arial-BoldMT",
            "BAAAAA+LiberationSans-Bold",
            "Calibri,Bold",
            "SourceSansPro-Semibold",
            "Helvetica-BoldOblique",
            "Roboto-Black",
        ] {
            assert!(bold_name(bold), "{bold}");
        }
        for regular in [
            "ArialMT",
            "CAAAAA+LiberationSerif",
            "Calibri-Italic",
            "Times-Roman",
            // The subset prefix is not part of the name.
            "BOLDAA+Georgia",
        ] {
            assert!(!bold_name(regular), "{regular}");
        }
    }
}
