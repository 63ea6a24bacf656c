//! Files that are not what they seem get a clear error, never a partial import or a
//! panic: encrypted, legacy, macro-enabled, damaged and oversized Word files, zip
//! bombs, damaged PDFs and PDFs with no text layer.

use std::io::{Cursor, Write};

use attest_document::{MAX_FILE_BYTES, ParseError, SourceFormat, detect, import};
use pdf_extract::{Dictionary, Document, Object, Stream};
use zip::write::SimpleFileOptions;

const DOCUMENT_XML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:r><w:t>Staff AUP</w:t></w:r></w:p>
<w:p><w:r><w:t>- 1.1. I will keep my password safe.</w:t></w:r></w:p>
</w:body></w:document>"#;

fn package(parts: &[(&str, &[u8])], method: zip::CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in parts {
        writer.start_file(*name, options).expect("starts");
        writer.write_all(bytes).expect("writes");
    }
    writer.finish().expect("finishes").into_inner()
}

fn message(error: &ParseError) -> String {
    error.to_string()
}

#[test]
fn a_minimal_word_package_imports() {
    let bytes = package(
        &[("word/document.xml", DOCUMENT_XML.as_bytes())],
        zip::CompressionMethod::Deflated,
    );
    let imported = import(&bytes).expect("imports");
    assert_eq!(imported.format, SourceFormat::Docx);
    assert_eq!(imported.document.meta.title.as_deref(), Some("Staff AUP"));
}

#[test]
fn macro_enabled_word_files_are_refused() {
    let bytes = package(
        &[
            ("word/document.xml", DOCUMENT_XML.as_bytes()),
            ("word/vbaProject.bin", b"macro"),
        ],
        zip::CompressionMethod::Stored,
    );
    let error = import(&bytes).expect_err("refused");
    assert_eq!(error, ParseError::MacroEnabled);
    assert!(message(&error).contains(".docm"), "{error}");
}

#[test]
fn a_zip_bomb_is_refused_before_it_expands() {
    // 40 MB of one letter compresses to a few tens of kilobytes.
    let filler = vec![b'a'; 40 * 1024 * 1024];
    let bytes = package(
        &[("word/document.xml", &filler)],
        zip::CompressionMethod::Deflated,
    );
    assert!(bytes.len() < 1024 * 1024, "{}", bytes.len());
    let error = import(&bytes).expect_err("refused");
    assert!(
        matches!(error, ParseError::ZipBomb { ref part, .. } if part == "word/document.xml"),
        "{error}"
    );
    assert!(message(&error).contains("zip bomb"));
}

#[test]
fn damaged_word_files_say_what_is_wrong() {
    let mut truncated = package(
        &[("word/document.xml", DOCUMENT_XML.as_bytes())],
        zip::CompressionMethod::Deflated,
    );
    truncated.truncate(truncated.len() / 2);
    let error = import(&truncated).expect_err("refused");
    assert!(matches!(error, ParseError::DamagedWord { .. }), "{error}");

    let no_body = package(&[("other.xml", b"<x/>")], zip::CompressionMethod::Stored);
    let error = import(&no_body).expect_err("refused");
    assert!(message(&error).contains("word/document.xml"), "{error}");

    let bad_xml = package(
        &[("word/document.xml", b"<w:document><w:body><w:p>")],
        zip::CompressionMethod::Stored,
    );
    let error = import(&bad_xml).expect_err("refused");
    assert!(message(&error).contains("not well formed"), "{error}");

    let empty = package(
        &[(
            "word/document.xml",
            br#"<w:document xmlns:w="x"><w:body><w:p/></w:body></w:document>"#,
        )],
        zip::CompressionMethod::Stored,
    );
    assert_eq!(import(&empty).expect_err("refused"), ParseError::Empty);
}

#[test]
fn encrypted_and_legacy_word_files_are_told_apart() {
    let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    ole.extend(vec![0; 512]);
    let error = import(&ole).expect_err("refused");
    assert!(message(&error).contains("Word 97-2003"), "{error}");
    ole.extend(
        "EncryptionInfo"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>(),
    );
    let error = import(&ole).expect_err("refused");
    assert!(message(&error).contains("password-protected"), "{error}");
}

#[test]
fn oversized_files_are_refused() {
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.resize(MAX_FILE_BYTES + 1, b' ');
    assert!(matches!(import(&bytes), Err(ParseError::TooLarge { .. })));
}

fn pdf_with_page(content: &[u8]) -> Vec<u8> {
    let mut document = Document::with_version("1.5");
    let pages_id = document.new_object_id();
    let content_id = document.add_object(Stream::new(Dictionary::new(), content.to_vec()));
    let mut page = Dictionary::new();
    page.set("Type", Object::Name(b"Page".to_vec()));
    page.set("Parent", Object::Reference(pages_id));
    page.set("Contents", Object::Reference(content_id));
    page.set(
        "MediaBox",
        Object::Array(vec![0.into(), 0.into(), 595.into(), 842.into()]),
    );
    let page_id = document.add_object(page);
    let mut pages = Dictionary::new();
    pages.set("Type", Object::Name(b"Pages".to_vec()));
    pages.set("Kids", Object::Array(vec![Object::Reference(page_id)]));
    pages.set("Count", Object::Integer(1));
    document.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", Object::Name(b"Catalog".to_vec()));
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = document.add_object(catalog);
    document.trailer.set("Root", Object::Reference(catalog_id));
    let mut bytes = Vec::new();
    document.save_to(&mut bytes).expect("saves");
    bytes
}

#[test]
fn a_pdf_without_a_text_layer_is_refused_as_a_scan() {
    // A page that only draws (as a scanned image does): no text to read.
    let bytes = pdf_with_page(b"0 0 m 100 100 l S");
    assert_eq!(detect(&bytes), Ok(SourceFormat::Pdf));
    let error = import(&bytes).expect_err("refused");
    assert_eq!(error, ParseError::Scanned { pages: 1 });
    assert!(message(&error).contains("no text"), "{error}");
}

#[test]
fn damaged_pdfs_say_so() {
    let error = import(b"%PDF-1.7\nthis is not a pdf at all").expect_err("refused");
    assert!(matches!(error, ParseError::DamagedPdf { .. }), "{error}");
    let mut cut = pdf_with_page(b"0 0 m 100 100 l S");
    cut.truncate(cut.len() / 3);
    assert!(import(&cut).is_err());
}

mod mutated {
    use attest_document::import;
    use proptest::prelude::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(format!(
            "{}/fixtures/converted/{name}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .expect("fixture exists")
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]
        /// Damaged copies of real Word and PDF files: an answer (a document or an error),
        /// never a panic or a hang.
        #[test]
        fn damaged_copies_of_real_files_get_an_answer(
            pdf in any::<bool>(),
            flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        ) {
            let mut bytes = fixture(if pdf { "003-cleves.pdf" } else { "003-cleves.docx" });
            for (index, value) in flips {
                let at = index.index(bytes.len());
                bytes[at] = value;
            }
            let _ = import(&bytes);
        }
    }
}
