//! Any bytes through the file importer (text, Word or PDF by content): an answer
//! without panicking; an accepted document renders.
#![no_main]

use attest_document::{Format, Reader, import, render};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // The PDF reader guards pdf-extract with catch_unwind (it panics on some damaged
        // files). libfuzzer-sys's hook would abort on such a caught panic; without it, a
        // panic that escapes `import` still reaches libfuzzer-sys's catch_unwind, which
        // aborts, so every uncaught panic remains a crash.
        std::panic::set_hook(Box::new(|_| {}));
    },
    |data: &[u8]| {
        let Ok(imported) = import(data) else { return };
        for format in [Format::Markdown, Format::Html, Format::Text] {
            let _ = render(&imported.document, &Reader::default(), format);
        }
    }
);
