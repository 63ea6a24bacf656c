//! Retention: how long each kind of record is kept, from when, and what happens then.
//! Defaults follow the IRMS Information Management Toolkit for Academies and the Academy
//! Trust Handbook; a trust sets its own periods. UK GDPR's storage limitation applies to
//! staff records as much as to pupils'.

mod keep;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

pub use keep::Keep;

/// A kind of record a retention rule covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// The personal fields of signatures (name typed, answers, address, browser,
    /// identity): erased, the chain's commitment kept.
    SignaturePersonalData,
    /// Records of a signing page being opened.
    SigningViews,
    /// Signed-in sessions, once ended.
    Sessions,
    /// The bodies of emails sent (who, when and what kind stay).
    EmailBodies,
    /// The audit log (append-only: archived and purged by the database owner).
    AuditLog,
    /// Closed data breach records (append-only: archived and purged by the owner).
    BreachRecords,
}

/// What applying a rule does to a record that is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Disposal {
    /// Personal fields removed; the row and its chain commitment stay.
    Erase,
    Delete,
    /// The body is cleared; the row stays.
    ClearBody,
    /// The table is append-only to the server: due records are listed for the
    /// database owner to archive and purge (docs/retention.md).
    OwnerPurge,
}

impl RecordKind {
    pub const ALL: [Self; 6] = [
        Self::SignaturePersonalData,
        Self::SigningViews,
        Self::Sessions,
        Self::EmailBodies,
        Self::AuditLog,
        Self::BreachRecords,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::SignaturePersonalData => "signature_personal_data",
            Self::SigningViews => "signing_views",
            Self::Sessions => "sessions",
            Self::EmailBodies => "email_bodies",
            Self::AuditLog => "audit_log",
            Self::BreachRecords => "breach_records",
        }
    }

    /// From when the period runs.
    pub const fn counted_from(self) -> &'static str {
        match self {
            Self::SignaturePersonalData => "the day the person left the trust's last school",
            Self::SigningViews => "the day the page was opened",
            Self::Sessions => "the day the session ended",
            Self::EmailBodies => "the day the email was sent",
            Self::AuditLog => "the day of the entry",
            Self::BreachRecords => "the last change to the closed breach",
        }
    }

    pub const fn disposal(self) -> Disposal {
        match self {
            Self::SignaturePersonalData => Disposal::Erase,
            Self::SigningViews | Self::Sessions => Disposal::Delete,
            Self::EmailBodies => Disposal::ClearBody,
            Self::AuditLog | Self::BreachRecords => Disposal::OwnerPurge,
        }
    }

    /// The default period and where it comes from.
    pub fn default_rule(self) -> (Keep, &'static str) {
        match self {
            Self::SignaturePersonalData => (
                Keep::years(6),
                "IRMS Academies toolkit: staff personal file, termination of employment + 6 years",
            ),
            Self::SigningViews => (
                Keep::years(1),
                "working record: evidence is kept in the signature itself",
            ),
            Self::Sessions => (Keep::days(90), "security log practice: 90 days"),
            Self::EmailBodies => (
                Keep::days(90),
                "working record: the reminder's kind, recipient and date are kept",
            ),
            Self::AuditLog => (
                Keep::years(6),
                "Academy Trust Handbook: records kept 6 years after the end of the year",
            ),
            Self::BreachRecords => (
                Keep::years(6),
                "UK GDPR art. 33(5) record; limitation period of 6 years",
            ),
        }
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for RecordKind {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == raw)
            .ok_or_else(|| {
                DomainError::invalid(
                    "record",
                    format!(
                        "unknown record kind '{raw}': one of {}",
                        Self::ALL.map(Self::as_str).join(", ")
                    ),
                )
            })
    }
}

/// A trust's retention schedule: its own periods over the defaults, and whether the
/// daily job applies it (off until a trust admin turns it on).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RetentionSchedule {
    #[serde(default)]
    pub periods: BTreeMap<RecordKind, Keep>,
    #[serde(default)]
    pub automatic: bool,
}

impl RetentionSchedule {
    /// The period for `kind`: the trust's, else the default.
    pub fn keep(&self, kind: RecordKind) -> Keep {
        self.periods
            .get(&kind)
            .copied()
            .unwrap_or_else(|| kind.default_rule().0)
    }

    /// Whether the trust set `kind`'s period itself.
    pub fn is_set(&self, kind: RecordKind) -> bool {
        self.periods.contains_key(&kind)
    }
}
