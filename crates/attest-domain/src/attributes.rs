//! Attributes a trust defines to say who owes what ("works directly with children",
//! "designated safeguarding lead", "uses the MIS"): their keys, a rule that sets them
//! from directory fields, and the file that sets them for many people at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{DomainError, Email};

/// A trust's attribute: a key for files and rules, and a label for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attribute {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    /// Set from the directory at each sync when given.
    pub directory_rule: Option<DirectoryRule>,
}

/// Sets an attribute from a directory account: held when the field contains any of
/// the words (case-insensitive), e.g. job title containing "teacher" or "teaching
/// assistant".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryRule {
    pub field: DirectoryField,
    pub contains_any: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryField {
    JobTitle,
    Department,
}

impl DirectoryRule {
    pub fn new(field: DirectoryField, contains_any: Vec<String>) -> Result<Self, DomainError> {
        let words: Vec<String> = contains_any
            .iter()
            .map(|word| word.split_whitespace().collect::<Vec<_>>().join(" "))
            .filter(|word| !word.is_empty())
            .collect();
        if words.is_empty() || words.len() > 50 || words.iter().any(|w| w.chars().count() > 100) {
            return Err(DomainError::invalid(
                "directoryRule",
                "give between 1 and 50 words or phrases (each at most 100 characters)",
            ));
        }
        Ok(Self {
            field,
            contains_any: words,
        })
    }

    /// Whether an account with these fields holds the attribute.
    pub fn holds(&self, job_title: Option<&str>, department: Option<&str>) -> bool {
        let value = match self.field {
            DirectoryField::JobTitle => job_title,
            DirectoryField::Department => department,
        };
        let Some(value) = value else {
            return false;
        };
        let value = value.to_lowercase();
        self.contains_any
            .iter()
            .any(|word| value.contains(&word.to_lowercase()))
    }
}

/// Keys are short, lower case, with underscores: they head columns of files.
pub fn attribute_key(raw: &str) -> Result<String, DomainError> {
    let key = raw.trim().to_lowercase();
    let valid = (1..=40).contains(&key.len())
        && key.starts_with(|c: char| c.is_ascii_lowercase())
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(key)
    } else {
        Err(DomainError::invalid(
            "key",
            format!(
                "'{raw}' is not a key: 1 to 40 lower-case letters, digits and underscores, starting with a letter (e.g. works_with_children)"
            ),
        ))
    }
}

/// A yes/no cell of an attributes file; blank leaves the person's attribute as it is.
fn yes_no(cell: &str) -> Result<Option<bool>, String> {
    match cell.trim().to_lowercase().as_str() {
        "" => Ok(None),
        "yes" | "y" | "true" | "1" | "x" => Ok(Some(true)),
        "no" | "n" | "false" | "0" => Ok(Some(false)),
        other => Err(format!(
            "'{other}' is not yes or no (leave it blank to keep what is set)"
        )),
    }
}

/// One person's line of an attributes file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeRow {
    pub line: u32,
    pub email: Email,
    /// Only the attributes the line sets (blank cells are left out).
    pub values: BTreeMap<String, bool>,
}

/// Reads an attributes file: an `email` column and one column per attribute key
/// (`yes`/`no`; blank keeps what is set). Every problem is reported with its line.
pub fn parse_attribute_file(
    file: &[u8],
    known: &[String],
) -> Result<Vec<AttributeRow>, Vec<crate::CompletionRowError>> {
    use crate::CompletionRowError as Problem;
    let whole = |message: String| {
        vec![Problem {
            line: 0,
            field: "header",
            message,
        }]
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(file);
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers
            .iter()
            .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
            .collect(),
        Err(error) => return Err(whole(format!("the header cannot be read: {error}"))),
    };
    let Some(email_at) = headers.iter().position(|h| h == "email") else {
        return Err(whole("no 'email' column".to_owned()));
    };
    let mut columns = Vec::new();
    for (at, header) in headers.iter().enumerate() {
        if at == email_at || header.is_empty() || header == "name" || header == "full_name" {
            continue;
        }
        if !known.contains(header) {
            return Err(whole(format!(
                "column '{header}' is not one of the trust's attributes ({})",
                known.join(", ")
            )));
        }
        columns.push((at, header.clone()));
    }
    if columns.is_empty() {
        return Err(whole(
            "no attribute columns: add one headed by an attribute's key".to_owned(),
        ));
    }
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        if rows.len() + problems.len() >= crate::COMPLETIONS_MAX_ROWS {
            return Err(whole(format!(
                "more than {} lines; split the file",
                crate::COMPLETIONS_MAX_ROWS
            )));
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(Problem {
                    line: error
                        .position()
                        .map_or(0, |p| u32::try_from(p.line()).unwrap_or(u32::MAX)),
                    field: "line",
                    message: format!("cannot be read: {error}"),
                });
                continue;
            }
        };
        let line = u32::try_from(record.position().map_or(0, |p| p.line())).unwrap_or(u32::MAX);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let email = match Email::parse(record.get(email_at).unwrap_or("")) {
            Ok(email) => email,
            Err(DomainError::Invalid { message, .. }) => {
                problems.push(Problem {
                    line,
                    field: "email",
                    message,
                });
                continue;
            }
        };
        let mut values = BTreeMap::new();
        for (at, key) in &columns {
            match yes_no(record.get(*at).unwrap_or("")) {
                Ok(Some(held)) => {
                    values.insert(key.clone(), held);
                }
                Ok(None) => {}
                Err(message) => problems.push(Problem {
                    line,
                    field: "value",
                    message: format!("{key}: {message}"),
                }),
            }
        }
        rows.push(AttributeRow {
            line,
            email,
            values,
        });
    }
    if problems.is_empty() {
        Ok(rows)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_lower_case_words() {
        assert_eq!(
            attribute_key(" Works_With_Children ").expect("valid"),
            "works_with_children"
        );
        assert!(attribute_key("1st").is_err());
        assert!(attribute_key("works with children").is_err());
        assert!(attribute_key(&"a".repeat(41)).is_err());
    }

    #[test]
    fn a_directory_rule_matches_any_phrase_in_its_field() {
        let rule = DirectoryRule::new(
            DirectoryField::JobTitle,
            vec!["Teacher".to_owned(), " teaching  assistant ".to_owned()],
        )
        .expect("valid");
        assert!(rule.holds(Some("Year 3 class teacher"), None));
        assert!(rule.holds(Some("Teaching Assistant (SEN)"), None));
        assert!(!rule.holds(Some("Office manager"), Some("Teaching")));
        assert!(!rule.holds(None, None));
        assert!(DirectoryRule::new(DirectoryField::Department, vec![" ".to_owned()]).is_err());
    }

    #[test]
    fn an_attributes_file_sets_yes_and_no_and_leaves_blanks() {
        let known = vec!["works_with_children".to_owned(), "dsl".to_owned()];
        let rows = parse_attribute_file(
            b"email,name,works_with_children,dsl\nann@s.org,Ann,yes,\nbob@s.org,Bob,N,1\n",
            &known,
        )
        .expect("valid");
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0].values,
            BTreeMap::from([("works_with_children".to_owned(), true)])
        );
        assert_eq!(
            rows[1].values,
            BTreeMap::from([
                ("dsl".to_owned(), true),
                ("works_with_children".to_owned(), false)
            ])
        );
        let unknown =
            parse_attribute_file(b"email,uses_mis\na@s.org,yes\n", &known).expect_err("unknown");
        assert!(
            unknown[0]
                .message
                .contains("not one of the trust's attributes")
        );
        let bad = parse_attribute_file(b"email,dsl\na@s.org,maybe\nnobody,yes\n", &known)
            .expect_err("bad");
        assert_eq!((bad[0].line, bad[0].field), (2, "value"));
        assert_eq!((bad[1].line, bad[1].field), (3, "email"));
    }
}
