//! The words the importer recognises: signature fields, metadata labels, audience
//! phrases, consent questions, dates.

use attest_domain::MembershipKind;
use chrono::{Datelike, NaiveDate};

use crate::inline::{fold_spaces, strip_emphasis};

/// A signature-field label → its normalised names ("Signature Date" is two fields).
pub fn signature_fields(label: &str) -> Option<Vec<&'static str>> {
    let label = normalise_label(label);
    if label.is_empty() {
        return None;
    }
    if let Some(field) = single_field(&label) {
        return Some(vec![field]);
    }
    // Several labels on one line: "Signature Date", "Name Date".
    let words: Vec<&str> = label.split(' ').collect();
    if words.len() <= 4 {
        let fields: Option<Vec<&'static str>> =
            words.iter().map(|word| single_field(word)).collect();
        if let Some(fields) = fields.filter(|fields| fields.len() > 1) {
            return Some(fields);
        }
    }
    None
}

fn normalise_label(label: &str) -> String {
    let label = strip_emphasis(label)
        .to_lowercase()
        .replace('(', " (")
        .replace(['\t', '_'], " ");
    let label =
        fold_spaces(label.trim_end_matches(|c: char| c == ':' || c == '.' || c.is_whitespace()));
    label.trim_end_matches(':').trim().to_owned()
}

fn single_field(label: &str) -> Option<&'static str> {
    Some(match label {
        "name"
        | "full name"
        | "full name (printed)"
        | "full name (print)"
        | "print name"
        | "printed name"
        | "name (printed)"
        | "name (print)"
        | "staff name"
        | "your name"
        | "employee name"
        | "name of staff member" => "name",
        "signature" | "signed" | "sign" | "staff signature" | "signature of staff member" => {
            "signature"
        }
        "date" | "date signed" | "signed date" | "dated" => "date",
        "role" | "job title" | "position" | "job role" | "role/position" | "designation"
        | "post" => "role",
        "school" | "school name" | "setting" => "school",
        "department" | "team" => "department",
        "email" | "email address" | "e-mail" => "email",
        _ => return None,
    })
}

/// Whether a line holds something to write on: underscores, dots or an ellipsis
/// (a leader), or a tab before an empty cell.
pub fn has_blank_to_fill(line: &str) -> bool {
    ["_", "…", "..", "\t"]
        .iter()
        .any(|blank| line.contains(blank))
}

/// A line that is only a signature field: `Signature: _____`, `Name:\t`, `Staff name`.
/// Returns the label as written and the normalised fields.
pub fn signature_line(line: &str) -> Option<(String, Vec<&'static str>)> {
    // "role." closing a wrapped sentence is not a field; "Role ....." (a leader) is.
    let trimmed = line.trim_end();
    // "**Email**" on its own is a heading in bold, not a field.
    if trimmed.starts_with("**") && trimmed.ends_with("**") && trimmed.len() > 4 {
        return None;
    }
    if trimmed.ends_with('.') && !trimmed.ends_with("..") && !trimmed.contains('_') {
        return None;
    }
    let label =
        line.trim_end_matches(|c: char| c == '_' || c == '.' || c == '…' || c.is_whitespace());
    let label = label.trim();
    if label.is_empty() || label.len() > 60 {
        return None;
    }
    if let Some(fields) = signature_fields(label) {
        return Some((label.to_owned(), fields));
    }
    // A blank to fill in after a longer label: "Role within the school: _____".
    let has_blank = line.contains("___") || line.contains(":\t") || line.trim_end().ends_with(':');
    let normalised = normalise_label(label);
    let first = normalised.split(' ').next().unwrap_or_default();
    let two: String = normalised.split(' ').take(2).collect::<Vec<_>>().join(" ");
    let field = single_field(&two).or_else(|| single_field(first));
    match field {
        Some(field) if has_blank && normalised.split(' ').count() <= 6 => {
            Some((label.to_owned(), vec![field]))
        }
        _ => None,
    }
}

/// A line of several fields, each followed by a blank to fill in:
/// `Full name ……… post ………`, `Name: ______ Date: ______`. Each field with its own
/// label; `None` unless every labelled part is a field.
pub fn multi_field_line(line: &str) -> Option<Vec<(String, &'static str)>> {
    let mut labels = Vec::new();
    let mut current = String::new();
    let mut blanks = 0;
    let chars: Vec<char> = line.chars().collect();
    let mut index = 0;
    while index < chars.len() {
        let c = chars[index];
        let run = chars[index..].iter().take_while(|next| **next == c).count();
        let leader = (matches!(c, '_' | '.') && run >= 3) || matches!(c, '…' | '\t');
        if leader {
            blanks += 1;
            if !current.trim().is_empty() {
                labels.push(std::mem::take(&mut current));
            }
            current.clear();
            index += run;
            continue;
        }
        current.push(c);
        index += 1;
    }
    if !current.trim().is_empty() {
        labels.push(current);
    }
    if labels.len() < 2 || blanks < labels.len() {
        return None;
    }
    labels
        .into_iter()
        .map(|label| {
            let label = label.trim().trim_end_matches(':').trim().to_owned();
            let field = single_field(&normalise_label(&label)).or_else(|| {
                // "Signed (Headteacher)": the field before the bracket.
                let before = label.split('(').next().unwrap_or_default();
                single_field(&normalise_label(before))
            })?;
            Some((label, field))
        })
        .collect()
}

/// A field someone other than the signer fills: the headteacher's or a line
/// manager's counter-signature, a witness.
pub fn is_countersignature(label: &str) -> bool {
    let lower = strip_emphasis(label).to_lowercase();
    [
        "headteacher",
        "head teacher",
        "line manager",
        "manager",
        "witness",
        "counter",
        "on behalf of",
        "for the school",
        "authorised by",
        "authorized by",
        "approved by",
        "dsl",
        "principal",
    ]
    .iter()
    .any(|word| lower.contains(word))
}

/// A metadata label → the field it fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetaKey {
    SchoolName,
    Version,
    Approved,
    Published,
    LastReview,
    NextReview,
    ReviewCycle,
    ReviewedBy,
}

pub fn meta_key(label: &str) -> Option<MetaKey> {
    let label = normalise_label(label)
        .trim_end_matches('?')
        .trim()
        .to_owned();
    Some(match label.as_str() {
        "name of school" | "school name" | "school" => MetaKey::SchoolName,
        "version" | "version number" | "version no" => MetaKey::Version,
        "approved date" | "date approved" | "approved" | "approved on" | "date of approval" => {
            MetaKey::Approved
        }
        "date published" | "published" | "publication date" | "date of publication" => {
            MetaKey::Published
        }
        "aup review date"
        | "date reviewed"
        | "last reviewed"
        | "last review"
        | "date of last review"
        | "last review date" => MetaKey::LastReview,
        "date of next review"
        | "next review"
        | "next review date"
        | "review date"
        | "review due" => MetaKey::NextReview,
        "review cycle" | "review frequency" | "reviewed" => MetaKey::ReviewCycle,
        "who reviewed this aup" | "who reviewed this policy" | "reviewed by" | "who reviewed" => {
            MetaKey::ReviewedBy
        }
        _ => return None,
    })
}

/// "June 2025" → 2025-06-01; also "12 May 2024", "12/05/2024" (UK order), "2024-05-12".
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = fold_spaces(&strip_emphasis(text)).replace(',', "");
    // "Sept 2024", "Sept. 2024": the one month abbreviation chrono does not know.
    let text: String = text
        .split(' ')
        .map(
            |word| match word.trim_end_matches('.').to_ascii_lowercase().as_str() {
                "sept" => "Sep",
                _ => word,
            },
        )
        .collect::<Vec<_>>()
        .join(" ");
    let text = text.trim();
    let plausible = |date: &NaiveDate| (1990..=2100).contains(&date.year());
    for format in ["%d %B %Y", "%d %b %Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"] {
        if let Some(date) = NaiveDate::parse_from_str(text, format)
            .ok()
            .filter(plausible)
        {
            return Some(date);
        }
    }
    let with_day = format!("1 {text}");
    ["%d %B %Y", "%d %b %Y"].iter().find_map(|format| {
        NaiveDate::parse_from_str(&with_day, format)
            .ok()
            .filter(plausible)
    })
}

/// The membership kinds named by an audience phrase such as
/// "*Staff that have a teaching role only:*". `None` when the text has no such phrase.
pub fn audience(text: &str) -> Option<Vec<MembershipKind>> {
    let plain = strip_emphasis(text).to_lowercase();
    let prefix_end = plain.find(':').filter(|end| *end <= 100)?;
    let prefix = &plain[..prefix_end];
    if !prefix.trim_end().ends_with("only") {
        return None;
    }
    let mut kinds = Vec::new();
    let mut add = |kind| {
        if !kinds.contains(&kind) {
            kinds.push(kind);
        }
    };
    if prefix.contains("teach") {
        add(MembershipKind::Teaching);
    }
    if prefix.contains("support staff") || prefix.contains("support role") {
        add(MembershipKind::Support);
    }
    if prefix.contains("leader")
        || prefix.contains("slt")
        || prefix.contains("senior")
        || prefix.contains("head")
    {
        add(MembershipKind::Leadership);
    }
    if prefix.contains("governor") || prefix.contains("trustee") {
        add(MembershipKind::Governor);
    }
    if prefix.contains("volunteer") {
        add(MembershipKind::Volunteer);
    }
    if prefix.contains("visitor") {
        add(MembershipKind::Visitor);
    }
    if prefix.contains("contractor") {
        add(MembershipKind::Contractor);
    }
    Some(kinds)
}

/// The answers of a consent question, e.g. "I agree/disagree for my photo to be used".
pub fn consent_options(text: &str) -> Option<Vec<String>> {
    let plain = fold_spaces(
        &strip_emphasis(text)
            .to_lowercase()
            .replace(" / ", "/")
            .replace("/ ", "/")
            .replace(" /", "/"),
    );
    if plain.contains("agree/disagree")
        || plain.contains("agree/i disagree")
        || plain.contains("please delete as appropriate")
    {
        return Some(vec!["agree".to_owned(), "disagree".to_owned()]);
    }
    if plain.contains("yes/no") {
        return Some(vec!["yes".to_owned(), "no".to_owned()]);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_fields_on_one_line() {
        assert_eq!(
            multi_field_line("Full name ……………… post ………………"),
            Some(vec![
                ("Full name".to_owned(), "name"),
                ("post".to_owned(), "role")
            ])
        );
        assert_eq!(
            multi_field_line("Name: ________ Date: ________"),
            Some(vec![
                ("Name".to_owned(), "name"),
                ("Date".to_owned(), "date")
            ])
        );
        assert_eq!(
            multi_field_line("Signed (Headteacher) .......... Date .........."),
            Some(vec![
                ("Signed (Headteacher)".to_owned(), "signature"),
                ("Date".to_owned(), "date")
            ])
        );
        assert_eq!(multi_field_line("Name: ________"), None);
        assert_eq!(multi_field_line("I agree ____ to this ____"), None);
        assert!(is_countersignature("Signed (Headteacher)"));
        assert!(!is_countersignature("Signature"));
    }

    #[test]
    fn signature_labels_are_normalised() {
        for (label, fields) in [
            ("Signature: _____", vec!["signature"]),
            ("Full Name (printed): _____", vec!["name"]),
            ("Full Name(printed)", vec!["name"]),
            ("Signature Date", vec!["signature", "date"]),
            ("Job title", vec!["role"]),
            ("Staff name", vec!["name"]),
            ("Signed", vec!["signature"]),
            ("Role:\t", vec!["role"]),
            ("Date: _____", vec!["date"]),
            ("Role within the school: _____", vec!["role"]),
        ] {
            assert_eq!(
                signature_line(label).map(|(_, f)| f),
                Some(fields),
                "{label}"
            );
        }
        for other in [
            "User Signature",
            "I agree to abide by all the points above.",
            "Background",
            "Agreement",
            "Role of the DPO",
            "Date of next Review",
        ] {
            assert_eq!(signature_line(other), None, "{other}");
        }
    }

    #[test]
    fn metadata_labels_and_dates() {
        assert_eq!(meta_key("Name of School"), Some(MetaKey::SchoolName));
        assert_eq!(meta_key("AUP review Date"), Some(MetaKey::LastReview));
        assert_eq!(meta_key("Date of next Review"), Some(MetaKey::NextReview));
        assert_eq!(
            meta_key("Who reviewed this AUP?"),
            Some(MetaKey::ReviewedBy)
        );
        assert_eq!(meta_key("**Review Cycle**"), Some(MetaKey::ReviewCycle));
        assert_eq!(meta_key("Colour"), None);
        assert_eq!(parse_date("June 2026"), NaiveDate::from_ymd_opt(2026, 6, 1));
        assert_eq!(
            parse_date("**September 2023**"),
            NaiveDate::from_ymd_opt(2023, 9, 1)
        );
        assert_eq!(
            parse_date("12/05/2024"),
            NaiveDate::from_ymd_opt(2024, 5, 12)
        );
        assert_eq!(
            parse_date("1 Sept 2024"),
            NaiveDate::from_ymd_opt(2024, 9, 1)
        );
        assert_eq!(parse_date("Sept 2024"), NaiveDate::from_ymd_opt(2024, 9, 1));
        assert_eq!(
            parse_date("Sept. 2024"),
            NaiveDate::from_ymd_opt(2024, 9, 1)
        );
        assert_eq!(parse_date("Annual"), None);
    }

    #[test]
    fn audience_phrases() {
        assert_eq!(
            audience("*Staff that have a teaching role only:* I will embed"),
            Some(vec![MembershipKind::Teaching])
        );
        assert_eq!(
            audience("Governors and volunteers only: read this"),
            Some(vec![MembershipKind::Governor, MembershipKind::Volunteer])
        );
        assert_eq!(audience("I will only use: the approved system"), None);
        assert_eq!(audience("No colon here, teaching only"), None);
    }

    #[test]
    fn consent_questions() {
        let photo = "I agree/disagree for my photo to be used for professional purposes (please delete as appropriate).";
        assert_eq!(
            consent_options(photo),
            Some(vec!["agree".to_owned(), "disagree".to_owned()])
        );
        assert_eq!(
            consent_options("I agree / I disagree to the photo"),
            Some(vec!["agree".to_owned(), "disagree".to_owned()])
        );
        assert_eq!(
            consent_options("I agree to abide by all the points above."),
            None
        );
    }
}

/// A heading that marks its section as the school's to write:
/// "Local arrangements (school to complete)", "Contacts [school-specific]".
pub fn marks_editable(heading: &str) -> bool {
    let lower = strip_emphasis(heading).to_lowercase().replace('-', " ");
    [
        "school to complete",
        "school to adapt",
        "school specific",
        "to be completed by the school",
        "editable by schools",
        "[editable]",
        "(editable)",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
}

#[cfg(test)]
mod editable_tests {
    #[test]
    fn editable_markers() {
        assert!(super::marks_editable(
            "5. Local arrangements (school to complete)"
        ));
        assert!(super::marks_editable("Contacts [School-specific]"));
        assert!(!super::marks_editable("To be completed by the user"));
        assert!(!super::marks_editable("Staff practices"));
    }
}
