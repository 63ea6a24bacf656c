//! attest-domain: the pure types and rules of attest.
//!
//! Ids, validated values (slugs, URNs, names, emails), membership kinds, roles, the
//! authenticated `Principal` and the `TenantScope` every repository call needs.
//! This crate must never depend on an ORM, an HTTP stack or an async runtime: it does
//! no I/O, so every rule in it can be tested densely and quickly.

#[macro_use]
mod text_enum;

mod acceptance;
mod approval;
mod attributes;
mod breach;
mod compliance;
mod directory;
mod error;
mod evidence;
mod identity;
mod ids;
mod jobs;
mod learning;
mod mail_settings;
mod membership;
mod network;
pub mod obligations;
mod policy;
mod principal;
pub mod processing;
mod read_model;
mod records;
pub mod requests;
mod retention;
mod role;
mod schedule;
pub mod scim;
mod sign_in;
mod sync_plan;
mod values;

pub use acceptance::{
    ChainBreak, ChainedFields, Decision, GENESIS_HASH, SigningMethod, StoredLink, chain_hash,
    chained_json, check_answer, check_link, to_stored_precision,
};
pub use approval::{
    ApprovalRule, Approver, ApproverRole, MAX_APPROVERS, MAX_REVIEWERS, Outcome, Quorum, Review,
    ReviewError, ReviewStage, SeatDecision, Verdict, default_body, may_publish,
};
pub use attributes::{
    Attribute, AttributeRow, DirectoryField, DirectoryRule, attribute_key, parse_attribute_file,
};
pub use breach::{
    AlertStage, Answer, Assessment, AssessmentInput, BoardCount, BoardEntry, BoardPeriod,
    BoardReport, BoardSpread, BreachFacts, BreachFactsInput, BreachHandler, BreachNature,
    BreachRecord, BreachSettings, BreachStatus, CheckedEvidence, DataCategory, EVIDENCE_MAX_BYTES,
    EVIDENCE_MAX_FILES, EvidenceKind, FactChange, ICO_HOURS, IcoReport, IcoSnapshot, IncidentType,
    OtherNotice, OtherParty, PeopleCategory, REPORT_QUESTIONS, Rating, RiskLevel, StaffMember,
    SubjectNotice, SubjectsException, SupplierInput, SupplierReport, alerts_due,
    breach_optional_text, breach_reference, breach_text, check_awareness, check_evidence,
    clean_file_name, clock_start, evidence_too_large, ico_deadline, is_overdue, risk_level,
};
pub use compliance::{
    ComplianceStatus, LastSignature, ResignRequired, ResignSchedule, SigningFacts, Standing,
    due_on, standing, typed_name_matches,
};
pub use directory::{
    AccountChange, DEFAULT_MAX_LEAVER_SHARE, DirectoryChanges, DirectoryInput, DirectoryKind,
    DirectorySettings, GOOGLE_ISSUER, RuleInput, SCIM_ISSUER, SyncRulesInput, apply_changes,
};
pub use error::DomainError;
pub use evidence::{
    ChainFormat, ChainStatement, ChangesShown, MAX_READING_SECONDS, PersonalCheck, PersonalFields,
    ReadingRule, SALT_BYTES, SealedFields, SignerIdentity, ViewEvidence, sealed_hash, sealed_json,
    statement_time,
};
pub use identity::{ProviderInput, ProviderKind, ProviderSettings, is_guid};
pub use ids::{
    AcceptanceId, ApiTokenId, AuditEntryId, BreachId, ExemptionId, IdentityProviderId, JobId,
    MagicLinkId, MembershipId, OutboxMessageId, PersonId, PolicyId, PolicyVersionId, RoleGrantId,
    SchoolId, TrustId,
};
pub use jobs::{JobKind, JobStatus, retry_backoff, tick_key};
pub use learning::{
    Attendee, COMPLETIONS_MAX_ROWS, CheckQuestion, Checklist, ChecklistItem, CompletionEvidence,
    CompletionRow, CompletionRowError, InductionBundle, ItemState, MAX_CHECK_QUESTIONS,
    MAX_INDUCTION_DAYS, MAX_INDUCTION_ITEMS, MAX_OPTIONS, ObligationKind, ReaderCheck,
    ReaderQuestion, Score, TrainingCertificate, TrainingImport, TrainingSession,
    UnderstandingAttempt, UnderstandingCheck, checklist, parse_completion_date, parse_completions,
};
pub use mail_settings::{MailSettings, MailSettingsInput, clock_text};
pub use membership::MembershipKind;
pub use network::{check_provider_url, is_public_ip};
pub use policy::{PolicyKind, ReviewCycle, VersionEvent, VersionState, review_due};
pub use principal::{
    Actor, OwnRecords, Principal, SchoolAccess, StartPage, SystemTask, TenantScope,
};
pub use read_model::{
    Acceptance, Breach, BreachEvent, BreachFilter, ComplianceCount, ComplianceCursor,
    ComplianceRow, EvidenceFile, Exemption, Job, OutboxMessage, Owing, PeopleFilter, PeoplePage,
    PersonCursor, Policy, PolicyVersion, Reach, SchoolPolicySettings, Session, SyncRunRecord,
};
pub use records::{
    ApiToken, AuditEntry, Membership, Person, RoleGrant, School, TokenRefusal, Trust,
};
pub use retention::{Disposal, Keep, RecordKind, RetentionSchedule};
pub use role::{Role, RoleAssignment};
pub use schedule::{LONDON, ReminderPlan, ReminderStep, SendWindow, school_day};
pub use sign_in::{EmailSignIn, SignInMethod};
pub use sync_plan::{
    DirectoryUser, FieldChange, KnownPerson, LeaverAlarm, MappingRules, MatchField, Matcher,
    PlannedAdd, PlannedUpdate, SyncPlan, Unmapped, day_leaver_alarms, leaver_alarms, plan_sync,
};
pub use values::{Email, PersonName, SchoolName, Slug, TokenName, TrustName, Urn};
