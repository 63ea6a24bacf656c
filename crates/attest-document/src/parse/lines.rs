//! One source line at a time: what kind of line is it, out of context.

use crate::inline::{fold_spaces, normalise_tags};
use crate::model::Marker;
use crate::vocabulary::{meta_key, multi_field_line, signature_line};

pub struct SourceLine {
    /// 1-based.
    pub number: usize,
    /// Leading white space, a tab counting as four.
    pub indent: usize,
    /// The text without leading or trailing white space, emphasis tags as Markdown.
    pub text: String,
}

pub enum LineKind {
    Blank,
    Heading {
        level: usize,
        text: String,
    },
    Meta {
        label: String,
        value: String,
    },
    Signature {
        label: String,
        fields: Vec<&'static str>,
    },
    /// Several fields on one line, each with its own label.
    Fields(Vec<(String, &'static str)>),
    Item {
        marker: Marker,
        number: Option<String>,
        text: String,
    },
    Text(String),
}

pub fn split(text: &str) -> Vec<SourceLine> {
    text.lines()
        .enumerate()
        .map(|(index, raw)| {
            let indent = raw
                .chars()
                .take_while(|c| c.is_whitespace())
                .map(|c| if c == '\t' { 4 } else { 1 })
                .sum();
            SourceLine {
                number: index + 1,
                indent,
                text: normalise_tags(raw.trim()),
            }
        })
        .collect()
}

pub fn classify(line: &SourceLine) -> LineKind {
    let raw = line.text.as_str();
    if !raw.chars().any(char::is_alphanumeric) {
        return LineKind::Blank;
    }
    if let Some(heading) = heading(raw) {
        return heading;
    }
    if let Some(fields) = multi_field_line(raw) {
        return LineKind::Fields(fields);
    }
    if let Some((label, fields)) = signature_line(raw) {
        return LineKind::Signature { label, fields };
    }
    if let Some((label, value)) = dashed_metadata(raw) {
        return LineKind::Meta { label, value };
    }
    // List markers win over tabs: "- o I will…\tmore" is an item, not a metadata row.
    let text = fold_spaces(raw);
    for bullet in ["- ", "* ", "• ", "– ", "· "] {
        if let Some(rest) = text.strip_prefix(bullet) {
            let (marker, number, content) = item_content(rest.trim_start(), Marker::Bullet);
            return LineKind::Item {
                marker,
                number,
                text: content,
            };
        }
    }
    if let Some((number, rest)) = leading_number(&text) {
        return LineKind::Item {
            marker: Marker::Numbered,
            number: Some(number),
            text: rest,
        };
    }
    if let Some((marker, letter, rest)) = leading_letter(&text) {
        return LineKind::Item {
            marker,
            number: Some(letter),
            text: rest,
        };
    }
    if let Some(rest) = sub_bullet(&text) {
        return LineKind::Item {
            marker: Marker::SubBullet,
            number: None,
            text: rest,
        };
    }
    if let Some((label, value)) = raw.split_once('\t') {
        let (label, value) = (label.trim(), fold_spaces(value));
        if !label.is_empty() && !value.is_empty() {
            return LineKind::Meta {
                label: label.to_owned(),
                value,
            };
        }
    }
    LineKind::Text(text)
}

/// `Review date - June 2025`, `Version: 3`: a known metadata label, a dash or colon,
/// a value.
fn dashed_metadata(text: &str) -> Option<(String, String)> {
    [" - ", " – ", " — ", ": "].iter().find_map(|separator| {
        let (label, value) = text.split_once(separator)?;
        let value = fold_spaces(value);
        (meta_key(label).is_some() && !value.is_empty() && value.len() <= 120)
            .then(|| (label.trim().to_owned(), value))
    })
}

fn heading(text: &str) -> Option<LineKind> {
    let level = text.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = text[level..].strip_prefix(' ')?;
    Some(LineKind::Heading {
        level,
        text: fold_spaces(rest),
    })
}

/// What follows a bullet: a number (`3.1.`, `7.`), a letter (`(a)`), a Word "o"
/// sub-bullet, or plain text.
fn item_content(rest: &str, default: Marker) -> (Marker, Option<String>, String) {
    if let Some((number, text)) = leading_number(rest) {
        return (Marker::Numbered, Some(number), text);
    }
    if let Some((marker, letter, text)) = leading_letter(rest) {
        return (marker, Some(letter), text);
    }
    if let Some(text) = sub_bullet(rest) {
        return (Marker::SubBullet, None, text);
    }
    (default, None, rest.to_owned())
}

/// `3.1. text`, `3.1 text`, `7. text`, `7) text` → ("3.1", "text").
pub fn leading_number(text: &str) -> Option<(String, String)> {
    let bytes = text.as_bytes();
    let mut end = 0;
    let mut groups = 0;
    loop {
        let start = end;
        while end < bytes.len() && bytes[end].is_ascii_digit() {
            end += 1;
        }
        if end == start || end - start > 3 {
            return None;
        }
        groups += 1;
        if end + 1 < bytes.len() && bytes[end] == b'.' && bytes[end + 1].is_ascii_digit() {
            end += 1;
            continue;
        }
        break;
    }
    let number = &text[..end];
    let mut rest = &text[end..];
    let closed = if let Some(after) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')')) {
        rest = after;
        true
    } else {
        false
    };
    if !(closed || groups > 1) || !rest.starts_with(' ') {
        return None;
    }
    let rest = rest.trim_start();
    (!rest.is_empty()).then(|| (number.to_owned(), rest.to_owned()))
}

/// `(a) text`, `a) text`, `(ii) text`.
fn leading_letter(text: &str) -> Option<(Marker, String, String)> {
    let inner_start = usize::from(text.starts_with('('));
    let close = text.find(')')?;
    let letters = &text[inner_start..close];
    if letters.is_empty() || letters.len() > 4 || !letters.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let rest = text[close + 1..].strip_prefix(' ')?.trim_start();
    if rest.is_empty() {
        return None;
    }
    let roman = letters.len() > 1
        && letters
            .chars()
            .all(|c| matches!(c, 'i' | 'v' | 'x' | 'l' | 'c'));
    if letters.len() > 1 && !roman {
        return None;
    }
    let marker = if roman {
        Marker::Roman
    } else {
        Marker::Lettered
    };
    Some((marker, letters.to_owned(), rest.to_owned()))
}

/// Word exports turn second-level bullets into a literal "o": `o I will…`.
fn sub_bullet(text: &str) -> Option<String> {
    let rest = text
        .strip_prefix("o ")
        .or_else(|| text.strip_prefix("O "))?;
    let first = rest.chars().next()?;
    (first.is_uppercase() || first == '*' || first.is_ascii_digit()).then(|| rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> LineKind {
        classify(&SourceLine {
            number: 1,
            indent: 0,
            text: text.to_owned(),
        })
    }

    #[test]
    fn numbers_are_recognised_in_their_written_forms() {
        assert_eq!(
            leading_number("3.1. I have read"),
            Some(("3.1".to_owned(), "I have read".to_owned()))
        );
        assert_eq!(
            leading_number("5.1 I will"),
            Some(("5.1".to_owned(), "I will".to_owned()))
        );
        assert_eq!(
            leading_number("11.14 I will"),
            Some(("11.14".to_owned(), "I will".to_owned()))
        );
        assert_eq!(
            leading_number("7. I understand"),
            Some(("7".to_owned(), "I understand".to_owned()))
        );
        assert_eq!(
            leading_number("2) text"),
            Some(("2".to_owned(), "text".to_owned()))
        );
        assert_eq!(leading_number("2023 was a year"), None);
        assert_eq!(leading_number("100% of staff"), None);
        assert_eq!(leading_number("3.1."), None);
    }

    #[test]
    fn items_and_their_markers() {
        assert!(matches!(
            line("- o I will not take"),
            LineKind::Item {
                marker: Marker::SubBullet,
                ..
            }
        ));
        assert!(matches!(
            line("- O I will conduct"),
            LineKind::Item {
                marker: Marker::SubBullet,
                ..
            }
        ));
        assert!(
            matches!(line("- 3.1. I have"), LineKind::Item { marker: Marker::Numbered, number: Some(ref n), .. } if n == "3.1")
        );
        assert!(
            matches!(line("(a) first"), LineKind::Item { marker: Marker::Lettered, number: Some(ref n), .. } if n == "a")
        );
        assert!(
            matches!(line("(ii) second"), LineKind::Item { marker: Marker::Roman, number: Some(ref n), .. } if n == "ii")
        );
        assert!(matches!(
            line("- I will"),
            LineKind::Item {
                marker: Marker::Bullet,
                number: None,
                ..
            }
        ));
        assert!(matches!(line("**bold paragraph**"), LineKind::Text(_)));
        assert!(matches!(line("or a sentence"), LineKind::Text(_)));
    }

    #[test]
    fn other_line_kinds() {
        assert!(matches!(
            line("## 1. Policy Introduction"),
            LineKind::Heading { level: 2, .. }
        ));
        assert!(matches!(line("#hashtag"), LineKind::Text(_)));
        assert!(matches!(
            line("Name of School\tWessex Gardens"),
            LineKind::Meta { .. }
        ));
        assert!(matches!(line("Signature:\t"), LineKind::Signature { .. }));
        assert!(matches!(line("_"), LineKind::Blank));
    }
}
