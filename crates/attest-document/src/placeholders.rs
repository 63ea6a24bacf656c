//! School-specific placeholders in template text: `*[LGfL StaffMail]*`,
//! `[*Mojisola Omole*]`, `[School Name]`, `[[School Name]]`, `{{school_name}}`, `<<DPO>>`,
//! `[insert name]`.
//! The importer, the renderer and the publisher all find them with this one scanner.

use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceholderMatch {
    /// Byte range of the whole placeholder in the text, markup included.
    pub range: Range<usize>,
    pub key: String,
    pub label: String,
}

/// Keys are typed by people (`--var key=value`): long labels give their first words.
const MAX_KEY: usize = 40;

/// A stable key from a label: "LGfL StaffMail" → "lgfl_staffmail"; a long label keeps
/// its first words, up to 40 characters.
pub fn key_for(label: &str) -> String {
    let full = full_key(label);
    if full.len() <= MAX_KEY {
        return full;
    }
    let mut key = String::new();
    for word in full.split('_') {
        let extra = if key.is_empty() {
            word.len()
        } else {
            word.len() + 1
        };
        if key.len() + extra > MAX_KEY {
            break;
        }
        if !key.is_empty() {
            key.push('_');
        }
        key.push_str(word);
    }
    if key.is_empty() {
        full.chars().take(MAX_KEY).collect()
    } else {
        key
    }
}

fn full_key(label: &str) -> String {
    let mut key = String::with_capacity(label.len());
    for c in label.chars() {
        if c.is_alphanumeric() {
            key.extend(c.to_lowercase());
        } else if !key.ends_with('_') && !key.is_empty() {
            key.push('_');
        }
    }
    key.trim_end_matches('_').to_owned()
}

fn usable(label: &str) -> bool {
    let label = label.trim();
    label.chars().any(char::is_alphabetic) && !label.eq_ignore_ascii_case("x") && label.len() <= 200
}

/// Finds every placeholder in `text`, in order, not overlapping.
pub fn scan(text: &str) -> Vec<PlaceholderMatch> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &text[i..];
        let candidate = if rest.starts_with("*[") {
            rest.find("]*").map(|end| (2, end, end + 2))
        } else if rest.starts_with("[*") {
            rest.find("*]").map(|end| (2, end, end + 2))
        } else if rest.starts_with("{{") {
            rest.find("}}").map(|end| (2, end, end + 2))
        } else if rest.starts_with("[[") {
            rest.find("]]").map(|end| (2, end, end + 2))
        } else if rest.starts_with("<<") {
            rest.find(">>").map(|end| (2, end, end + 2))
        } else if rest.starts_with('[') {
            // A bracket that is not a Markdown link's text.
            rest.find(']')
                .filter(|end| !rest[end + 1..].starts_with('('))
                .map(|end| (1, end, end + 1))
        } else {
            None
        };
        match candidate {
            Some((open, close, length))
                if close > open
                    && usable(&rest[open..close])
                    && !rest[open..close].contains('\n') =>
            {
                let label = rest[open..close].trim().trim_matches('*').trim().to_owned();
                let key = key_for(&label);
                if key.is_empty() {
                    i += rest.chars().next().map_or(1, char::len_utf8);
                    continue;
                }
                found.push(PlaceholderMatch {
                    range: i..i + length,
                    key,
                    label,
                });
                i += length;
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    found
}

/// `text` with each placeholder replaced by `value(key)`, or left as written when
/// that gives `None`.
pub fn substitute(text: &str, value: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for found in scan(text) {
        out.push_str(&text[last..found.range.start]);
        match value(&found.key) {
            Some(value) => out.push_str(&value),
            None => out.push_str(&text[found.range.clone()]),
        }
        last = found.range.end;
    }
    out.push_str(&text[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(text: &str) -> Vec<(String, String)> {
        scan(text).into_iter().map(|m| (m.key, m.label)).collect()
    }

    #[test]
    fn every_placeholder_style_is_found() {
        let text = "Use *[LGfL StaffMail]* and tell [*Mojisola Omole*] at [School Name], {{school_name}}, <<DPO>> or [insert name] [[Head Teacher]].";
        assert_eq!(
            labels(text),
            [
                ("lgfl_staffmail".to_owned(), "LGfL StaffMail".to_owned()),
                ("mojisola_omole".to_owned(), "Mojisola Omole".to_owned()),
                ("school_name".to_owned(), "School Name".to_owned()),
                ("school_name".to_owned(), "school_name".to_owned()),
                ("dpo".to_owned(), "DPO".to_owned()),
                ("insert_name".to_owned(), "insert name".to_owned()),
                ("head_teacher".to_owned(), "Head Teacher".to_owned()),
            ]
        );
    }

    #[test]
    fn links_checkboxes_and_plain_text_are_not_placeholders() {
        assert!(scan("[Cyber security training](https://www.ncsc.gov.uk/x)").is_empty());
        assert!(scan("[ ] yes [x] no [1]").is_empty());
        assert!(scan("no brackets at all").is_empty());
        assert!(scan("unclosed [bracket and *[ star").is_empty());
    }

    #[test]
    fn long_labels_give_short_keys() {
        let label = "email system (London Mail), Learning Platform and school approved communication systems";
        assert_eq!(key_for(label), "email_system_london_mail_learning");
        assert!(key_for(&"x".repeat(100)).len() == 40);
        assert_eq!(key_for("School Name"), "school_name");
    }

    #[test]
    fn substitution_replaces_known_keys_only() {
        let text = "Email *[LGfL StaffMail]* or {{dpo}}.";
        let done = substitute(text, |key| {
            (key == "lgfl_staffmail").then(|| "Outlook".to_owned())
        });
        assert_eq!(done, "Email Outlook or {{dpo}}.");
    }

    #[test]
    fn scanning_multibyte_text_is_safe() {
        assert!(scan("“Learning together” – café [naïve école]").len() == 1);
    }
}
