//! What Word keeps outside the text: list numbers from the numbering definitions
//! (`3.1.`, `(a)`), heading styles, hyperlinks, highlighted text, content controls and
//! legacy form fields, deleted text and field codes. Each is read as a school would
//! see it in Word.

use std::io::{Cursor, Write};

use attest_document::{BlockKind, import};
use zip::write::SimpleFileOptions;

const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

fn paragraph(style: Option<&str>, numbering: Option<(u32, u32)>, runs: &str) -> String {
    let style = style.map_or(String::new(), |s| format!(r#"<w:pStyle w:val="{s}"/>"#));
    let numbering = numbering.map_or(String::new(), |(id, level)| {
        format!(r#"<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{id}"/></w:numPr>"#)
    });
    format!("<w:p><w:pPr>{style}{numbering}</w:pPr>{runs}</w:p>")
}

fn run(text: &str) -> String {
    format!(r#"<w:r><w:t xml:space="preserve">{text}</w:t></w:r>"#)
}

/// A run holding a text box as Word writes it: DrawingML, with VML as the fallback, the
/// same text in both.
fn text_box(text: &str) -> String {
    let content = format!(
        "<w:txbxContent>{}</w:txbxContent>",
        paragraph(None, None, &run(text))
    );
    format!(
        r#"<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="wps"><w:drawing><wp:anchor xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData><wps:wsp xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><wps:txbx>{content}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice><mc:Fallback><w:pict><v:shape xmlns:v="urn:schemas-microsoft-com:vml"><v:textbox>{content}</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>"#
    )
}

fn word_file() -> Vec<u8> {
    let body = [
        paragraph(Some("Title"), None, &run("Staff Acceptable Use Policy")),
        paragraph(Some("Heading1"), Some((1, 0)), &run("Email")),
        paragraph(None, Some((1, 1)), &run("I will use the school's email for school business.")),
        paragraph(None, Some((1, 1)), &format!(
            "{}<w:r><w:rPr><w:highlight w:val=\"yellow\"/></w:rPr><w:t>DSL name</w:t></w:r>{}",
            run("I will report concerns to "),
            run(".")
        )),
        paragraph(None, Some((2, 0)), &run("when I am in school;")),
        paragraph(None, Some((2, 0)), &format!(
            "{}<w:del><w:r><w:delText>never</w:delText></w:r></w:del>{}",
            run("when I work "),
            run("at home.")
        )),
        paragraph(Some("Heading1"), Some((1, 0)), &run("Links")),
        paragraph(None, None, &format!(
            "{}<w:hyperlink r:id=\"rId9\"><w:r><w:t>NCSC training</w:t></w:r></w:hyperlink>{}",
            run("I will complete "),
            run(" each year.")
        )),
        paragraph(None, None, &format!(
            "{}<w:sdt><w:sdtPr><w:alias w:val=\"Data Protection Officer\"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:t>Click to enter text.</w:t></w:r></w:sdtContent></w:sdt>{}",
            run("Our DPO is "),
            run(".")
        )),
        paragraph(None, None, &format!(
            "{}<w:r><w:fldChar w:fldCharType=\"begin\"><w:ffData><w:name w:val=\"Text1\"/><w:textInput/></w:ffData></w:fldChar></w:r><w:r><w:instrText> FORMTEXT </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>     </w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
            run("Full name: ")
        )),
        paragraph(None, None, &text_box("Report every concern to the DSL the same day.")),
        paragraph(None, None, &format!(
            "{}<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType=\"separate\"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType=\"end\"/></w:r>",
            run("This is page ")
        )),
    ]
    .concat();
    let document =
        format!(r#"<?xml version="1.0"?><w:document {W}><w:body>{body}</w:body></w:document>"#);
    let numbering = format!(
        r#"<?xml version="1.0"?><w:numbering {W}>
        <w:abstractNum w:abstractNumId="10">
          <w:lvl w:ilvl="0"><w:start w:val="3"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
          <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1.%2."/></w:lvl>
        </w:abstractNum>
        <w:abstractNum w:abstractNumId="20">
          <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%1)"/></w:lvl>
        </w:abstractNum>
        <w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num>
        <w:num w:numId="2"><w:abstractNumId w:val="20"/></w:num>
        </w:numbering>"#
    );
    let styles = format!(
        r#"<?xml version="1.0"?><w:styles {W}>
        <w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
        <w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
        </w:styles>"#
    );
    let relationships = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="https://www.ncsc.gov.uk/training" TargetMode="External"/></Relationships>"#;
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, text) in [
        ("word/document.xml", document.as_str()),
        ("word/numbering.xml", numbering.as_str()),
        ("word/styles.xml", styles.as_str()),
        ("word/_rels/document.xml.rels", relationships),
    ] {
        writer
            .start_file(name, SimpleFileOptions::default())
            .expect("starts");
        writer.write_all(text.as_bytes()).expect("writes");
    }
    writer.finish().expect("finishes").into_inner()
}

#[test]
fn word_numbering_styles_links_and_fields_are_read_as_word_shows_them() {
    let imported = import(&word_file()).expect("imports");
    let text = imported.lines.text();
    assert!(text.contains("## 3. Email"), "{text}");
    assert!(
        text.contains("    3.1. I will use the school's email"),
        "{text}"
    );
    assert!(
        text.contains("3.2. I will report concerns to [DSL name]."),
        "{text}"
    );
    assert!(text.contains("(a) when I am in school;"), "{text}");
    assert!(
        text.contains("(b) when I work at home."),
        "{text}: deleted text left out"
    );
    assert!(text.contains("## 4. Links"), "{text}: the list counts on");
    assert!(
        text.contains("[NCSC training](https://www.ncsc.gov.uk/training)"),
        "{text}"
    );
    assert!(
        text.contains("Our DPO is [Data Protection Officer]."),
        "{text}"
    );
    assert!(text.contains("Full name: _____"), "{text}");
    assert_eq!(
        text.matches("Report every concern to the DSL the same day.")
            .count(),
        1,
        "a text box is read once, not again from its fallback: {text}"
    );
    assert!(
        !text.contains("FORMTEXT") && !text.contains("PAGE"),
        "{text}"
    );

    let document = &imported.document;
    assert_eq!(
        document.meta.title.as_deref(),
        Some("Staff Acceptable Use Policy")
    );
    let keys: Vec<&str> = document
        .placeholders
        .iter()
        .map(|p| p.key.as_str())
        .collect();
    assert_eq!(keys, ["dsl_name", "data_protection_officer"]);
    assert_eq!(document.signature_fields, ["name"]);
    assert!(
        text.contains("This is page 1"),
        "{text}: a field shows its result"
    );
    let numbers: Vec<(BlockKind, String)> = document
        .all_blocks()
        .iter()
        .filter_map(|b| Some((b.kind, b.number.clone()?)))
        .collect();
    assert!(
        numbers.contains(&(BlockKind::Section, "3".to_owned())),
        "{numbers:?}"
    );
    assert!(
        numbers.contains(&(BlockKind::Item, "a".to_owned())),
        "{numbers:?}"
    );
    assert_eq!(
        imported
            .origin(
                text.lines()
                    .position(|l| l.contains("Our DPO"))
                    .expect("line")
                    + 1
            )
            .to_string(),
        "paragraph 9"
    );
}
