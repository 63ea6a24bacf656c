//! When a member of staff must sign a policy (again), and where they stand on a day.
//! The reference rules: the set-based SQL that computes statuses for a whole trust must
//! agree with these.

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::DomainError;

/// How often a policy is signed again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ResignSchedule {
    /// Every N months after the last signature.
    EveryMonths { months: u32 },
    /// Each year on this date (e.g. 1 September, the start of the school year).
    AnnuallyOn { month: u32, day: u32 },
    /// Only when a version that requires it is published.
    OnNewVersion,
}

impl ResignSchedule {
    pub fn every_months(months: u32) -> Result<Self, DomainError> {
        if (1..=60).contains(&months) {
            Ok(Self::EveryMonths { months })
        } else {
            Err(DomainError::invalid(
                "resign_every_months",
                format!("{months} is not between 1 and 60"),
            ))
        }
    }

    pub fn annually_on(month: u32, day: u32) -> Result<Self, DomainError> {
        // Checked against a leap year so 29 February is allowed (it falls back to the 28th).
        if NaiveDate::from_ymd_opt(2024, month, day).is_none() {
            return Err(DomainError::invalid(
                "resign_on",
                format!("{day}/{month} is not a day of the year"),
            ));
        }
        Ok(Self::AnnuallyOn { month, day })
    }

    /// The first day after `signed_on` on which a new signature is needed, if ever.
    pub fn next_after(self, signed_on: NaiveDate) -> Option<NaiveDate> {
        match self {
            Self::EveryMonths { months } => signed_on.checked_add_months(Months::new(months)),
            Self::AnnuallyOn { month, day } => {
                let on = |year: i32| {
                    NaiveDate::from_ymd_opt(year, month, day)
                        .or_else(|| NaiveDate::from_ymd_opt(year, month, day.saturating_sub(1)))
                };
                let this_year = on(signed_on.year())?;
                if this_year > signed_on {
                    Some(this_year)
                } else {
                    on(signed_on.year() + 1)
                }
            }
            Self::OnNewVersion => None,
        }
    }
}

/// Where a person stands with one policy on one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceStatus {
    /// Signed, and no new signature is needed yet.
    Compliant,
    /// A signature is needed and the grace period has not run out.
    Due,
    /// The grace period has run out.
    Overdue,
    /// Excused until a date (e.g. long-term leave).
    Exempt,
}

impl ComplianceStatus {
    pub const ALL: [ComplianceStatus; 4] =
        [Self::Compliant, Self::Due, Self::Overdue, Self::Exempt];
}

/// A person's latest signature of a policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastSignature {
    pub on: NaiveDate,
    /// The number of the version signed.
    pub version: u32,
    /// When the policy's schedule (at the time of signing) asks for the next signature.
    pub renew_on: Option<NaiveDate>,
}

/// The newest published version that requires everyone to sign again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResignRequired {
    pub version: u32,
    /// The day it was published.
    pub since: NaiveDate,
}

/// What is known about one person and one policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SigningFacts {
    /// The day the person first had to sign: the later of joining and publication.
    pub obliged_since: NaiveDate,
    pub last_signature: Option<LastSignature>,
    pub resign_required: Option<ResignRequired>,
    /// Excused up to and including this day.
    pub exempt_until: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: ComplianceStatus,
    /// When the (next) signature is or was due; `None` when none will be.
    pub due_on: Option<NaiveDate>,
}

/// The day a signature is due, given what is known. A signature of a version older
/// than the newest "re-sign required" one does not count.
pub fn due_on(facts: &SigningFacts) -> Option<NaiveDate> {
    let counted = facts.last_signature.filter(|signature| {
        facts
            .resign_required
            .is_none_or(|required| signature.version >= required.version)
    });
    match counted {
        Some(signature) => signature.renew_on,
        None => Some(match facts.resign_required {
            Some(required) if facts.last_signature.is_some() => {
                facts.obliged_since.max(required.since)
            }
            _ => facts.obliged_since,
        }),
    }
}

/// Where the person stands on `as_of`: signatures are due on `due_on` and overdue once
/// `grace_days` have passed after it.
pub fn standing(grace_days: u32, facts: &SigningFacts, as_of: NaiveDate) -> Standing {
    let due = due_on(facts);
    Standing {
        status: status_on(due, grace_days, facts.exempt_until, as_of),
        due_on: due,
    }
}

/// The status on `day` of a signature due on `due_on` with `grace_days` of grace,
/// for a person excused up to `exempt_until`.
pub(crate) fn status_on(
    due_on: Option<NaiveDate>,
    grace_days: u32,
    exempt_until: Option<NaiveDate>,
    day: NaiveDate,
) -> ComplianceStatus {
    if exempt_until.is_some_and(|until| day <= until) {
        return ComplianceStatus::Exempt;
    }
    match due_on {
        Some(due) if day >= due => {
            if day > overdue_after(due, grace_days) {
                ComplianceStatus::Overdue
            } else {
                ComplianceStatus::Due
            }
        }
        // Signed and not yet due again, or not yet obliged: nothing is owed today.
        _ => ComplianceStatus::Compliant,
    }
}

/// The last day of grace after `due`.
pub(crate) fn overdue_after(due: NaiveDate, grace_days: u32) -> NaiveDate {
    due.checked_add_days(Days::new(u64::from(grace_days)))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether a typed name is the person's name, allowing for case, spacing and
/// punctuation ("mary jane o neil" signs for "Mary-Jane O'Neil").
pub fn typed_name_matches(typed: &str, full_name: &str) -> bool {
    let fold = |name: &str| -> String {
        name.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let typed = fold(typed);
    !typed.is_empty() && typed == fold(full_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid")
    }

    fn facts(signed: Option<NaiveDate>, schedule: ResignSchedule) -> SigningFacts {
        SigningFacts {
            obliged_since: day(2025, 9, 1),
            last_signature: signed.map(|on| LastSignature {
                on,
                version: 1,
                renew_on: schedule.next_after(on),
            }),
            resign_required: None,
            exempt_until: None,
        }
    }

    #[test]
    fn schedules_give_the_next_signing_day() {
        let yearly = ResignSchedule::every_months(12).expect("valid");
        assert_eq!(yearly.next_after(day(2025, 9, 3)), Some(day(2026, 9, 3)));
        let september = ResignSchedule::annually_on(9, 1).expect("valid");
        assert_eq!(september.next_after(day(2025, 9, 3)), Some(day(2026, 9, 1)));
        assert_eq!(
            september.next_after(day(2025, 8, 31)),
            Some(day(2025, 9, 1))
        );
        assert_eq!(
            september.next_after(day(2025, 9, 1)),
            Some(day(2026, 9, 1)),
            "signing on the day counts for that year"
        );
        let leap = ResignSchedule::annually_on(2, 29).expect("valid");
        assert_eq!(leap.next_after(day(2025, 3, 1)), Some(day(2026, 2, 28)));
        assert_eq!(
            ResignSchedule::OnNewVersion.next_after(day(2025, 9, 1)),
            None
        );
        assert!(
            ResignSchedule::annually_on(2, 30).is_err() && ResignSchedule::every_months(0).is_err()
        );
    }

    #[test]
    fn never_signed_is_due_then_overdue() {
        let schedule = ResignSchedule::every_months(12).expect("valid");
        let never = facts(None, schedule);
        assert_eq!(
            standing(14, &never, day(2025, 8, 31)).status,
            ComplianceStatus::Compliant,
            "not yet obliged"
        );
        assert_eq!(
            standing(14, &never, day(2025, 9, 1)),
            Standing {
                status: ComplianceStatus::Due,
                due_on: Some(day(2025, 9, 1))
            }
        );
        assert_eq!(
            standing(14, &never, day(2025, 9, 15)).status,
            ComplianceStatus::Due,
            "the last day of grace"
        );
        assert_eq!(
            standing(14, &never, day(2025, 9, 16)).status,
            ComplianceStatus::Overdue
        );
    }

    #[test]
    fn signing_makes_compliant_until_the_next_round() {
        let schedule = ResignSchedule::annually_on(9, 1).expect("valid");
        let signed = facts(Some(day(2025, 9, 10)), schedule);
        assert_eq!(
            standing(7, &signed, day(2026, 8, 31)),
            Standing {
                status: ComplianceStatus::Compliant,
                due_on: Some(day(2026, 9, 1))
            }
        );
        assert_eq!(
            standing(7, &signed, day(2026, 9, 8)).status,
            ComplianceStatus::Due
        );
        assert_eq!(
            standing(7, &signed, day(2026, 9, 9)).status,
            ComplianceStatus::Overdue
        );
    }

    #[test]
    fn a_resign_required_version_makes_everyone_due_again() {
        let schedule = ResignSchedule::OnNewVersion;
        let mut signed = facts(Some(day(2025, 9, 10)), schedule);
        assert_eq!(
            standing(7, &signed, day(2030, 1, 1)).status,
            ComplianceStatus::Compliant,
            "no schedule, no new version"
        );
        signed.resign_required = Some(ResignRequired {
            version: 2,
            since: day(2026, 1, 5),
        });
        assert_eq!(
            standing(7, &signed, day(2026, 1, 6)),
            Standing {
                status: ComplianceStatus::Due,
                due_on: Some(day(2026, 1, 5))
            }
        );
        signed.last_signature = Some(LastSignature {
            on: day(2026, 1, 6),
            version: 2,
            renew_on: None,
        });
        assert_eq!(
            standing(7, &signed, day(2026, 2, 1)).status,
            ComplianceStatus::Compliant
        );
    }

    #[test]
    fn exemptions_run_to_their_end_date() {
        let schedule = ResignSchedule::every_months(12).expect("valid");
        let exempt = SigningFacts {
            exempt_until: Some(day(2025, 12, 31)),
            ..facts(None, schedule)
        };
        assert_eq!(
            standing(14, &exempt, day(2025, 12, 31)).status,
            ComplianceStatus::Exempt
        );
        assert_eq!(
            standing(14, &exempt, day(2026, 1, 1)).status,
            ComplianceStatus::Overdue
        );
    }

    #[test]
    fn typed_names_allow_case_spacing_and_punctuation() {
        assert!(typed_name_matches(
            "  mary-jane   o'neil ",
            "Mary-Jane O'Neil"
        ));
        assert!(typed_name_matches("MARYJANE ONEIL", "Mary-Jane O'Neil"));
        assert!(typed_name_matches("mary jane o neil", "Mary-Jane O'Neil"));
        assert!(typed_name_matches("Zoë Brown", "zoë brown"));
        assert!(!typed_name_matches("Mary Jane", "Mary-Jane O'Neil"));
        assert!(!typed_name_matches("", "Mary"));
        assert!(!typed_name_matches("...", "..."), "a name needs letters");
    }
}
