//! Signatures (and declines) as evidence: how they were given, and the hash chain that
//! makes a deleted or altered row detectable.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::DomainError;

/// How a person gave their answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SigningMethod {
    /// Signed in with their school Microsoft or Google account.
    Sso,
    /// Followed a single-use link sent to them by email.
    MagicLink,
    /// Signed a paper form, recorded by a school admin.
    Paper,
    /// Signed in by a single-use sign-in link sent to their email address (people
    /// without a school Microsoft or Google account: governors, volunteers, visitors).
    EmailLink,
    /// A training course's certificate, recorded by the school.
    Certificate,
    /// On the register of an in-house training session.
    Attendance,
    /// From an external training provider's completions file.
    Import,
}

/// Whether the person signed or declined.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accepted,
    Declined,
}

macro_rules! text_enum {
    ($name:ident, $field:literal, [$($variant:ident => $text:literal),+]) => {
        impl $name {
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok(Self::$variant),)+
                    other => Err(DomainError::invalid($field, format!("unknown value '{other}'"))),
                }
            }
        }
    };
}

text_enum!(SigningMethod, "method", [Sso => "sso", MagicLink => "magic_link", Paper => "paper", EmailLink => "email_link", Certificate => "certificate", Attendance => "attendance", Import => "import"]);
text_enum!(Decision, "decision", [Accepted => "accepted", Declined => "declined"]);

/// The hash the first row of a trust's chain points back to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Everything an acceptance row asserts, in the fixed order it is hashed in. Changing a
/// single field changes the row's hash, and with it every later row's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainedFields<'a> {
    pub id: uuid::Uuid,
    pub trust: uuid::Uuid,
    pub seq: i64,
    pub person: uuid::Uuid,
    pub policy: uuid::Uuid,
    pub version: uuid::Uuid,
    pub school: uuid::Uuid,
    pub decision: Decision,
    pub content_hash: &'a str,
    pub audience_kind: &'a str,
    pub variables: &'a BTreeMap<String, String>,
    pub typed_name: &'a str,
    pub role: &'a str,
    pub answers: &'a BTreeMap<String, String>,
    pub method: SigningMethod,
    pub recorded_by: Option<uuid::Uuid>,
    pub note: Option<&'a str>,
    pub decline_reason: Option<&'a str>,
    pub signed_at: DateTime<Utc>,
    pub signed_on: NaiveDate,
    pub renew_on: Option<NaiveDate>,
    pub ip: Option<&'a str>,
    pub user_agent: Option<&'a str>,
}

/// `sha256(previous hash, newline, canonical JSON of the row)`, hex encoded. Times are
/// hashed to the microsecond, the precision both databases keep.
pub fn chain_hash(previous: &str, fields: &ChainedFields<'_>) -> String {
    hash_line(previous, &chained_json(fields))
}

/// `sha256(previous, "\n", json)`, hex: how every row of the chain is hashed.
pub(crate) fn hash_line(previous: &str, json: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(previous.as_bytes());
    hasher.update(b"\n");
    hasher.update(json.as_bytes());
    hex::encode(hasher.finalize())
}

/// The canonical JSON a format-1 row's hash covers.
pub fn chained_json(fields: &ChainedFields<'_>) -> String {
    #[derive(Serialize)]
    struct Canonical<'a> {
        #[serde(flatten)]
        fields: &'a ChainedFields<'a>,
        signed_at_micros: String,
    }
    let canonical = Canonical {
        fields,
        signed_at_micros: fields
            .signed_at
            .to_rfc3339_opts(SecondsFormat::Micros, true),
    };
    // Serialising plain fields, strings and sorted maps cannot fail.
    serde_json::to_string(&canonical).unwrap_or_default()
}

/// A time as both databases keep it: whole microseconds.
pub fn to_stored_precision(at: DateTime<Utc>) -> DateTime<Utc> {
    let micros = at.timestamp_micros();
    DateTime::from_timestamp_micros(micros).unwrap_or(at)
}

/// What walking a trust's chain found wrong with one row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ChainBreak {
    /// The row's sequence number is not the one after its predecessor's (a row is missing).
    Gap { expected_seq: i64, found_seq: i64 },
    /// The row does not point at its predecessor's hash.
    WrongPrevious { seq: i64 },
    /// The row's fields no longer hash to its stored hash (it was altered).
    Altered { seq: i64 },
    /// The row's personal fields (kept apart) no longer match its commitment.
    PersonalAltered { seq: i64 },
    /// The chain head records a later row than the last one present (rows were removed
    /// from the end).
    Truncated { head_seq: i64, last_seq: i64 },
}

impl fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Gap {
                expected_seq,
                found_seq,
            } => write!(
                f,
                "row {expected_seq} is missing (the next row present is {found_seq})"
            ),
            Self::WrongPrevious { seq } => {
                write!(
                    f,
                    "row {seq} does not point at the hash of the row before it"
                )
            }
            Self::Altered { seq } => write!(f, "row {seq} was changed after it was written"),
            Self::PersonalAltered { seq } => write!(
                f,
                "the personal fields of row {seq} were changed after it was written"
            ),
            Self::Truncated { head_seq, last_seq } => write!(
                f,
                "the chain ends at row {last_seq} but row {head_seq} was written"
            ),
        }
    }
}

/// A row as the chain walk checks it: its position, its stored hashes and the hash
/// its fields give now.
#[derive(Debug, Clone, Copy)]
pub struct StoredLink<'a> {
    pub seq: i64,
    pub stored_previous: &'a str,
    pub stored_hash: &'a str,
    pub expected_hash: &'a str,
}

/// Checks one row against its predecessor (`None` for the first row of the trust).
pub fn check_link(previous: Option<(i64, &str)>, link: StoredLink<'_>) -> Vec<ChainBreak> {
    let StoredLink {
        seq,
        stored_previous,
        stored_hash,
        expected_hash,
    } = link;
    let mut breaks = Vec::new();
    let (expected_seq, expected_previous) = match previous {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, GENESIS_HASH),
    };
    if seq != expected_seq {
        breaks.push(ChainBreak::Gap {
            expected_seq,
            found_seq: seq,
        });
    }
    if stored_previous != expected_previous {
        breaks.push(ChainBreak::WrongPrevious { seq });
    }
    if expected_hash != stored_hash {
        breaks.push(ChainBreak::Altered { seq });
    }
    breaks
}

/// A consent question needs one of its options (free text where it has none); the
/// error says what is wrong with the answer.
pub fn check_answer(options: &[String], answer: &str) -> Result<(), String> {
    let answer = answer.trim();
    if answer.is_empty() {
        return Err("an answer is required".to_owned());
    }
    if !options.is_empty()
        && !options
            .iter()
            .any(|option| option.trim().eq_ignore_ascii_case(answer))
    {
        return Err(format!("'{answer}' is not one of: {}", options.join(", ")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn fields<'a>(
        seq: i64,
        answers: &'a BTreeMap<String, String>,
        variables: &'a BTreeMap<String, String>,
    ) -> ChainedFields<'a> {
        ChainedFields {
            id: uuid::Uuid::nil(),
            trust: uuid::Uuid::nil(),
            seq,
            person: uuid::Uuid::nil(),
            policy: uuid::Uuid::nil(),
            version: uuid::Uuid::nil(),
            school: uuid::Uuid::nil(),
            decision: Decision::Accepted,
            content_hash: "abc",
            audience_kind: "teaching",
            variables,
            typed_name: "Ann Smith",
            role: "Teacher",
            answers,
            method: SigningMethod::Sso,
            recorded_by: None,
            note: None,
            decline_reason: None,
            signed_at: Utc
                .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
                .single()
                .expect("valid"),
            signed_on: NaiveDate::from_ymd_opt(2026, 9, 1).expect("valid"),
            renew_on: None,
            ip: Some("192.0.2.1"),
            user_agent: None,
        }
    }

    #[test]
    fn any_change_to_a_row_changes_its_hash() {
        let (answers, variables) = (BTreeMap::new(), BTreeMap::new());
        let row = fields(1, &answers, &variables);
        let hash = chain_hash(GENESIS_HASH, &row);
        assert_eq!(hash.len(), 64);
        assert_eq!(hash, chain_hash(GENESIS_HASH, &row), "deterministic");
        let renamed = ChainedFields {
            typed_name: "Ann Smyth",
            ..row.clone()
        };
        assert_ne!(hash, chain_hash(GENESIS_HASH, &renamed));
        assert_ne!(hash, chain_hash(&"1".repeat(64), &row));
        let mut other_answers = BTreeMap::new();
        other_answers.insert("consent_1".to_owned(), "I agree".to_owned());
        assert_ne!(
            hash,
            chain_hash(GENESIS_HASH, &fields(1, &other_answers, &variables))
        );
        let later = ChainedFields {
            signed_at: row.signed_at + chrono::Duration::microseconds(1),
            ..row.clone()
        };
        assert_ne!(hash, chain_hash(GENESIS_HASH, &later));
    }

    #[test]
    fn links_are_checked_for_gaps_pointers_and_alterations() {
        let (answers, variables) = (BTreeMap::new(), BTreeMap::new());
        let first = fields(1, &answers, &variables);
        let first_hash = chain_hash(GENESIS_HASH, &first);
        let check = |before: Option<(i64, &str)>,
                     fields: &ChainedFields<'_>,
                     previous: &str,
                     stored: &str| {
            let expected = chain_hash(previous, fields);
            check_link(
                before,
                StoredLink {
                    seq: fields.seq,
                    stored_previous: previous,
                    stored_hash: stored,
                    expected_hash: &expected,
                },
            )
        };
        assert!(check(None, &first, GENESIS_HASH, &first_hash).is_empty());
        let second = fields(2, &answers, &variables);
        let second_hash = chain_hash(&first_hash, &second);
        assert!(check(Some((1, &first_hash)), &second, &first_hash, &second_hash).is_empty());

        let third = fields(3, &answers, &variables);
        let third_hash = chain_hash(&second_hash, &third);
        assert_eq!(
            check(Some((1, &first_hash)), &third, &second_hash, &third_hash),
            vec![
                ChainBreak::Gap {
                    expected_seq: 2,
                    found_seq: 3
                },
                ChainBreak::WrongPrevious { seq: 3 }
            ],
            "row 2 deleted"
        );
        let altered = ChainedFields {
            role: "Head",
            ..second.clone()
        };
        assert_eq!(
            check(Some((1, &first_hash)), &altered, &first_hash, &second_hash),
            vec![ChainBreak::Altered { seq: 2 }]
        );
    }

    #[test]
    fn stored_precision_drops_nanoseconds() {
        let at = Utc
            .timestamp_opt(1_800_000_000, 123_456_789)
            .single()
            .expect("valid");
        assert_eq!(
            to_stored_precision(at).timestamp_subsec_nanos(),
            123_456_000
        );
    }

    #[test]
    fn answers_must_be_one_of_the_options() {
        let options = vec!["I agree".to_owned(), "I disagree".to_owned()];
        assert!(check_answer(&options, " i agree ").is_ok());
        let error = check_answer(&options, "maybe").expect_err("refused");
        assert!(error.contains("I agree, I disagree"), "{error}");
        assert!(check_answer(&options, "  ").is_err());
        assert!(check_answer(&[], "free text").is_ok());
        assert!(
            "paper".parse::<SigningMethod>().expect("known") == SigningMethod::Paper
                && "fax".parse::<SigningMethod>().is_err()
        );
    }
}
