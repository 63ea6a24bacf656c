//! PDF files: the text layer with each glyph's position and size (pdf-extract), laid
//! out again as lines and paragraphs. Headings come from larger type, and from bold
//! type standing alone (each string's font, from `weights`); bullets from their
//! glyphs; table cells from wide gaps; running headers, footers and page numbers are
//! dropped. A PDF with no text layer (a scan) is refused.

mod glyphs;
mod layout;
mod rows;
mod weights;

use std::panic::{AssertUnwindSafe, catch_unwind};

use pdf_extract::Document;

use super::lines::SourceLines;
use crate::parse::ParseError;

fn damaged(reason: impl Into<String>) -> ParseError {
    ParseError::DamagedPdf {
        reason: reason.into(),
    }
}

pub(super) fn read(bytes: &[u8]) -> Result<SourceLines, ParseError> {
    let mut document = Document::load_mem(bytes)
        .map_err(|error| damaged(format!("it cannot be opened ({error})")))?;
    if document.is_encrypted() {
        // Many PDFs are "encrypted" only against editing, with an empty password to open.
        document
            .decrypt("")
            .map_err(|_| ParseError::Encrypted { what: "PDF" })?;
    }
    let pages = document.get_pages().len();
    if pages == 0 {
        return Err(damaged("it has no pages"));
    }
    let mut collector = glyphs::Collector::default();
    // The extractor panics on some malformed files: one bad upload must not take the
    // server down with it.
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(&document, &mut collector)
    }));
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(error)) => return Err(damaged(format!("its text cannot be read ({error})"))),
        Err(_) => return Err(damaged("its text cannot be read (the file is malformed)")),
    }
    if collector.letters() < 20 {
        return Err(ParseError::Scanned { pages });
    }
    // As guarded as the extraction: weights are a refinement, never a reason to refuse.
    let weights =
        catch_unwind(AssertUnwindSafe(|| weights::bold_strings(&document))).unwrap_or_default();
    for (index, page) in collector.pages_mut().iter_mut().enumerate() {
        page.set_weights(weights.get(index).and_then(Option::as_ref));
    }
    let lines = layout::lay_out(collector.pages());
    if lines.is_empty() {
        return Err(ParseError::Scanned { pages });
    }
    Ok(lines)
}
