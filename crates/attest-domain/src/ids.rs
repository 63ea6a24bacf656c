//! One newtype per kind of id, so a `SchoolId` can never be passed where a `PersonId`
//! is wanted. All ids are UUIDv7: time-ordered, so indexes stay compact.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }

            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl From<Uuid> for $name {
            fn from(uuid: Uuid) -> Self {
                Self(uuid)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A trust: the tenant. Nothing crosses from one trust into another.
    TrustId
);
id_type!(SchoolId);
id_type!(PersonId);
id_type!(MembershipId);
id_type!(RoleGrantId);
id_type!(ApiTokenId);
id_type!(AuditEntryId);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_version_7_and_ordered() {
        let first = SchoolId::generate();
        let second = SchoolId::generate();
        assert_eq!(first.as_uuid().get_version_num(), 7);
        assert!(first < second);
    }

    #[test]
    fn ids_round_trip_through_text() {
        let id = PersonId::generate();
        let parsed: PersonId = id.to_string().parse().expect("parses");
        assert_eq!(parsed, id);
        assert!("not-a-uuid".parse::<PersonId>().is_err());
    }
}

id_type!(PolicyId);
id_type!(PolicyVersionId);
id_type!(
    /// A signature or a decline: one row of the append-only acceptance log.
    AcceptanceId
);
id_type!(ExemptionId);
id_type!(MagicLinkId);
id_type!(OutboxMessageId);
id_type!(JobId);
id_type!(BreachId);
id_type!(IdentityProviderId);
