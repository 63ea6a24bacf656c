//! Tenant-scoped repositories, one per aggregate.

mod acceptance_rows;
mod acceptances;
mod actor_names;
mod api_tokens;
mod approval_defaults;
mod approvals;
mod attributes;
mod audit;
mod breach_evidence;
mod breach_settings;
mod breaches;
mod casework;
mod chain_seals;
mod compliance;
mod directory;
mod email_sign_in;
mod exemptions;
mod identity_providers;
mod induction;
mod jobs;
mod learning;
mod magic_links;
mod mail_settings;
mod memberships;
mod obligations;
mod outbox;
mod people;
mod policies;
mod policy_settings;
mod policy_version_files;
mod policy_versions;
mod raw;
mod reminder_log;
mod retention;
mod retention_purge;
mod review_comments;
mod role_grants;
mod schools;
mod scim;
mod sign_in;
mod signing_views;
mod trusts;

pub use acceptances::{Acceptance, Acceptances, ChainHead, NewAcceptance};
pub use api_tokens::{ApiTokens, NewApiToken};
pub use approval_defaults::ApprovalDefaults;
pub use approvals::{PolicyApprovals, ReviewRecord, RuleSetting, StoredDecision};
pub use attributes::{AttributeSource, Attributes};
pub use audit::{Audit, NewAuditEntry};
pub use breach_evidence::{BreachEvidenceFiles, EvidenceFile, NewEvidenceFile};
pub use breach_settings::TrustBreachSettings;
pub use breaches::{Breach, BreachEvent, BreachFilter, Breaches, NewBreach};
pub use casework::{
    BreachLinks, InfoRequest, InfoRequests, LinkKind, NewInfoRequest, NewRequestDocument,
    ProcessingActivities, RequestDocument, RequestDocuments, RequestFilter, StoredActivity,
    StoredSupplier, Suppliers, TrustCalendars,
};
pub use chain_seals::{ChainAnchor, ChainAnchors, ChainKeys, SignedHead, StoredSigningKey};
pub use compliance::{
    Compliance, ComplianceCount, ComplianceCursor, ComplianceQuery, ComplianceRow,
};
pub use directory::{
    Directory, DirectoryConnection, NewSyncRun, NewSyncedMembership, NewSyncedPerson,
    OpenMembership,
};
pub use email_sign_in::{
    NewSignInLink, SignInLinkRow, SignInLinks, TrustSignInSettings, find_sign_in_link_by_hash,
};
pub use exemptions::{Exemption, Exemptions, NewExemption};
pub use identity_providers::{IdentityProvider, IdentityProviders};
pub use induction::Inductions;
pub use jobs::{Job, JobQueue, Jobs, NewJob};
pub use learning::{Learning, NewCertificate, NewImport, NewSession};
pub use magic_links::{MagicLink, MagicLinks, NewMagicLink, find_magic_link_by_hash};
pub use mail_settings::{TrustMailSettings, mail_settings_for_delivery};
pub use memberships::{Memberships, NewMembership};
pub use obligations::{
    ObligationDifference, ObligationSlice, Obligations, PolicyCount, Refreshed, Revision,
    school_day,
};
pub use outbox::{NewEmail, Outbox, OutboxDelivery, OutboxMessage};
pub use people::{NewPerson, People, PeopleFilter, PeoplePage, PersonCursor, Reach};
pub use policies::{NewPolicy, Policies, Policy};
pub use policy_settings::{PolicySettings, SchoolPolicySettings};
pub use policy_version_files::{NewPolicySourceFile, PolicySourceFile, PolicyVersionFiles};
pub use policy_versions::{
    DraftContent, NewPolicyVersion, PolicyVersion, PolicyVersions, StateChange,
};
pub use reminder_log::{GivenStep, ReminderLog};
pub use retention::TrustRetention;
pub use retention_purge::{Purged, purge_append_only};
pub use review_comments::ReviewComment;
pub use role_grants::{NewRoleGrant, RoleGrants};
pub use schools::{NewSchool, Schools};
pub use scim::{Scim, ScimGroupRow, ScimKey, ScimRecord, ScimUserRow};
pub use sign_in::{PersonIdentities, Sessions};
pub use signing_views::{SigningViews, StoredView, TrustSigningSettings, ViewMarker, mark_view};
pub use trusts::{NewTrust, Trusts};

use attest_domain::{Role, RoleAssignment, SchoolId};

use crate::StoreError;

pub(crate) fn stored_assignment(
    role: &str,
    school: Option<uuid::Uuid>,
) -> Result<RoleAssignment, StoreError> {
    let role: Role = role.parse().map_err(StoreError::corrupt("role"))?;
    RoleAssignment::new(role, school.map(SchoolId::from_uuid)).map_err(StoreError::corrupt("role"))
}
