//! attest-store: persistence for attest on SQLite and PostgreSQL.
//!
//! Every repository that reads or writes tenant data is built from a `TenantScope` and
//! adds the trust (and school) filter itself; no method reads tenant data without one.
//! The two exceptions are named for what they are: creating a trust, and looking up an
//! API token by its hash to authenticate a request (which is how a scope comes to be).
//! This crate knows nothing of HTTP or GraphQL, and holds no business rules.

mod connect;
mod data_version;
mod entities;
mod error;
mod repo;
mod revocations;
pub mod roles;

pub use connect::{
    Backend, DEFAULT_ACQUIRE_TIMEOUT, Database, backend, connect, connect_with,
    dedicated_connection, migrate, pending_migrations,
};
pub use data_version::{DataVersion, DataVersions};
pub use error::StoreError;
pub use repo::{
    Acceptance, Acceptances, ApiTokens, ApprovalDefaults, AttributeSource, Attributes, Audit,
    Breach, BreachEvent, BreachEvidenceFiles, BreachFilter, BreachLinks, Breaches, ChainAnchor,
    ChainAnchors, ChainHead, ChainKeys, Compliance, ComplianceCount, ComplianceCursor,
    ComplianceQuery, ComplianceRow, Directory, DirectoryConnection, DraftContent, EvidenceFile,
    Exemption, Exemptions, GivenStep, IdentityProvider, IdentityProviders, Inductions, InfoRequest,
    InfoRequests, Job, JobQueue, Jobs, Learning, LinkKind, MagicLink, MagicLinks, Memberships,
    NewAcceptance, NewApiToken, NewAuditEntry, NewBreach, NewCertificate, NewEmail,
    NewEvidenceFile, NewExemption, NewImport, NewInfoRequest, NewJob, NewMagicLink, NewMembership,
    NewPerson, NewPolicy, NewPolicySourceFile, NewPolicyVersion, NewRequestDocument, NewRoleGrant,
    NewSchool, NewSession, NewSignInLink, NewSyncRun, NewSyncedMembership, NewSyncedPerson,
    NewTrust, ObligationDifference, ObligationSlice, Obligations, OpenMembership, Outbox,
    OutboxDelivery, OutboxMessage, People, PeopleFilter, PeoplePage, PersonCursor,
    PersonIdentities, Policies, Policy, PolicyApprovals, PolicyCount, PolicySettings,
    PolicySourceFile, PolicyVersion, PolicyVersionFiles, PolicyVersions, ProcessingActivities,
    Purged, Reach, Refreshed, ReminderLog, RequestDocument, RequestDocuments, RequestFilter,
    ReviewComment, ReviewRecord, Revision, RoleGrants, RuleSetting, SchoolPolicySettings, Schools,
    Scim, ScimGroupRow, ScimKey, ScimRecord, ScimUserRow, Sessions, SignInLinkRow, SignInLinks,
    SignedHead, SigningViews, StateChange, StoredActivity, StoredDecision, StoredSigningKey,
    StoredSupplier, StoredView, Suppliers, TrustBreachSettings, TrustCalendars, TrustMailSettings,
    TrustRetention, TrustSignInSettings, TrustSigningSettings, Trusts, ViewMarker,
    find_magic_link_by_hash, find_sign_in_link_by_hash, mail_settings_for_delivery, mark_view,
    purge_append_only, school_day,
};
pub use revocations::{Generation, Revocations};
pub use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, Statement, TransactionTrait, Value,
};
