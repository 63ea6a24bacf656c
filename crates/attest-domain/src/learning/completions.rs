//! An external training provider's completions file: who completed the course and on
//! which day, one line each. Headers are matched by meaning (providers name them
//! differently), dates may be written the British way, and every problem is reported
//! with its line so the whole file can be put right at once.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::Email;

/// The most lines one file may hold (a whole trust's staff, with room to spare).
pub const COMPLETIONS_MAX_ROWS: usize = 20_000;

/// How many problems are listed before the rest are counted.
const MAX_REPORTED: usize = 50;

/// One person's completion, as the file had it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRow {
    /// The line of the file (1 is the header).
    pub line: u32,
    pub email: Email,
    pub completed_on: NaiveDate,
    pub reference: Option<String>,
}

/// What was wrong, where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletionRowError {
    /// 0 for the file as a whole (its header, its size).
    pub line: u32,
    pub field: &'static str,
    pub message: String,
}

impl std::fmt::Display for CompletionRowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}", self.field, self.message)
        } else {
            write!(f, "line {}, {}: {}", self.line, self.field, self.message)
        }
    }
}

const EMAIL_HEADERS: [&str; 6] = [
    "email",
    "emailaddress",
    "e-mail",
    "useremail",
    "learneremail",
    "mail",
];
const DATE_HEADERS: [&str; 7] = [
    "completedon",
    "completed",
    "completiondate",
    "datecompleted",
    "completed_on",
    "dateofcompletion",
    "date",
];
const REFERENCE_HEADERS: [&str; 5] = [
    "reference",
    "certificate",
    "certificatenumber",
    "certificateid",
    "ref",
];

fn header_key(header: &str) -> String {
    header
        .trim()
        .trim_start_matches('\u{feff}')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '_')
        .flat_map(char::to_lowercase)
        .collect()
}

fn column(headers: &[String], names: &[&str]) -> Option<usize> {
    let names: Vec<String> = names.iter().map(|name| header_key(name)).collect();
    headers.iter().position(|header| names.contains(header))
}

/// A completion day: `2026-09-01`, `01/09/2026` or `1-9-2026` (day first, as in the
/// UK), or an instant such as `2026-09-01T10:00:00Z` (its date).
pub fn parse_completion_date(raw: &str) -> Result<NaiveDate, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("no date given".to_owned());
    }
    let date_part = raw.split(['T', ' ']).next().unwrap_or(raw);
    for format in ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"] {
        if let Ok(day) = NaiveDate::parse_from_str(date_part, format) {
            return Ok(day);
        }
    }
    Err(format!(
        "'{raw}' is not a date; write 2026-09-01 or 01/09/2026 (day first)"
    ))
}

/// The completions in `file`, the latest per person (a provider's export may list a
/// course taken twice), or every problem found.
pub fn parse_completions(file: &[u8]) -> Result<Vec<CompletionRow>, Vec<CompletionRowError>> {
    let whole = |field: &'static str, message: String| {
        vec![CompletionRowError {
            line: 0,
            field,
            message,
        }]
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(file);
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers.iter().map(header_key).collect(),
        Err(error) => return Err(whole("file", format!("the header cannot be read: {error}"))),
    };
    let Some(email_at) = column(&headers, &EMAIL_HEADERS) else {
        return Err(whole(
            "header",
            "no email column: name one 'email' (the address attest has for each person)".to_owned(),
        ));
    };
    let Some(date_at) = column(&headers, &DATE_HEADERS) else {
        return Err(whole(
            "header",
            "no completion date column: name one 'completed_on'".to_owned(),
        ));
    };
    let reference_at = column(&headers, &REFERENCE_HEADERS);
    let mut latest: BTreeMap<String, CompletionRow> = BTreeMap::new();
    let mut problems = Vec::new();
    let mut total_problems = 0usize;
    let mut report = |problem: CompletionRowError| {
        total_problems += 1;
        if problems.len() < MAX_REPORTED {
            problems.push(problem);
        }
    };
    for (index, record) in reader.records().enumerate() {
        if index >= COMPLETIONS_MAX_ROWS {
            return Err(whole(
                "file",
                format!("more than {COMPLETIONS_MAX_ROWS} lines; split the file"),
            ));
        }
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                report(CompletionRowError {
                    line: u32::try_from(line).unwrap_or(u32::MAX),
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
            Err(error) => {
                report(CompletionRowError {
                    line,
                    field: "email",
                    message: match error {
                        crate::DomainError::Invalid { message, .. } => message,
                    },
                });
                continue;
            }
        };
        let completed_on = match parse_completion_date(record.get(date_at).unwrap_or("")) {
            Ok(day) => day,
            Err(message) => {
                report(CompletionRowError {
                    line,
                    field: "completed_on",
                    message,
                });
                continue;
            }
        };
        let reference = reference_at
            .and_then(|at| record.get(at))
            .filter(|value| !value.is_empty())
            .map(|value| value.chars().take(200).collect());
        let row = CompletionRow {
            line,
            email,
            completed_on,
            reference,
        };
        let key = row.email.as_str().to_lowercase();
        match latest.get(&key) {
            Some(kept) if kept.completed_on >= row.completed_on => {}
            _ => {
                latest.insert(key, row);
            }
        }
    }
    if total_problems > problems.len() {
        let more = total_problems - problems.len();
        problems.push(CompletionRowError {
            line: 0,
            field: "file",
            message: format!("and {more} more problems like these"),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if latest.is_empty() {
        return Err(whole(
            "file",
            "no completions: the file has only a header".to_owned(),
        ));
    }
    let mut rows: Vec<CompletionRow> = latest.into_values().collect();
    rows.sort_by_key(|row| row.line);
    Ok(rows)
}
