//! Read models: the stored records as use cases, the API and pages see them. The store
//! maps its rows to these, so nothing above the application needs to know the store.

mod breach;
mod jobs;
mod mail;
mod people;
mod policy;
mod signing;

pub use breach::{Breach, BreachEvent, BreachFilter, EvidenceFile};
pub use jobs::Job;
pub use mail::OutboxMessage;
pub use people::{PeopleFilter, PeoplePage, PersonCursor, Reach, Session, SyncRunRecord};
pub use policy::{Policy, PolicyVersion, SchoolPolicySettings};
pub use signing::{Acceptance, ComplianceCount, ComplianceCursor, ComplianceRow, Exemption, Owing};
