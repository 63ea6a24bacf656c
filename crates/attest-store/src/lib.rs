//! attest-store: persistence for attest on SQLite and PostgreSQL.
//!
//! Every repository that reads or writes tenant data is built from a `TenantScope` and
//! adds the trust (and school) filter itself; no method reads tenant data without one.
//! The two exceptions are named for what they are: creating a trust, and looking up an
//! API token by its hash to authenticate a request (which is how a scope comes to be).
//! This crate knows nothing of HTTP or GraphQL, and holds no business rules.

mod connect;
mod entities;
mod error;
mod repo;
pub mod testing;

pub use connect::{Backend, Database, backend, connect, migrate, pending_migrations};
pub use error::StoreError;
pub use repo::{
    Acceptance, Acceptances, ApiTokens, Audit, ChainHead, Compliance, ComplianceCount,
    ComplianceCursor, ComplianceQuery, ComplianceRow, DraftContent, Exemption, Exemptions,
    MagicLink, MagicLinks, Memberships, NewAcceptance, NewApiToken, NewAuditEntry, NewEmail,
    NewExemption, NewMagicLink, NewMembership, NewPerson, NewPolicy, NewPolicyVersion,
    NewRoleGrant, NewSchool, NewTrust, Outbox, OutboxDelivery, OutboxMessage, People, PeopleFilter,
    PeoplePage, PersonCursor, Policies, Policy, PolicySettings, PolicyVersion, PolicyVersions,
    ReminderLog, RoleGrants, SchoolPolicySettings, Schools, StateChange, Trusts,
    find_magic_link_by_hash,
};
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
