//! Roles a person or an API token can hold within one trust.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, SchoolId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Trust IT: everything in the trust.
    TrustAdmin,
    /// The Data Protection Officer: reads the whole trust, runs the breach workflow.
    Dpo,
    /// Runs one school: its people, memberships and compliance.
    SchoolAdmin,
    /// Auditors and compliance leads: reads the whole trust, changes nothing.
    ReadOnly,
    /// An identity system pushing users and groups over SCIM: held by tokens only, and
    /// good for `/scim/v2` alone.
    Scim,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::TrustAdmin,
        Self::Dpo,
        Self::SchoolAdmin,
        Self::ReadOnly,
        Self::Scim,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::TrustAdmin => "trust_admin",
            Self::Dpo => "dpo",
            Self::SchoolAdmin => "school_admin",
            Self::ReadOnly => "read_only",
            Self::Scim => "scim",
        }
    }

    /// Whether the role is held for one school rather than the whole trust.
    pub const fn is_school_scoped(self) -> bool {
        matches!(self, Self::SchoolAdmin)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Role {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim().replace('-', "_");
        Self::ALL
            .into_iter()
            .find(|role| role.as_str().eq_ignore_ascii_case(&wanted))
            .ok_or_else(|| {
                DomainError::invalid(
                    "role",
                    format!(
                        "unknown role '{s}'; expected one of: {}",
                        Self::ALL.map(Self::as_str).join(", ")
                    ),
                )
            })
    }
}

/// A role together with the school it is held for, checked to make sense: a school
/// admin always names a school, a trust-wide role never does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RoleAssignment {
    role: Role,
    school: Option<SchoolId>,
}

impl RoleAssignment {
    pub fn new(role: Role, school: Option<SchoolId>) -> Result<Self, DomainError> {
        match (role.is_school_scoped(), school) {
            (true, None) => Err(DomainError::invalid(
                "school_id",
                format!("the {role} role is held for one school: name the school"),
            )),
            (false, Some(_)) => Err(DomainError::invalid(
                "school_id",
                format!("the {role} role covers the whole trust: do not name a school"),
            )),
            _ => Ok(Self { role, school }),
        }
    }

    pub const fn trust_admin() -> Self {
        Self {
            role: Role::TrustAdmin,
            school: None,
        }
    }

    pub const fn role(&self) -> Role {
        self.role
    }

    pub const fn school(&self) -> Option<SchoolId> {
        self.school
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_in_the_spellings_people_type() {
        assert_eq!("trust_admin".parse(), Ok(Role::TrustAdmin));
        assert_eq!("TRUST-ADMIN".parse(), Ok(Role::TrustAdmin));
        assert_eq!(" dpo ".parse(), Ok(Role::Dpo));
        assert_eq!("read_only".parse(), Ok(Role::ReadOnly));
        assert!("superuser".parse::<Role>().is_err());
    }

    #[test]
    fn school_admin_needs_a_school_and_trust_roles_refuse_one() {
        let school = SchoolId::generate();
        assert!(RoleAssignment::new(Role::SchoolAdmin, Some(school)).is_ok());
        let missing = RoleAssignment::new(Role::SchoolAdmin, None).expect_err("needs school");
        assert_eq!(missing.field(), "school_id");
        for role in [Role::TrustAdmin, Role::Dpo, Role::ReadOnly] {
            assert!(RoleAssignment::new(role, None).is_ok());
            assert!(RoleAssignment::new(role, Some(school)).is_err(), "{role}");
        }
    }
}
