//! Evidence files attached to a breach: what kinds are taken, decided from the bytes
//! (never the name or the type a browser claims), how big, and what their name may be.
//! Anything a browser could run (web pages, SVG, scripts) and anything that carries
//! macros or programs is refused; what is taken is only ever downloaded, never shown.

use sha2::{Digest, Sha256};

use crate::DomainError;

/// The largest evidence file taken (10 MiB): a phone photo, a scanned letter, an email
/// with its attachments saved as PDF.
pub const EVIDENCE_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Files one breach may hold, so a script cannot fill the database through one breach.
pub const EVIDENCE_MAX_FILES: usize = 100;
const NAME_MAX_CHARS: usize = 200;

text_enum!(
    /// The kinds of evidence file taken.
    EvidenceKind, "file", {
        Pdf => "pdf",
        Png => "png",
        Jpeg => "jpeg",
        Gif => "gif",
        Webp => "webp",
        Heic => "heic",
        Docx => "docx",
        Xlsx => "xlsx",
        Odt => "odt",
        Email => "email",
        Csv => "csv",
        Text => "text",
    }
);

impl EvidenceKind {
    /// The type it is served with (always as an attachment).
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
            Self::Gif => "image/gif",
            Self::Webp => "image/webp",
            Self::Heic => "image/heic",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Email => "message/rfc822",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Text => "text/plain; charset=utf-8",
        }
    }

    /// What people call it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "a PDF",
            Self::Png => "a PNG image",
            Self::Jpeg => "a JPEG image",
            Self::Gif => "a GIF image",
            Self::Webp => "a WebP image",
            Self::Heic => "a HEIC photo",
            Self::Docx => "a Word document",
            Self::Xlsx => "an Excel workbook",
            Self::Odt => "an OpenDocument text",
            Self::Email => "an email",
            Self::Csv => "a CSV file",
            Self::Text => "a text file",
        }
    }

    /// The file name endings that say this kind.
    fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Pdf => &["pdf"],
            Self::Png => &["png"],
            Self::Jpeg => &["jpg", "jpeg", "jfif"],
            Self::Gif => &["gif"],
            Self::Webp => &["webp"],
            Self::Heic => &["heic", "heif"],
            Self::Docx => &["docx"],
            Self::Xlsx => &["xlsx"],
            Self::Odt => &["odt"],
            Self::Email => &["eml"],
            Self::Csv => &["csv"],
            Self::Text => &["txt", "text", "log", "md"],
        }
    }

    fn of_extension(extension: &str) -> Option<Self> {
        Self::ALL
            .iter()
            .copied()
            .find(|kind| kind.extensions().contains(&extension))
    }
}

/// An evidence file that passed the checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedEvidence {
    pub file_name: String,
    pub kind: EvidenceKind,
    pub size: usize,
    /// SHA-256 of the bytes, hex encoded: what a copy is checked against.
    pub sha256: String,
}

const ACCEPTED: &str = "PDF, PNG, JPEG, GIF, WebP, HEIC, Word (.docx), Excel (.xlsx), OpenDocument text, email (.eml), CSV or text";

/// Checks a file offered as evidence: its name, size and kind (from its bytes).
pub fn check_evidence(file_name: &str, bytes: &[u8]) -> Result<CheckedEvidence, DomainError> {
    let file_name = clean_file_name(file_name)?;
    if bytes.is_empty() {
        return Err(DomainError::invalid(
            "file",
            format!("{file_name} is empty"),
        ));
    }
    if bytes.len() > EVIDENCE_MAX_BYTES {
        return Err(evidence_too_large(&file_name, bytes.len()));
    }
    let kind = sniff(&file_name, bytes)?;
    let extension = extension_of(&file_name);
    if let Some(named) = extension.as_deref().and_then(EvidenceKind::of_extension)
        && named != kind
        && !(named == EvidenceKind::Text && matches!(kind, EvidenceKind::Email | EvidenceKind::Csv))
    {
        return Err(DomainError::invalid(
            "file",
            format!(
                "{file_name} is named as {} but its content is {}: rename it or attach the right file",
                named.label(),
                kind.label()
            ),
        ));
    }
    Ok(CheckedEvidence {
        file_name,
        kind,
        size: bytes.len(),
        sha256: hex::encode(Sha256::digest(bytes)),
    })
}

/// The refusal for a file over the limit (also used while it is still arriving).
pub fn evidence_too_large(file_name: &str, size: usize) -> DomainError {
    DomainError::invalid(
        "file",
        format!(
            "{file_name} is {:.1} MiB; evidence files can be at most {} MiB",
            mib(size),
            EVIDENCE_MAX_BYTES / (1024 * 1024)
        ),
    )
}

fn mib(bytes: usize) -> f64 {
    // Sizes here are far below 2^52, where the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let bytes = bytes as f64;
    bytes / (1024.0 * 1024.0)
}

/// The name kept and offered on download: the last path part, without control
/// characters or quotes, at most 200 characters (evidence files, imported policy files).
pub fn clean_file_name(raw: &str) -> Result<String, DomainError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '*' | '?' | ':'))
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        return Err(DomainError::invalid(
            "file",
            "the file has no name: choose a file to attach",
        ));
    }
    if cleaned.chars().count() > NAME_MAX_CHARS {
        return Err(DomainError::invalid(
            "file",
            format!("the file's name is longer than {NAME_MAX_CHARS} characters: rename it"),
        ));
    }
    Ok(cleaned)
}

fn extension_of(file_name: &str) -> Option<String> {
    let (stem, extension) = file_name.rsplit_once('.')?;
    (!stem.is_empty()).then(|| extension.to_ascii_lowercase())
}

/// The kind of a file from its bytes.
fn sniff(file_name: &str, bytes: &[u8]) -> Result<EvidenceKind, DomainError> {
    let refuse = |why: &str| {
        Err(DomainError::invalid(
            "file",
            format!("{file_name} {why}; attach {ACCEPTED}"),
        ))
    };
    if let Some(found) = infer::get(bytes) {
        return match found.mime_type() {
            "application/pdf" => Ok(EvidenceKind::Pdf),
            "image/png" => Ok(EvidenceKind::Png),
            "image/jpeg" => Ok(EvidenceKind::Jpeg),
            "image/gif" => Ok(EvidenceKind::Gif),
            "image/webp" => Ok(EvidenceKind::Webp),
            "image/heif" => Ok(EvidenceKind::Heic),
            "application/vnd.oasis.opendocument.text" => Ok(EvidenceKind::Odt),
            "application/zip"
            | "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            | "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => office(bytes)
                .map_or_else(
                    || refuse("is a zip archive, not a Word or Excel document"),
                    |kind| {
                        kind.or_else(|_| {
                            refuse(
                                "holds macros (a macro-enabled document); save it without macros",
                            )
                        })
                    },
                ),
            "text/html" | "text/xml" | "image/svg+xml" => {
                refuse("is a web page or SVG, which a browser would run; print it to PDF")
            }
            other => refuse(&format!("is of a kind not taken ({other})")),
        };
    }
    text_kind(file_name, bytes).map_or_else(
        || refuse("is not a kind of file taken as evidence"),
        |kind| kind.or_else(refuse),
    )
}

/// A zip: Word or Excel without macros (`Err(())` when it holds them), or `None` when
/// it is some other archive.
fn office(bytes: &[u8]) -> Option<Result<EvidenceKind, ()>> {
    let holds = |name: &[u8]| bytes.windows(name.len()).any(|window| window == name);
    let kind = if holds(b"word/document.xml") {
        EvidenceKind::Docx
    } else if holds(b"xl/workbook.xml") {
        EvidenceKind::Xlsx
    } else {
        return None;
    };
    if holds(b"vbaProject.bin") || holds(b"macroEnabled") {
        return Some(Err(()));
    }
    Some(Ok(kind))
}

/// Text: UTF-8 with no NUL bytes; an email when it opens with mail headers, CSV when
/// named so; web pages and scripts are refused.
fn text_kind(file_name: &str, bytes: &[u8]) -> Option<Result<EvidenceKind, &'static str>> {
    let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).ok()?;
    if text.contains('\0') {
        return None;
    }
    let opening = text
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if [
        "<!doctype",
        "<html",
        "<svg",
        "<?xml",
        "<script",
        "<head",
        "<body",
    ]
    .iter()
    .any(|tag| opening.starts_with(tag))
        || opening.contains("<script")
    {
        return Some(Err(
            "is a web page or markup, which a browser would run; print it to PDF",
        ));
    }
    if looks_like_email(text) {
        return Some(Ok(EvidenceKind::Email));
    }
    if extension_of(file_name).as_deref() == Some("csv") {
        return Some(Ok(EvidenceKind::Csv));
    }
    Some(Ok(EvidenceKind::Text))
}

/// An email saved from a mail program: header lines (`Name: value`) up to the first
/// blank line, with a sender and a subject or date among them.
fn looks_like_email(text: &str) -> bool {
    let headers: Vec<&str> = text
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| !line.starts_with([' ', '\t']))
        .collect();
    let named = |name: &str| {
        headers.iter().any(|line| {
            line.split_once(':')
                .is_some_and(|(key, _)| key.eq_ignore_ascii_case(name))
        })
    };
    !headers.is_empty()
        && headers.iter().all(|line| {
            line.split_once(':').is_some_and(|(key, _)| {
                !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
        })
        && named("from")
        && (named("subject") || named("date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] =
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";
    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";

    fn zip_with(names: &[&str]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for name in names {
            bytes.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
            bytes.extend_from_slice(name.as_bytes());
        }
        bytes
    }

    fn refused(name: &str, bytes: &[u8]) -> String {
        check_evidence(name, bytes)
            .expect_err("should be refused")
            .to_string()
    }

    #[test]
    fn kinds_come_from_the_bytes() {
        let png = check_evidence("screenshot.png", PNG).expect("a PNG is taken");
        assert_eq!(png.kind, EvidenceKind::Png);
        assert_eq!(png.size, PNG.len());
        assert_eq!(png.sha256, hex::encode(Sha256::digest(PNG)));
        assert_eq!(
            check_evidence("letter", PDF).expect("no name ending").kind,
            EvidenceKind::Pdf
        );
        let docx = zip_with(&["[Content_Types].xml", "word/document.xml"]);
        assert_eq!(
            check_evidence("minutes.docx", &docx).expect("Word").kind,
            EvidenceKind::Docx
        );
        let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
        assert_eq!(
            check_evidence("list.xlsx", &xlsx).expect("Excel").kind,
            EvidenceKind::Xlsx
        );
    }

    #[test]
    fn a_name_that_disagrees_with_the_content_is_refused() {
        let message = refused("photo.png", PDF);
        assert!(
            message.contains("named as a PNG image but its content is a PDF"),
            "{message}"
        );
        // Text files named .txt may hold an email or CSV.
        let email = b"From: head@school.example\nSubject: Lost laptop\n\nIt was left on the bus.\n";
        assert_eq!(
            check_evidence("mail.txt", email)
                .expect("email as text")
                .kind,
            EvidenceKind::Email
        );
    }

    #[test]
    fn emails_csv_and_text_are_told_apart() {
        let email = b"Return-Path: <x@y>\r\nFrom: A <a@school.example>\r\nDate: Mon, 30 Nov 2026 09:00:00 +0000\r\nSubject: Re: list\r\n\r\nBody\r\n";
        assert_eq!(
            check_evidence("forwarded.eml", email).expect("email").kind,
            EvidenceKind::Email
        );
        assert_eq!(
            check_evidence("people.csv", b"name,year\nA,7\n")
                .expect("csv")
                .kind,
            EvidenceKind::Csv
        );
        assert_eq!(
            check_evidence("notes.txt", "Café notes: the bag was found.\n".as_bytes())
                .expect("text")
                .kind,
            EvidenceKind::Text
        );
        // A note that merely mentions a sender is text.
        assert_eq!(
            check_evidence("notes.txt", b"From: the office\nwe found it\n")
                .expect("text")
                .kind,
            EvidenceKind::Text
        );
    }

    #[test]
    fn what_a_browser_could_run_is_refused() {
        for (name, bytes) in [
            (
                "page.html",
                &b"<!DOCTYPE html><html><script>alert(1)</script>"[..],
            ),
            (
                "image.png",
                &b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"[..],
            ),
            ("notes.txt", &b"hello <script>steal()</script>"[..]),
            ("data.xml", &b"<?xml version='1.0'?><a/>"[..]),
        ] {
            let message = refused(name, bytes);
            assert!(message.contains("browser would run"), "{name}: {message}");
        }
    }

    #[test]
    fn programs_archives_and_macros_are_refused() {
        for (name, program) in [
            ("setup.pdf", &b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff"[..]),
            ("tool", &b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0"[..]),
        ] {
            let message = refused(name, program);
            assert!(message.contains("; attach PDF, PNG"), "{name}: {message}");
        }
        let archive = zip_with(&["photos/1.jpg"]);
        assert!(refused("photos.zip", &archive).contains("zip archive"));
        let macros = zip_with(&["word/document.xml", "word/vbaProject.bin"]);
        assert!(refused("minutes.docx", &macros).contains("macros"));
        assert!(refused("blob.bin", &[0u8, 159, 146, 150, 0, 1]).contains("not a kind"));
    }

    #[test]
    fn size_and_name_limits() {
        assert!(refused("empty.pdf", b"").contains("is empty"));
        let mut big = PDF.to_vec();
        big.resize(EVIDENCE_MAX_BYTES + 1, b' ');
        assert!(refused("big.pdf", &big).contains("at most 10 MiB"));
        let mut limit = PDF.to_vec();
        limit.resize(EVIDENCE_MAX_BYTES, b' ');
        assert!(check_evidence("limit.pdf", &limit).is_ok());
        assert!(refused("", PDF).contains("no name"));
        assert!(refused(&format!("{}.pdf", "a".repeat(300)), PDF).contains("longer than"));
    }

    #[test]
    fn names_lose_paths_and_characters_that_break_headers() {
        let checked =
            check_evidence("C:\\Users\\head\\Desktop\\\"evil\"\r\nname.pdf", PDF).expect("taken");
        assert_eq!(checked.file_name, "evilname.pdf");
        let checked = check_evidence("../../etc/.report.pdf", PDF).expect("taken");
        assert_eq!(checked.file_name, "report.pdf");
    }
}
