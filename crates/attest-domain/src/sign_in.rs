//! How people sign in, and who a trust lets sign in by email: governors, volunteers,
//! visitors and contractors often have no school Microsoft or Google account.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{DomainError, MembershipKind, SigningMethod};

/// How a session was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SignInMethod {
    /// The trust's identity provider (Microsoft, Google, any OpenID provider).
    Sso,
    /// A single-use link sent to the person's email address.
    EmailLink,
}

impl SignInMethod {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sso => "sso",
            Self::EmailLink => "email_link",
        }
    }

    /// How an answer given in such a session is recorded on the acceptance.
    pub const fn signing_method(self) -> SigningMethod {
        match self {
            Self::Sso => SigningMethod::Sso,
            Self::EmailLink => SigningMethod::EmailLink,
        }
    }
}

impl fmt::Display for SignInMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignInMethod {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "sso" => Ok(Self::Sso),
            "email_link" => Ok(Self::EmailLink),
            other => Err(DomainError::invalid(
                "method",
                format!("unknown sign-in method '{other}'"),
            )),
        }
    }
}

/// A trust's email sign-in: off, or on for people with a membership of one of `kinds`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EmailSignIn {
    pub enabled: bool,
    pub kinds: BTreeSet<MembershipKind>,
}

impl EmailSignIn {
    /// On for the kinds named in `list` (comma or space separated; `all` for every kind).
    pub fn for_kinds(list: &str) -> Result<Self, DomainError> {
        let mut kinds = BTreeSet::new();
        for word in list
            .split([',', ' '])
            .filter(|word| !word.trim().is_empty())
        {
            if word.trim().eq_ignore_ascii_case("all") {
                kinds.extend(MembershipKind::ALL);
            } else {
                kinds.insert(word.parse::<MembershipKind>()?);
            }
        }
        if kinds.is_empty() {
            return Err(DomainError::invalid(
                "kinds",
                "name at least one membership kind (or 'all') that may sign in by email",
            ));
        }
        Ok(Self {
            enabled: true,
            kinds,
        })
    }

    /// Whether someone holding memberships of `held` kinds (current ones only) may.
    pub fn allows(&self, held: impl IntoIterator<Item = MembershipKind>) -> bool {
        self.enabled && held.into_iter().any(|kind| self.kinds.contains(&kind))
    }

    /// The kinds as stored and shown: `governor,volunteer`.
    pub fn kinds_text(&self) -> String {
        self.kinds
            .iter()
            .map(|kind| kind.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_a_list_and_unknown_ones_are_named() {
        let policy = EmailSignIn::for_kinds("governor, volunteer").expect("valid");
        assert_eq!(policy.kinds_text(), "governor,volunteer");
        assert_eq!(
            EmailSignIn::for_kinds("all").expect("valid").kinds.len(),
            MembershipKind::ALL.len()
        );
        let error = EmailSignIn::for_kinds("governor,janitor").expect_err("refused");
        assert!(error.to_string().contains("janitor"), "{error}");
        assert!(EmailSignIn::for_kinds(" , ").is_err());
    }

    #[test]
    fn only_an_enabled_policy_with_a_held_kind_allows() {
        let policy = EmailSignIn::for_kinds("governor").expect("valid");
        assert!(policy.allows([MembershipKind::Teaching, MembershipKind::Governor]));
        assert!(!policy.allows([MembershipKind::Teaching]));
        assert!(!policy.allows([]));
        let off = EmailSignIn {
            enabled: false,
            ..policy
        };
        assert!(!off.allows([MembershipKind::Governor]));
    }

    #[test]
    fn methods_round_trip_and_map_to_signing_methods() {
        for method in [SignInMethod::Sso, SignInMethod::EmailLink] {
            assert_eq!(
                method.as_str().parse::<SignInMethod>().expect("valid"),
                method
            );
        }
        assert_eq!(
            SignInMethod::EmailLink.signing_method(),
            SigningMethod::EmailLink
        );
        assert!("password".parse::<SignInMethod>().is_err());
    }
}
