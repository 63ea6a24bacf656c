//! The five real school AUPs: each parses, loses no word, and yields the structure a
//! reader sees in it. Snapshots (tests/snapshots) hold the full parsed form.

use attest_document::words::{document_words, source_words};
use attest_document::{Block, BlockKind, Document, Format, Reader, parse, render};
use attest_domain::MembershipKind;

const SAMPLES: [(&str, &str); 5] = [
    (
        "000-wessex-gardens",
        include_str!("../samples/000-wessex-gardens.txt"),
    ),
    (
        "001-kensington",
        include_str!("../samples/001-kensington.txt"),
    ),
    (
        "002-the-willows",
        include_str!("../samples/002-the-willows.txt"),
    ),
    ("003-cleves", include_str!("../samples/003-cleves.txt")),
    (
        "004-staff-governors-visitors",
        include_str!("../samples/004-staff-governors-visitors.txt"),
    ),
];

fn sample(name: &str) -> Document {
    let (_, text) = SAMPLES
        .iter()
        .find(|(n, _)| n.starts_with(name))
        .expect("sample exists");
    parse(text).expect("parses")
}

fn blocks(document: &Document) -> Vec<&Block> {
    document.all_blocks()
}

fn numbers(blocks: &[&Block], kind: BlockKind) -> Vec<String> {
    blocks
        .iter()
        .filter(|b| b.kind == kind)
        .filter_map(|b| b.number.clone())
        .collect()
}

#[test]
fn nothing_is_lost_from_any_sample() {
    for (name, text) in SAMPLES {
        let document = parse(text).expect("parses");
        let source = source_words(text);
        let parsed = document_words(&document);
        if source != parsed {
            let first = source
                .iter()
                .zip(&parsed)
                .position(|(a, b)| a != b)
                .unwrap_or(source.len().min(parsed.len()));
            panic!(
                "{name}: words differ at word {first}: source {:?} … parsed {:?}",
                &source[first.saturating_sub(3)..(first + 5).min(source.len())],
                &parsed[first.saturating_sub(3)..(first + 5).min(parsed.len())]
            );
        }
        assert!(source.len() > 300, "{name} has its words");
    }
}

#[test]
fn parsed_samples_match_their_snapshots() {
    for (name, text) in SAMPLES {
        let document = parse(text).expect("parses");
        insta::assert_json_snapshot!(name, document);
    }
}

#[test]
fn rendered_samples_match_their_snapshots() {
    for (name, text) in SAMPLES {
        let document = parse(text).expect("parses");
        let markdown = render(&document, &Reader::default(), Format::Markdown);
        insta::assert_snapshot!(format!("{name}.md"), markdown);
    }
}

#[test]
fn sample_002_has_twelve_sections_and_their_clauses() {
    let document = sample("002");
    assert_eq!(document.meta.title.as_deref(), Some("Staff AUP"));
    assert_eq!(
        document.meta.school_name.as_deref(),
        Some("The Willows School")
    );
    assert_eq!(document.meta.version.as_deref(), Some("1"));
    assert_eq!(document.meta.review_cycle.as_deref(), Some("Annual"));
    let all = blocks(&document);
    let sections = numbers(&all, BlockKind::Section);
    assert_eq!(
        sections,
        (1..=12).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    let clauses = numbers(&all, BlockKind::Clause);
    let expected: Vec<String> = [
        (3, 21),
        (4, 6),
        (5, 7),
        (6, 5),
        (7, 3),
        (8, 7),
        (9, 5),
        (10, 1),
        (11, 14),
    ]
    .iter()
    .flat_map(|(section, count)| (1..=*count).map(move |clause| format!("{section}.{clause}")))
    .collect();
    assert_eq!(clauses, expected);
    let section_3 = document
        .blocks
        .iter()
        .find(|b| b.number.as_deref() == Some("3"))
        .expect("section 3");
    assert_eq!(
        section_3.children.len(),
        21,
        "clauses nest under their section"
    );
    assert_eq!(document.signature_fields, ["name", "signature", "date"]);
}

#[test]
fn sample_000_keeps_nested_items_and_review_metadata() {
    let document = sample("000");
    let meta = &document.meta;
    assert_eq!(
        meta.school_name.as_deref(),
        Some("Wessex Gardens Primary School")
    );
    assert_eq!(
        meta.last_review.as_ref().map(|d| d.text.as_str()),
        Some("June 2025")
    );
    assert_eq!(
        meta.next_review
            .as_ref()
            .and_then(|d| d.date)
            .map(|d| d.to_string())
            .as_deref(),
        Some("2026-06-01")
    );
    assert_eq!(meta.reviewed_by.as_deref(), Some("DPO and SBM"));
    let hardware = blocks(&document)
        .into_iter()
        .find(|b| {
            b.text
                .as_deref()
                .is_some_and(|t| t.starts_with("I will ensure that I secure ICT hardware"))
        })
        .expect("the hardware bullet");
    let nested: Vec<_> = hardware
        .children
        .iter()
        .map(|c| c.number.clone().unwrap_or_default())
        .collect();
    assert_eq!(nested, ["1", "2", "3", "4"]);
    assert_eq!(
        document.signature_fields,
        ["signature", "date", "name", "role"]
    );
}

#[test]
fn sample_001_finds_placeholders_and_the_teaching_only_clause() {
    let document = sample("001");
    let keys: Vec<&str> = document
        .placeholders
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    assert!(keys.contains(&"lgfl_staffmail"), "{keys:?}");
    assert!(keys.contains(&"mojisola_omole"), "{keys:?}");
    let staffmail = document
        .placeholders
        .iter()
        .find(|p| p.key == "lgfl_staffmail")
        .expect("found");
    assert_eq!(staffmail.label, "LGfL StaffMail");
    assert_eq!(staffmail.lines, [26]);
    let teaching: Vec<_> = blocks(&document)
        .into_iter()
        .filter(|b| !b.audience.is_empty())
        .collect();
    assert_eq!(teaching.len(), 1);
    assert_eq!(teaching[0].audience, [MembershipKind::Teaching]);
    assert!(
        teaching[0]
            .text
            .as_deref()
            .is_some_and(|t| t.contains("embed the school's on-line safety"))
    );
    assert_eq!(
        document.meta.date.as_ref().map(|d| d.text.as_str()),
        Some("April 2021")
    );
}

#[test]
fn sample_003_nests_its_remote_learning_bullets() {
    let document = sample("003");
    assert_eq!(
        document.meta.title.as_deref(),
        Some("ACCEPTABLE USER POLICY: STAFF & GOVERNORS")
    );
    let all = blocks(&document);
    assert_eq!(
        numbers(&all, BlockKind::Clause),
        (2..=16).map(|n| n.to_string()).collect::<Vec<_>>()
    );
    let remote = all
        .iter()
        .find(|b| b.number.as_deref() == Some("3"))
        .expect("clause 3");
    assert_eq!(
        remote.children.len(),
        5,
        "the o sub-bullets stay under 'During remote learning'"
    );
    let first = all
        .iter()
        .find(|b| b.kind == BlockKind::Item)
        .expect("first item");
    assert!(first.text.as_deref().is_some_and(|t| t.ends_with("both for my behaviour as an adult and enforcing the rules for pupils/students. I will report any breaches or suspicions (by adults or children) in line with the policy without delay.")), "wrapped lines are joined");
    assert_eq!(
        document.signature_fields,
        ["signature", "name", "role", "date"]
    );
}

#[test]
fn sample_004_finds_the_photo_consent_question() {
    let document = sample("004");
    let consent: Vec<_> = blocks(&document)
        .into_iter()
        .filter(|b| b.kind == BlockKind::Consent)
        .collect();
    assert_eq!(consent.len(), 1);
    assert_eq!(consent[0].options, ["agree", "disagree"]);
    assert!(
        consent[0]
            .text
            .as_deref()
            .is_some_and(|t| t.contains("my photo"))
    );
    assert!(
        document
            .warnings
            .iter()
            .any(|w| w.line == 7 && w.message.contains("repeated"))
    );
    assert_eq!(
        document.signature_fields,
        ["signature", "date", "name", "role"]
    );
}

#[test]
fn every_sample_has_declarations_and_a_signature_block() {
    for (name, text) in SAMPLES {
        let document = parse(text).expect("parses");
        let all = document.all_blocks();
        assert!(
            all.iter().any(|b| b.kind == BlockKind::Declaration),
            "{name}"
        );
        assert!(all.iter().any(|b| b.kind == BlockKind::Signature), "{name}");
        assert!(document.meta.title.is_some(), "{name}");
    }
}
