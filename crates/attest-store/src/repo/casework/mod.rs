//! The DPO's casework beyond breaches: information requests (with their timeline and
//! documents), the record of processing activities, suppliers, breach links, and the
//! trust's term calendar. Hand-written SQL, the trust bound first; a school admin's
//! scope reaches only requests and activities of its schools.

mod calendar;
mod documents;
mod records;
mod requests;

pub use calendar::TrustCalendars;
pub use documents::{NewRequestDocument, RequestDocument, RequestDocuments};
pub use records::{
    BreachLinks, LinkKind, ProcessingActivities, StoredActivity, StoredSupplier, Suppliers,
};
pub use requests::{InfoRequest, InfoRequests, NewInfoRequest, RequestFilter};

use attest_domain::{SchoolId, TenantScope};

use crate::StoreError;

/// JSON kept in a text column.
fn to_json<T: serde::Serialize>(what: &'static str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(StoreError::corrupt(what))
}

fn from_json<T: serde::de::DeserializeOwned>(
    what: &'static str,
    raw: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(raw).map_err(StoreError::corrupt(what))
}

/// Whether a school-restricted scope reaches a row of `school` (trust-wide rows: no).
fn reaches(scope: &TenantScope, school: Option<SchoolId>) -> bool {
    match scope.schools().restricted_to() {
        None => true,
        Some(allowed) => school.is_some_and(|school| allowed.contains(&school)),
    }
}
