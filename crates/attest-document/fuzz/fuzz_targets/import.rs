//! Any bytes through the file importer (text, Word or PDF by content): an answer
//! without panicking; an accepted document renders.
#![no_main]

use attest_document::{Format, Reader, import, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(imported) = import(data) else { return };
    for format in [Format::Markdown, Format::Html, Format::Text] {
        let _ = render(&imported.document, &Reader::default(), format);
    }
});
