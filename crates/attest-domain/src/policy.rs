//! Policies and the life of their versions.

use std::fmt;
use std::str::FromStr;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// Who owns a policy's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyKind {
    /// The trust's, for every school; schools cannot change a word (only fill placeholders).
    TrustLocked,
    /// The trust's template: schools adopt it, fill its placeholders and sign their copy.
    TrustTemplate,
    /// One school's own policy.
    School,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 3] = [Self::TrustLocked, Self::TrustTemplate, Self::School];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TrustLocked => "trust_locked",
            Self::TrustTemplate => "trust_template",
            Self::School => "school",
        }
    }

    pub const fn is_trust_level(self) -> bool {
        !matches!(self, Self::School)
    }
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PolicyKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str() == s)
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    format!(
                        "unknown policy kind '{s}'; expected trust_locked, trust_template or school"
                    ),
                )
            })
    }
}

/// draft → published (immutable) → superseded by the next, or retired with the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Draft,
    Published,
    Superseded,
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionEvent {
    Publish,
    Supersede,
    Retire,
}

impl VersionState {
    pub const ALL: [VersionState; 4] = [
        Self::Draft,
        Self::Published,
        Self::Superseded,
        Self::Retired,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
            Self::Superseded => "superseded",
            Self::Retired => "retired",
        }
    }

    /// The state after `event`, or why it cannot happen.
    pub fn transition(self, event: VersionEvent) -> Result<Self, DomainError> {
        match (self, event) {
            (Self::Draft, VersionEvent::Publish) => Ok(Self::Published),
            (Self::Published, VersionEvent::Supersede) => Ok(Self::Superseded),
            (Self::Draft | Self::Published, VersionEvent::Retire) => Ok(Self::Retired),
            (state, event) => Err(DomainError::invalid(
                "state",
                format!(
                    "a {} version cannot be {}",
                    state.as_str(),
                    match event {
                        VersionEvent::Publish =>
                            "published (published versions never change: make a new draft)",
                        VersionEvent::Supersede => "superseded",
                        VersionEvent::Retire => "retired",
                    }
                ),
            )),
        }
    }

    pub const fn is_editable(self) -> bool {
        matches!(self, Self::Draft)
    }
}

impl FromStr for VersionState {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| DomainError::invalid("state", format!("unknown version state '{s}'")))
    }
}

/// How often a policy is reviewed, in months (1 to 60).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewCycle(u32);

impl ReviewCycle {
    pub fn months(months: u32) -> Result<Self, DomainError> {
        if (1..=60).contains(&months) {
            Ok(Self(months))
        } else {
            Err(DomainError::invalid(
                "review_cycle_months",
                format!("{months} is not between 1 and 60 months"),
            ))
        }
    }

    pub const fn get(self) -> u32 {
        self.0
    }

    /// The review date after `from`; the end of a shorter month when the day is missing.
    pub fn next_after(self, from: NaiveDate) -> NaiveDate {
        from.checked_add_months(Months::new(self.0))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Whether a policy reviewed next on `next_review` is due on `today`, given notice.
pub fn review_due(next_review: NaiveDate, today: NaiveDate, notice_days: u32) -> bool {
    next_review <= today + chrono::Days::new(u64::from(notice_days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_lifecycle_allows_only_its_transitions() {
        use VersionEvent::*;
        use VersionState::*;
        let allowed = [
            (Draft, Publish, Published),
            (Published, Supersede, Superseded),
            (Draft, Retire, Retired),
            (Published, Retire, Retired),
        ];
        for state in VersionState::ALL {
            for event in [Publish, Supersede, Retire] {
                let expected = allowed
                    .iter()
                    .find(|(from, on, _)| *from == state && *on == event)
                    .map(|(_, _, to)| *to);
                assert_eq!(
                    state.transition(event).ok(),
                    expected,
                    "{state:?} on {event:?}"
                );
            }
        }
        let error = Published.transition(Publish).expect_err("immutable");
        assert!(error.to_string().contains("make a new draft"), "{error}");
        assert!(Draft.is_editable() && !Published.is_editable());
    }

    #[test]
    fn review_cycles_and_due_dates() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("valid");
        assert_eq!(
            ReviewCycle::months(12)
                .expect("valid")
                .next_after(day(2025, 6, 1)),
            day(2026, 6, 1)
        );
        assert_eq!(
            ReviewCycle::months(1)
                .expect("valid")
                .next_after(day(2026, 1, 31)),
            day(2026, 2, 28)
        );
        assert!(ReviewCycle::months(0).is_err() && ReviewCycle::months(61).is_err());
        let today = day(2026, 11, 23);
        assert!(
            review_due(day(2026, 6, 1), today, 0),
            "sample 000's June 2026 review is overdue"
        );
        assert!(review_due(day(2026, 12, 20), today, 30));
        assert!(!review_due(day(2027, 1, 1), today, 30));
    }

    #[test]
    fn kinds_round_trip() {
        for kind in PolicyKind::ALL {
            assert_eq!(kind.as_str().parse::<PolicyKind>().expect("parses"), kind);
        }
        assert!(PolicyKind::TrustLocked.is_trust_level() && !PolicyKind::School.is_trust_level());
    }
}
