//! Who must approve a policy's versions before they are published, and how many of them.

use serde::{Deserialize, Serialize};

use crate::{DomainError, PersonId, PolicyKind, Principal, Role, SchoolId};

/// A seat on the approving body: a named person ("Chair of governors": Jane Smith), or
/// whoever holds a role in attest (the DPO). A seat is filled by one decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Approver {
    Person { person: PersonId, capacity: String },
    Role { role: ApproverRole },
}

/// The attest roles that can hold a seat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApproverRole {
    Dpo,
    TrustAdmin,
    /// An admin of the policy's own school (usually the headteacher): only for school
    /// policies, so a trust-wide default rule for them can name "the school's" seat.
    SchoolAdmin,
}

impl ApproverRole {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Dpo => "Data Protection Officer",
            Self::TrustAdmin => "Trust administrator",
            Self::SchoolAdmin => "School administrator",
        }
    }

    pub const fn role(self) -> Role {
        match self {
            Self::Dpo => Role::Dpo,
            Self::TrustAdmin => Role::TrustAdmin,
            Self::SchoolAdmin => Role::SchoolAdmin,
        }
    }
}

impl Approver {
    /// How the seat is named on the policy's page and in receipts.
    pub fn capacity(&self) -> &str {
        match self {
            Self::Person { capacity, .. } => capacity,
            Self::Role { role } => role.label(),
        }
    }
}

/// How many seats must approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "count", rename_all = "snake_case")]
pub enum Quorum {
    All,
    AtLeast(u32),
}

/// A policy's approval rule. A policy without one is published by its admins at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovalRule {
    /// The approving body as receipts name it: "the trust board", "the local governing
    /// body".
    pub body: String,
    pub approvers: Vec<Approver>,
    pub quorum: Quorum,
    /// People asked to read and comment who do not decide (the DPO's deputy, a
    /// staff representative).
    #[serde(default)]
    pub reviewers: Vec<PersonId>,
    /// The school of the policy the rule is applied to, which a school admin's seat
    /// belongs to (set by `for_policy`, never stored).
    #[serde(skip)]
    pub school: Option<SchoolId>,
}

pub const MAX_APPROVERS: usize = 30;
pub const MAX_REVIEWERS: usize = 30;
const MAX_LABEL: usize = 100;

/// The body that approves a kind of policy unless the rule names another: the trustees
/// for the trust's policies, the school's governors for its own.
pub const fn default_body(kind: PolicyKind) -> &'static str {
    if kind.is_trust_level() {
        "the trust board"
    } else {
        "the local governing body"
    }
}

fn label(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(DomainError::invalid(field, "must not be empty"));
    }
    if text.chars().count() > MAX_LABEL || text.chars().any(char::is_control) {
        return Err(DomainError::invalid(
            field,
            format!("at most {MAX_LABEL} characters, on one line"),
        ));
    }
    Ok(text)
}

impl ApprovalRule {
    /// A checked rule: at least one seat, no seat twice, a quorum the seats can meet,
    /// labels on one line.
    pub fn new(
        body: &str,
        approvers: Vec<Approver>,
        quorum: Quorum,
        reviewers: Vec<PersonId>,
    ) -> Result<Self, DomainError> {
        let body = label("body", body)?;
        if approvers.is_empty() {
            return Err(DomainError::invalid(
                "approvers",
                "name at least one approver, or remove the rule so the policy needs no approval",
            ));
        }
        if approvers.len() > MAX_APPROVERS || reviewers.len() > MAX_REVIEWERS {
            return Err(DomainError::invalid(
                "approvers",
                format!("at most {MAX_APPROVERS} approvers and {MAX_REVIEWERS} reviewers"),
            ));
        }
        let mut checked = Vec::with_capacity(approvers.len());
        for approver in approvers {
            let approver = match approver {
                Approver::Person { person, capacity } => Approver::Person {
                    person,
                    capacity: label("capacity", &capacity)?,
                },
                role @ Approver::Role { .. } => role,
            };
            let repeated = checked
                .iter()
                .any(|seen: &Approver| match (seen, &approver) {
                    (Approver::Person { person: a, .. }, Approver::Person { person: b, .. }) => {
                        a == b
                    }
                    (Approver::Role { role: a }, Approver::Role { role: b }) => a == b,
                    _ => false,
                });
            if repeated {
                return Err(DomainError::invalid(
                    "approvers",
                    format!("{} is named twice", approver.capacity()),
                ));
            }
            checked.push(approver);
        }
        if let Quorum::AtLeast(count) = quorum
            && (count == 0 || count as usize > checked.len())
        {
            return Err(DomainError::invalid(
                "quorum",
                format!(
                    "a quorum of {count} cannot be met by {} approver(s)",
                    checked.len()
                ),
            ));
        }
        let mut unique_reviewers = Vec::new();
        for reviewer in reviewers {
            if !unique_reviewers.contains(&reviewer) {
                unique_reviewers.push(reviewer);
            }
        }
        Ok(Self {
            body,
            approvers: checked,
            quorum,
            reviewers: unique_reviewers,
            school: None,
        })
    }

    /// Whether the rule can govern policies of `kind`: a school admin's seat needs the
    /// policy's school.
    pub fn check_for(&self, kind: PolicyKind) -> Result<(), DomainError> {
        let school_seat = self.approvers.iter().any(|approver| {
            matches!(
                approver,
                Approver::Role {
                    role: ApproverRole::SchoolAdmin
                }
            )
        });
        if school_seat && kind.is_trust_level() {
            return Err(DomainError::invalid(
                "approvers",
                "a trust policy belongs to no school: its rule cannot have a school admin's seat",
            ));
        }
        Ok(())
    }

    /// The rule as it applies to one policy (of `school`, or the trust's).
    pub fn for_policy(mut self, school: Option<SchoolId>) -> Self {
        self.school = school;
        self
    }

    /// How many approvals publish a version.
    pub fn needed(&self) -> usize {
        match self.quorum {
            Quorum::All => self.approvers.len(),
            Quorum::AtLeast(count) => count as usize,
        }
    }

    /// The seats this principal may fill, in the rule's order.
    pub fn seats_of(&self, principal: &Principal) -> Vec<usize> {
        let person = match principal.actor() {
            crate::Actor::Person(person) => Some(person),
            _ => None,
        };
        self.approvers
            .iter()
            .enumerate()
            .filter(|(_, approver)| match approver {
                Approver::Person { person: named, .. } => person == Some(*named),
                // A role's seat is a person's: a token cannot sit on a board.
                Approver::Role {
                    role: ApproverRole::SchoolAdmin,
                } => {
                    person.is_some()
                        && self.school.is_some_and(|school| {
                            principal.roles().iter().any(|held| {
                                held.role() == Role::SchoolAdmin && held.school() == Some(school)
                            })
                        })
                }
                Approver::Role { role } => person.is_some() && principal.has_role(role.role()),
            })
            .map(|(seat, _)| seat)
            .collect()
    }

    /// Whether this principal is asked to read and comment (reviewers and approvers).
    pub fn involves(&self, principal: &Principal) -> bool {
        !self.seats_of(principal).is_empty()
            || matches!(principal.actor(), crate::Actor::Person(person) if self.reviewers.contains(&person))
    }

    /// Everyone named, for reminders: the named approvers and the reviewers.
    pub fn named_people(&self) -> Vec<PersonId> {
        let mut people: Vec<PersonId> = self
            .approvers
            .iter()
            .filter_map(|approver| match approver {
                Approver::Person { person, .. } => Some(*person),
                Approver::Role { .. } => None,
            })
            .collect();
        for reviewer in &self.reviewers {
            if !people.contains(reviewer) {
                people.push(*reviewer);
            }
        }
        people
    }
}
