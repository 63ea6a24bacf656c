//! Induction: a bundle of obligations a new starter owes within N days of starting,
//! tracked as one checklist with one deadline.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::{ComplianceStatus, DomainError, PolicyId};

pub const MAX_INDUCTION_DAYS: u32 = 180;
pub const MAX_INDUCTION_ITEMS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InductionBundle {
    pub id: uuid::Uuid,
    pub name: String,
    /// Days after starting by which every item must be done.
    pub within_days: u32,
    pub items: Vec<PolicyId>,
}

impl InductionBundle {
    pub fn new(
        id: uuid::Uuid,
        name: &str,
        within_days: u32,
        items: Vec<PolicyId>,
    ) -> Result<Self, DomainError> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() || name.chars().count() > 120 {
            return Err(DomainError::invalid(
                "name",
                "name the induction (at most 120 characters)",
            ));
        }
        if !(1..=MAX_INDUCTION_DAYS).contains(&within_days) {
            return Err(DomainError::invalid(
                "withinDays",
                format!("{within_days} is not between 1 and {MAX_INDUCTION_DAYS} days"),
            ));
        }
        let mut unique = Vec::new();
        for item in items {
            if !unique.contains(&item) {
                unique.push(item);
            }
        }
        if unique.is_empty() || unique.len() > MAX_INDUCTION_ITEMS {
            return Err(DomainError::invalid(
                "policyIds",
                format!("give between 1 and {MAX_INDUCTION_ITEMS} obligations"),
            ));
        }
        Ok(Self {
            id,
            name,
            within_days,
            items: unique,
        })
    }

    /// The last day a starter who started on `started_on` has to finish.
    pub fn deadline(&self, started_on: NaiveDate) -> NaiveDate {
        started_on
            .checked_add_days(Days::new(u64::from(self.within_days)))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Where one item of a starter's checklist stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemState {
    /// Met (signed, read or completed) since starting, or still in date from before.
    Done,
    /// Excused.
    Exempt,
    /// Still to do.
    Outstanding,
    /// Not theirs (their role or attributes do not owe it).
    NotRequired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistItem {
    pub policy: PolicyId,
    pub state: ItemState,
    pub done_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Checklist {
    pub started_on: NaiveDate,
    pub deadline: NaiveDate,
    pub items: Vec<ChecklistItem>,
}

impl Checklist {
    /// Every item the starter owes is done (or excused).
    pub fn complete(&self) -> bool {
        self.items
            .iter()
            .all(|item| item.state != ItemState::Outstanding)
    }

    /// Past the deadline with something still to do.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        !self.complete() && today > self.deadline
    }

    pub fn outstanding(&self) -> usize {
        self.items
            .iter()
            .filter(|item| item.state == ItemState::Outstanding)
            .count()
    }
}

/// A starter's checklist from where they stand with each of the bundle's items (`None`
/// where they do not owe it): the status and the day it was last met.
pub fn checklist(
    bundle: &InductionBundle,
    started_on: NaiveDate,
    standing: impl Fn(PolicyId) -> Option<(ComplianceStatus, Option<NaiveDate>)>,
) -> Checklist {
    let items = bundle
        .items
        .iter()
        .map(|policy| {
            let (state, done_on) = match standing(*policy) {
                None => (ItemState::NotRequired, None),
                Some((ComplianceStatus::Exempt, done_on)) => (ItemState::Exempt, done_on),
                Some((ComplianceStatus::Compliant, done_on)) => (ItemState::Done, done_on),
                Some((ComplianceStatus::Due | ComplianceStatus::Overdue, done_on)) => {
                    (ItemState::Outstanding, done_on)
                }
            };
            ChecklistItem {
                policy: *policy,
                state,
                done_on,
            }
        })
        .collect();
    Checklist {
        started_on,
        deadline: bundle.deadline(started_on),
        items,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn day(offset: u64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 9, 1).expect("valid") + Days::new(offset)
    }

    fn policy(n: u128) -> PolicyId {
        PolicyId::from_uuid(uuid::Uuid::from_u128(n))
    }

    #[test]
    fn a_bundle_is_named_bounded_and_without_repeats() {
        let bundle = InductionBundle::new(
            uuid::Uuid::nil(),
            "  New  staff ",
            20,
            vec![policy(1), policy(1), policy(2)],
        )
        .expect("valid");
        assert_eq!((bundle.name.as_str(), bundle.items.len()), ("New staff", 2));
        assert_eq!(bundle.deadline(day(0)), day(20));
        assert!(InductionBundle::new(uuid::Uuid::nil(), "x", 0, vec![policy(1)]).is_err());
        assert!(InductionBundle::new(uuid::Uuid::nil(), "x", 181, vec![policy(1)]).is_err());
        assert!(InductionBundle::new(uuid::Uuid::nil(), "x", 5, Vec::new()).is_err());
        assert!(InductionBundle::new(uuid::Uuid::nil(), " ", 5, vec![policy(1)]).is_err());
    }

    #[test]
    fn a_checklist_is_complete_when_nothing_owed_is_outstanding() {
        let bundle = InductionBundle::new(
            uuid::Uuid::nil(),
            "New staff",
            10,
            vec![policy(1), policy(2), policy(3)],
        )
        .expect("valid");
        let list = checklist(&bundle, day(0), |p| match p {
            p if p == policy(1) => Some((ComplianceStatus::Compliant, Some(day(2)))),
            p if p == policy(2) => Some((ComplianceStatus::Due, None)),
            _ => None,
        });
        assert_eq!(list.outstanding(), 1);
        assert!(!list.complete());
        assert!(!list.overdue(day(10)), "the deadline day itself is in time");
        assert!(list.overdue(day(11)));
        assert_eq!(list.items[2].state, ItemState::NotRequired);
    }

    proptest! {
        /// Complete exactly when no owed item is due or overdue; overdue exactly when
        /// incomplete after the deadline; the deadline is the start plus the window.
        #[test]
        fn a_checklist_follows_its_items_and_its_window(
            states in prop::collection::vec(prop::option::of(0..4_usize), 1..8),
            within in 1..=MAX_INDUCTION_DAYS,
            started in 0..300_u64,
            today in 0..600_u64,
        ) {
            let items: Vec<PolicyId> = (0..states.len()).map(|n| policy(n as u128 + 1)).collect();
            let bundle = InductionBundle::new(uuid::Uuid::nil(), "Induction", within, items.clone()).expect("valid");
            let list = checklist(&bundle, day(started), |p| {
                let index = items.iter().position(|item| *item == p)?;
                states[index].map(|s| (ComplianceStatus::ALL[s], None))
            });
            let owed_undone = states.iter().flatten().any(|s| matches!(ComplianceStatus::ALL[*s], ComplianceStatus::Due | ComplianceStatus::Overdue));
            prop_assert_eq!(list.complete(), !owed_undone);
            prop_assert_eq!(list.deadline, day(started + u64::from(within)));
            prop_assert_eq!(list.overdue(day(today)), owed_undone && today > started + u64::from(within));
        }
    }
}
