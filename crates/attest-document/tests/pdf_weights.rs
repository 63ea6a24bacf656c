//! Headings set in bold at the body's size, as many schools' PDFs have them: the font of
//! each string decides, in the page's content and inside form XObjects, shown with `Tj`
//! or `TJ`. The same page with no bold font has no headings to find.

use attest_document::{Block, BlockKind, import};
use pdf_extract::content::{Content, Operation};
use pdf_extract::{Dictionary, Document, Object, Stream, dictionary};

/// One line of the page: font resource, size, baseline, text; `TJ` when shown in parts.
struct Shown<'a> {
    font: &'a str,
    size: i64,
    y: i64,
    text: &'a str,
    in_parts: bool,
}

fn shown(font: &'static str, size: i64, y: i64, text: &'static str) -> Shown<'static> {
    Shown {
        font,
        size,
        y,
        text,
        in_parts: false,
    }
}

fn operations(lines: &[Shown]) -> Vec<Operation> {
    let mut out = Vec::new();
    for line in lines {
        out.push(Operation::new("BT", vec![]));
        out.push(Operation::new(
            "Tf",
            vec![line.font.into(), line.size.into()],
        ));
        out.push(Operation::new("Td", vec![72.into(), line.y.into()]));
        if line.in_parts {
            let (first, rest) = line.text.split_at(line.text.len() / 2);
            out.push(Operation::new(
                "TJ",
                vec![Object::Array(vec![
                    Object::string_literal(first),
                    0.into(),
                    Object::string_literal(rest),
                ])],
            ));
        } else {
            out.push(Operation::new(
                "Tj",
                vec![Object::string_literal(line.text)],
            ));
        }
        out.push(Operation::new("ET", vec![]));
    }
    out
}

/// A one-page PDF using the standard Helvetica faces; `bold_face` is the font behind
/// /F2, and the lines in `form` are drawn by a form XObject.
fn pdf(bold_face: &str, page: &[Shown], form: &[Shown]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let regular = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let bold = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => bold_face,
    });
    let fonts = dictionary! { "F1" => regular, "F2" => bold };
    let form_content = Content {
        operations: operations(form),
    };
    let form_id = doc.add_object(Stream::new(
        dictionary! {
            "Type" => "XObject", "Subtype" => "Form", "BBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
            "Resources" => dictionary! { "Font" => fonts.clone() },
        },
        form_content.encode().expect("form"),
    ));
    let mut ops = operations(page);
    ops.push(Operation::new("Do", vec!["X1".into()]));
    let content = doc.add_object(Stream::new(
        Dictionary::new(),
        Content { operations: ops }.encode().expect("content"),
    ));
    let pages_id = doc.new_object_id();
    let page_id = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => content,
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => vec![page_id.into()], "Count" => 1,
            "Resources" => dictionary! { "Font" => fonts, "XObject" => dictionary! { "X1" => form_id } },
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).expect("save");
    bytes
}

fn page() -> Vec<Shown<'static>> {
    vec![
        shown("F2", 18, 740, "Staff Acceptable Use Policy"),
        shown(
            "F1",
            11,
            700,
            "This policy is for everyone who works at the school.",
        ),
        shown("F2", 11, 676, "Email"),
        shown(
            "F1",
            11,
            662,
            "I will only use the school email system for school work.",
        ),
        Shown {
            in_parts: true,
            ..shown("F2", 11, 638, "Passwords and devices")
        },
        shown(
            "F1",
            11,
            624,
            "I will not share my password with anyone at all.",
        ),
    ]
}

fn form() -> Vec<Shown<'static>> {
    vec![
        shown("F2", 11, 600, "Social media"),
        shown(
            "F1",
            11,
            586,
            "I will not befriend pupils on social media sites.",
        ),
    ]
}

fn headings(blocks: &[Block]) -> Vec<String> {
    blocks
        .iter()
        .filter(|block| block.kind == BlockKind::Section)
        .filter_map(|block| block.heading.clone())
        .collect()
}

#[test]
fn bold_lines_at_the_body_size_are_headings() {
    for face in ["Helvetica-Bold", "Helvetica-BoldOblique"] {
        let imported = import(&pdf(face, &page(), &form())).expect("imports");
        assert_eq!(
            headings(&imported.document.blocks),
            ["Email", "Passwords and devices", "Social media"],
            "{face}: {}",
            imported.source
        );
        assert!(imported.source.contains("**Email**"), "{}", imported.source);
        let email = imported
            .document
            .blocks
            .iter()
            .find(|block| block.heading.as_deref() == Some("Email"))
            .expect("email");
        assert_eq!(email.children.len(), 1, "the clause is under its heading");
    }
}

#[test]
fn without_a_bold_face_the_same_lines_are_text() {
    let imported = import(&pdf("Helvetica", &page(), &form())).expect("imports");
    assert!(
        headings(&imported.document.blocks).is_empty(),
        "{}",
        imported.source
    );
    assert!(!imported.source.contains("**"), "{}", imported.source);
    assert!(
        imported
            .source
            .contains("Email I will only use the school email system")
    );
}
