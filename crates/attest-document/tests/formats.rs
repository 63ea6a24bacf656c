//! Word and PDF versions of the five samples (made by fixtures/make.sh with python-docx
//! and LibreOffice) import to the same structure as their text originals, word for word.

use attest_document::inline::strip_emphasis;
use attest_document::words::{document_words, source_words};
use attest_document::{Block, BlockKind, Document, SourceFormat, import, parse};

const NAMES: [&str; 6] = [
    "000-wessex-gardens",
    "001-kensington",
    "002-the-willows",
    "003-cleves",
    "004-staff-governors-visitors",
    "005-layouts",
];

fn read(path: &str) -> Vec<u8> {
    std::fs::read(format!("{}/{path}", env!("CARGO_MANIFEST_DIR"))).expect("fixture exists")
}

fn original(name: &str) -> Document {
    let path = if name.starts_with("005") {
        format!("fixtures/layouts/{name}.txt")
    } else {
        format!("samples/{name}.txt")
    };
    let text = String::from_utf8(read(&path)).expect("UTF-8");
    assert_eq!(
        source_words(&text),
        document_words(&parse(&text).expect("parses")),
        "{name}: nothing is lost from the text"
    );
    parse(&text).expect("the sample parses")
}

fn plain(text: &Option<String>) -> String {
    text.as_deref()
        .map(|text| {
            strip_emphasis(text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default()
}

/// What a reader sees in a document: each block's kind, number, heading, words,
/// audience, answers and signature fields, and the metadata, placeholders and fields.
pub fn shape(document: &Document) -> Vec<String> {
    // The title is compared as the title lines below: a PDF cannot tell a title set
    // in two paragraphs from one that wraps, so `meta.title` may hold all of them.
    let mut out = vec![format!(
        "meta: school={:?} dates={:?}",
        document.meta.school_name,
        [
            &document.meta.date,
            &document.meta.last_review,
            &document.meta.next_review
        ]
        .map(|date| date.as_ref().and_then(|d| d.date)),
    )];
    fn walk(block: &Block, depth: usize, out: &mut Vec<String>) {
        out.push(format!(
            "{}{:?} {:?} {:?} | {} | {} | {:?} {:?} {:?}",
            "  ".repeat(depth),
            block.kind,
            block.number,
            block.marker,
            plain(&block.heading),
            plain(&block.text),
            block.audience,
            block.options,
            block
                .fields
                .iter()
                .map(|f| f.name.as_str())
                .collect::<Vec<_>>()
        ));
        for child in &block.children {
            walk(child, depth + 1, out);
        }
    }
    // A title set over several lines is one title, however a file splits it.
    let mut title = Vec::new();
    for block in &document.blocks {
        if block.kind == BlockKind::Title {
            title.push(plain(&block.text));
            continue;
        }
        if !title.is_empty() {
            out.push(format!("Title | {}", title.join(" ")));
            title.clear();
        }
        walk(block, 0, &mut out);
    }
    out.push(format!("signature fields: {:?}", document.signature_fields));
    let mut keys: Vec<&str> = document
        .placeholders
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    keys.sort_unstable();
    out.push(format!("placeholders: {keys:?}"));
    out
}

fn assert_same(name: &str, format: SourceFormat, original: &Document, converted: &Document) {
    assert_eq!(
        document_words(original),
        document_words(converted),
        "{name} ({format:?}): words"
    );
    let (a, b) = (shape(original), shape(converted));
    if a != b {
        let first = a
            .iter()
            .zip(&b)
            .position(|(x, y)| x != y)
            .unwrap_or(a.len().min(b.len()));
        panic!(
            "{name} ({format:?}) differs at entry {first}:\n  text: {:?}\n  file: {:?}",
            a.get(first),
            b.get(first)
        );
    }
}

#[test]
fn word_versions_of_the_samples_import_as_their_text() {
    for name in NAMES {
        let original = original(name);
        let imported = import(&read(&format!("fixtures/converted/{name}.docx"))).expect(name);
        assert_eq!(imported.format, SourceFormat::Docx);
        assert_same(name, SourceFormat::Docx, &original, &imported.document);
    }
}

#[test]
fn pdf_versions_of_the_samples_import_as_their_text() {
    for name in NAMES {
        let original = original(name);
        let imported = import(&read(&format!("fixtures/converted/{name}.pdf"))).expect(name);
        assert_eq!(imported.format, SourceFormat::Pdf);
        assert_same(name, SourceFormat::Pdf, &original, &imported.document);
    }
}
