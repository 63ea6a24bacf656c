//! The importer never panics, answers quickly, and refuses what is not a document with
//! a clear error. Generated documents keep every word.

use std::time::Instant;

use attest_document::words::{document_words, source_words};
use attest_document::{BlockKind, MAX_BYTES, ParseError, parse, parse_bytes};
use proptest::prelude::*;

#[test]
fn empty_and_blank_documents_are_refused() {
    assert_eq!(parse(""), Err(ParseError::Empty));
    assert_eq!(parse(" \n\t\n  "), Err(ParseError::Empty));
    assert_eq!(parse_bytes(b"\xef\xbb\xbf\n"), Err(ParseError::Empty));
}

#[test]
fn binary_and_non_utf8_input_is_refused_with_where() {
    let error = parse_bytes(b"%PDF-1.7\n\x00\x01binary").expect_err("binary");
    assert!(
        matches!(
            error,
            ParseError::NotText {
                offset: 9,
                line: 2,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("line 2"), "{error}");
    let latin1 = b"Acceptable Use Policy\n\nCaf\xe9 rules\n";
    let error = parse_bytes(latin1).expect_err("latin-1");
    assert!(
        error.to_string().contains("UTF-8") && error.to_string().contains("line 3"),
        "{error}"
    );
}

#[test]
fn oversized_input_is_refused_and_large_input_is_fast() {
    let too_big = vec![b'a'; MAX_BYTES + 1];
    assert!(matches!(
        parse_bytes(&too_big),
        Err(ParseError::TooLarge { .. })
    ));

    let clause =
        "- 3.1. I will keep my password secret and report any breach to *[DPO Name]* at once.\n";
    let five_mb: String = clause.repeat(5 * 1024 * 1024 / clause.len());
    let started = Instant::now();
    let document = parse(&five_mb).expect("a 5 MB document parses");
    eprintln!("5 MB parsed in {:?}", started.elapsed());
    assert_eq!(document.placeholders.len(), 1);
    assert!(document.blocks.len() > 50_000);
}

#[test]
fn extreme_nesting_is_flattened_with_a_warning() {
    let deep: String = (0..1_500)
        .map(|depth| format!("{}- level {depth}\n", " ".repeat(depth)))
        .collect();
    let document = parse(&deep).expect("parses");
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.message.contains("nested more than")),
        "{:?}",
        &document.warnings[..1]
    );
    let json = serde_json::to_string(&document).expect("serialises without overflowing the stack");
    assert!(json.len() > 1000);
    assert_eq!(source_words(&deep), document_words(&document));
}

#[test]
fn windows_line_endings_and_bom_are_accepted() {
    let text = "\u{feff}Staff AUP\r\n\r\n- 1. I will log out.\r\n- 2. I will lock my screen.\r\n\r\nSignature: ____\r\n";
    let document = parse(text).expect("parses");
    assert_eq!(document.meta.title.as_deref(), Some("Staff AUP"));
    let clauses: Vec<_> = document
        .all_blocks()
        .into_iter()
        .filter(|b| b.kind == BlockKind::Clause)
        .collect();
    assert_eq!(clauses.len(), 2);
    assert_eq!(document.signature_fields, ["signature"]);
}

#[test]
fn fuzzer_findings_keep_every_word() {
    // Found by `cargo fuzz run parse`: a bullet whose text contains a tab was read as a
    // metadata row and kept its list markers as words.
    for text in [
        "- o I will complete a form of School\tKensington Primary School\n",
        "- 3.1. Name\tvalue\n",
        "* Version\t2\n",
    ] {
        let document = parse(text).expect("parses");
        assert_eq!(source_words(text), document_words(&document), "{text:?}");
        assert!(
            document
                .all_blocks()
                .iter()
                .any(|b| b.kind == BlockKind::Item || b.kind == BlockKind::Clause),
            "{text:?}"
        );
    }
}

/// Lines that look like the samples': headings, metadata, bullets, numbered clauses,
/// "o" sub-bullets, wrapped lines, placeholders, declarations, signature fields.
fn line() -> impl Strategy<Value = String> {
    let word = proptest::sample::select(vec![
        "I",
        "will",
        "not",
        "share",
        "my",
        "password",
        "school",
        "data",
        "*[LGfL StaffMail]*",
        "[School Name]",
        "{{dpo}}",
        "<<DPO>>",
        "**always**",
        "*only*",
        "pupils",
        "e.g.",
        "3.1",
        "(a)",
        "Staff",
        "only:",
        "agree/disagree",
        "café",
        "—",
        "’s",
        "<b>bold</b>",
        "[link](https://example.org)",
        "2026",
    ]);
    let text = proptest::collection::vec(word, 1..12).prop_map(|words| words.join(" "));
    let prefix = proptest::sample::select(vec![
        "",
        "",
        "- ",
        "  - ",
        "- o ",
        "- O ",
        "- 3.1. ",
        "- 7. ",
        "- o x\t",
        "- 2. \t",
        " 1. ",
        "(b) ",
        "## ",
        "## 2. ",
        "Signature: ",
        "Date: ____",
        "Name of School\t",
        "Review Date\t",
        "I agree ",
        "    ",
        "\t",
    ]);
    (prefix, text).prop_map(|(prefix, text)| format!("{prefix}{text}"))
}

fn document() -> impl Strategy<Value = String> {
    proptest::collection::vec(prop_oneof![3 => line(), 1 => Just(String::new())], 1..60)
        .prop_map(|lines| lines.join("\n"))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn generated_documents_keep_every_word_in_order(text in document()) {
        if let Ok(document) = parse(&text) {
            prop_assert_eq!(source_words(&text), document_words(&document));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_bytes(&bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse(&text);
    }
}
