use super::*;
use crate::parse;

const POLICY: &str = "Staff AUP\n\nName of School\t[School Name]\n\n## 1. Email\n\n- 1.1. Use *[LGfL StaffMail]* only.\n- 1.2. *Staff that have a teaching role only:* teach online safety.\n  - (a) Check **every** link <script>alert(1)</script>\n\nSee [guidance](javascript:alert(1)) and [NCSC](https://www.ncsc.gov.uk/).\n\nI agree/disagree for my photo to be used (please delete as appropriate).\n\nI agree to abide by all the points above.\n\nSignature: ____\nDate: ____\n";

fn variables() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("lgfl_staffmail".to_owned(), "Outlook <365>".to_owned()),
        ("school_name".to_owned(), "Wessex Gardens".to_owned()),
    ])
}

#[test]
fn markdown_fills_placeholders_and_keeps_structure() {
    let document = parse(POLICY).expect("parses");
    let variables = variables();
    let reader = Reader {
        variables: Some(&variables),
        audience: None,
    };
    let markdown = render(&document, &reader, Format::Markdown);
    assert!(
        markdown
            .starts_with("# Staff AUP\n\n## 1. Email\n\n- **1.1** Use Outlook \\<365\\> only.\n"),
        "{markdown}"
    );
    assert!(
        markdown.contains("  - **(a)** Check **every** link"),
        "{markdown}"
    );
    assert!(
        markdown.contains("*Answer required: agree / disagree*"),
        "{markdown}"
    );
    assert!(
        markdown.ends_with("Signature: ____________________\n\nDate: ____________________\n"),
        "{markdown}"
    );
}

#[test]
fn readers_see_only_what_applies_to_them() {
    let document = parse(POLICY).expect("parses");
    let teacher = render(
        &document,
        &Reader {
            variables: None,
            audience: Some(MembershipKind::Teaching),
        },
        Format::Text,
    );
    let governor = render(
        &document,
        &Reader {
            variables: None,
            audience: Some(MembershipKind::Governor),
        },
        Format::Text,
    );
    assert!(teacher.contains("teach online safety"));
    assert!(!governor.contains("teach online safety"));
    assert!(
        !governor.contains("Check every link"),
        "children of a hidden clause are hidden"
    );
    assert!(governor.contains("1.1 Use"));
}

#[test]
fn html_escapes_raw_html_and_drops_script_links() {
    let document = parse(POLICY).expect("parses");
    let variables = variables();
    let html = render(
        &document,
        &Reader {
            variables: Some(&variables),
            audience: None,
        },
        Format::Html,
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");
    assert!(
        html.contains(r#"<a href="https://www.ncsc.gov.uk/">NCSC</a>"#),
        "{html}"
    );
    assert!(html.contains("Outlook &lt;365&gt;"), "{html}");
    assert!(html.contains("<strong>every</strong>"), "{html}");
}

#[test]
fn plain_text_has_no_markup() {
    let document = parse(POLICY).expect("parses");
    let text = render(&document, &Reader::default(), Format::Text);
    assert!(
        text.starts_with("Staff AUP\n\n1. Email\n\n- 1.1 Use [LGfL StaffMail] only.\n"),
        "{text}"
    );
    assert!(text.contains("NCSC (https://www.ncsc.gov.uk/)"), "{text}");
    assert!(!text.contains("**"));
}

#[test]
fn the_hash_covers_exactly_what_the_reader_sees() {
    let document = parse(POLICY).expect("parses");
    let variables = variables();
    let school = Reader {
        variables: Some(&variables),
        audience: Some(MembershipKind::Teaching),
    };
    let hash = content_hash(&document, &school);
    assert_eq!(hash.0.len(), 64);
    assert_eq!(
        hash,
        content_hash(&parse(POLICY).expect("parses"), &school),
        "stable"
    );
    let other_value = BTreeMap::from([("lgfl_staffmail".to_owned(), "Gmail".to_owned())]);
    assert_ne!(
        hash,
        content_hash(
            &document,
            &Reader {
                variables: Some(&other_value),
                ..school.clone()
            }
        )
    );
    assert_ne!(
        hash,
        content_hash(
            &document,
            &Reader {
                audience: Some(MembershipKind::Governor),
                ..school.clone()
            }
        )
    );
    let edited = parse(&POLICY.replace("only.", "only!")).expect("parses");
    assert_ne!(hash, content_hash(&edited, &school));
    let moved_lines =
        parse(&POLICY.replace("## 1. Email\n\n", "## 1. Email\n\n\n\n")).expect("parses");
    assert_eq!(
        hash,
        content_hash(&moved_lines, &school),
        "blank lines in the source change nothing a reader sees"
    );
}

#[test]
fn missing_variables_are_listed() {
    let document = parse(POLICY).expect("parses");
    assert_eq!(
        missing_variables(&document, &BTreeMap::new()),
        ["school_name", "lgfl_staffmail"]
    );
    assert!(missing_variables(&document, &variables()).is_empty());
}
