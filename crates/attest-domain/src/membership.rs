//! How a person belongs to a school. The kind decides which policies apply to them.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipKind {
    Teaching,
    Support,
    Leadership,
    Governor,
    Volunteer,
    Visitor,
    Contractor,
}

impl MembershipKind {
    pub const ALL: [MembershipKind; 7] = [
        Self::Teaching,
        Self::Support,
        Self::Leadership,
        Self::Governor,
        Self::Volunteer,
        Self::Visitor,
        Self::Contractor,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Teaching => "teaching",
            Self::Support => "support",
            Self::Leadership => "leadership",
            Self::Governor => "governor",
            Self::Volunteer => "volunteer",
            Self::Visitor => "visitor",
            Self::Contractor => "contractor",
        }
    }
}

impl fmt::Display for MembershipKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for MembershipKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| {
                DomainError::invalid(
                    "kind",
                    format!(
                        "unknown membership kind '{s}'; expected one of: {}",
                        Self::ALL.map(Self::as_str).join(", ")
                    ),
                )
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips() {
        for kind in MembershipKind::ALL {
            assert_eq!(kind.as_str().parse::<MembershipKind>(), Ok(kind));
        }
    }

    #[test]
    fn parsing_ignores_case_and_reports_the_choices() {
        assert_eq!("Governor".parse(), Ok(MembershipKind::Governor));
        let error = "pupil"
            .parse::<MembershipKind>()
            .expect_err("pupils are not staff");
        assert!(error.to_string().contains("teaching, support"), "{error}");
    }
}
