//! Any bytes: the importer must answer (a document or an error) without panicking, and
//! a document it accepts must keep every word and render without panicking.
#![no_main]

use attest_document::words::{document_words, source_words};
use attest_document::{Format, Reader, content_hash, diff, parse_bytes, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(document) = parse_bytes(data) else { return };
    let text = std::str::from_utf8(data).unwrap_or_default();
    assert_eq!(source_words(text.strip_prefix('\u{feff}').unwrap_or(text)), document_words(&document));
    for format in [Format::Markdown, Format::Html, Format::Text] {
        let _ = render(&document, &Reader::default(), format);
    }
    let _ = content_hash(&document, &Reader::default());
    let _ = diff(&document, &document);
});
