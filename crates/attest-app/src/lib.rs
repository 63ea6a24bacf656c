//! attest-app: the use cases of attest. GraphQL resolvers, web pages, CLI commands and
//! jobs all call these and none goes around them, so they cannot disagree.
//!
//! Each use case takes the authenticated `Principal`, checks its roles, derives the
//! `TenantScope`, runs in one transaction and writes the audit log. Depends on the
//! domain and the store; never on HTTP or GraphQL.

mod access;
mod approval;
mod attributes;
mod audit;
mod authenticate;
pub mod bootstrap;
mod breach;
mod casework;
mod clock;
mod directory_sync;
mod email_templates;
mod error;
mod jobs;
mod learning;
mod mail;
mod mail_delivery;
mod mail_settings;
mod membership;
mod person;
mod policy;
mod principals;
mod rate_limit;
mod reminders;
mod retention;
mod school;
pub mod scim;
mod settings_file;
mod sign_in;
mod signing;
mod sso;
mod trust;

use std::sync::Arc;

use attest_store::Database;
use chrono::{DateTime, NaiveDate, Utc};

pub use access::{DEFAULT_TOKEN_DAYS, IssuedToken, TokenExpiry};
pub use attest_domain::{
    Acceptance, BreachEvent, BreachFilter, ComplianceCursor, ComplianceRow, EvidenceFile,
    Exemption, Job, OutboxMessage, PeopleFilter, PeoplePage, PersonCursor, Policy,
    SchoolPolicySettings,
};
/// A policy version with its parsed document.
pub type PolicyVersion = attest_domain::PolicyVersion<attest_document::Document>;
pub use approval::{ApprovalRuleInput, AwaitingReview, RuleChoice, VersionReview, clause_names};
pub use attest_store::{ChainAnchor, ViewMarker};
pub use attest_store::{
    InfoRequest, RequestDocument, RequestFilter, StoredActivity, StoredSupplier,
};
pub use attest_store::{PolicySourceFile, ReviewComment};
pub use attributes::{AttributesImported, MAX_ATTRIBUTES};
pub use breach::{
    Awareness, BREACH_CSV_HEADER, BreachNote, BreachView, CloseBreachInput, EvidenceUpload,
    IcoNotificationInput, IcoPack, OtherNoticeInput, PackAnswer, PackSection, SubjectNoticeInput,
};
pub use casework::{
    BreachRecords, DocumentUpload, NewRequest, REQUEST_CSV_HEADER, ROPA_CSV_NAME, RequestCase,
    RequestStep, RequestView, SupplierView,
};
pub use clock::{Clock, FixedClock, ManualClock, SystemClock};
pub use directory_sync::{DirectoryConnectionView, SyncRun, SyncTrigger};
pub use email_templates::{
    Branding, EMAIL_KINDS, RenderedEmail, preview as preview_email, render_email,
};
pub use error::{AppError, field_camel_case, field_words};
pub use jobs::{JOB_MAX_ATTEMPTS, JobRound, WorkerSettings};
pub use learning::{
    CertificateUpload, ColumnKey, CompletionImport, ImportedCompletions, MatrixCell, MatrixColumn,
    MatrixRow, NewTrainingSession, ObligationColumns, ObligationHeading, ObligationMatrix,
    ReaderCheck, ReaderQuestion, StarterChecklist, TrainingCompletion,
};
pub use mail::OUTBOX_STATUSES;
pub use mail_delivery::{Delivered, MailDelivery};
pub use membership::MembershipInput;
pub use person::{MAX_PAGE, NewPersonMembership, PersonInput, UpsertedPerson};
pub use policy::DraftChanges;
pub use policy::{
    DueForReview, ImportPolicy, ImportedDraft, Publish, RenderRequest, Rendered, TemplateUpdate,
};
pub use rate_limit::{Limit, RateLimitSettings, RateLimits};
pub use reminders::ReminderReport;
pub use retention::{RetentionItem, RetentionPlan};
pub use school::{SchoolChanges, SchoolInput};
pub use settings_file::{SETTINGS_FORMAT, SettingsFile, SettingsImported};
pub use sign_in::{
    EMAIL_LINK_MINUTES, IssuedSignInLink, LoginProvider, MAX_ISSUED_LINK_HOURS, SESSION_ABSOLUTE,
    SESSION_IDLE, SessionContext, SignInChoices, SignInLinkPreview, SignedIn, VerifiedLogin,
};
pub use signing::{
    AcceptanceCheck, AcceptanceEvidence, AnchorCheck, ChainReport, ChangesSince, CheckReport,
    ComplianceFilter, CompliancePage, ComplianceSummary, DEFAULT_LINK_DAYS, DeclinePolicy,
    GrantExemption, HeadSeal, MAX_COMPLIANCE_PAGE, MagicLinkSent, Origin, PaperAcceptance,
    PaperOutcome, ProgressPoint, PublishedKey, RebuildReport, SUMMARY_TTL, SchoolProgress,
    SchoolReminders, SealReport, SignPolicy, SigningAnswer, SigningForm, SigningOutcome,
    SigningSubmission, Tally, certificate, percent, receipt_text, status_key,
};
pub use sso::IdentityProviderView;

/// The application: a database and a clock. Cheap to clone; share one per process.
#[derive(Clone)]
pub struct App {
    db: Database,
    clock: Arc<dyn Clock>,
    /// Trusts by id. Nothing changes a trust once created, so replicas may each keep
    /// their own copy; a use case that changes one must clear this.
    trusts: Arc<
        std::sync::RwLock<std::collections::HashMap<attest_domain::TrustId, attest_domain::Trust>>,
    >,
    /// Where staff reach this server, for links in emails.
    public_url: Arc<str>,
    summaries: Arc<signing::SummaryCache>,
    /// Compliance pages, given again while nothing has been written since.
    pages: Arc<signing::CompliancePages>,
    /// Commits answers to the signing chain in batches.
    chain_writer: Arc<signing::ChainWriter>,
    /// Published texts and their hashes, read and computed once.
    signing_texts: Arc<signing::SigningTexts>,
    /// Seals identity providers' client secrets at rest; `None` until configured.
    sealing_key: Option<Arc<attest_auth::SealingKey>>,
    /// The key chain heads and anchors are signed with, once loaded (or made).
    chain_key: Arc<tokio::sync::Mutex<Option<Arc<attest_auth::ChainSigningKey>>>>,
    /// The RFC 3161 authority that timestamps chain anchors, if the operator set one.
    timestamp_authority: Option<Arc<str>>,
    rate_limits: RateLimits,
    /// API tokens kept in memory until a revocation is heard.
    credentials: Arc<authenticate::Credentials>,
    /// Whether trusts may point attest at loopback, private addresses and plain http
    /// (`ATTEST_ALLOW_LOCAL_PROVIDERS`): tests and the demo only.
    allow_local_providers: bool,
}

/// School-facing dates (membership start and end days) are days in England.
pub const SCHOOL_TIME_ZONE: chrono_tz::Tz = attest_domain::LONDON;

impl App {
    pub fn new(db: Database, clock: Arc<dyn Clock>) -> Self {
        Self {
            credentials: Arc::new(authenticate::Credentials::for_database(&db)),
            pages: Arc::new(signing::CompliancePages::for_database(&db)),
            db,
            clock,
            trusts: Arc::default(),
            public_url: Arc::from("http://localhost:8080"),
            summaries: Arc::default(),
            chain_writer: Arc::default(),
            signing_texts: Arc::default(),
            sealing_key: None,
            chain_key: Arc::default(),
            timestamp_authority: None,
            rate_limits: RateLimits::default(),
            allow_local_providers: false,
        }
    }

    /// The RFC 3161 authority chain anchors are timestamped by
    /// (`ATTEST_TIMESTAMP_AUTHORITY_URL`).
    pub fn with_timestamp_authority(mut self, url: Option<&str>) -> Self {
        self.timestamp_authority = url.map(Arc::from);
        self
    }

    /// Sets the rate limits (`ATTEST_RATE_LIMITS__*`).
    pub fn with_rate_limits(mut self, settings: &RateLimitSettings) -> Self {
        self.rate_limits = RateLimits::new(settings);
        self
    }

    pub fn rate_limits(&self) -> &RateLimits {
        &self.rate_limits
    }

    /// Lets trusts use loopback, private addresses and plain http for identity and
    /// directory providers: for tests and the demo, never for a real trust.
    pub fn with_local_providers(mut self, allowed: bool) -> Self {
        self.allow_local_providers = allowed;
        self
    }

    pub fn allows_local_providers(&self) -> bool {
        self.allow_local_providers
    }

    /// What calls to a trust's providers may reach.
    pub fn egress(&self) -> attest_directory::Egress {
        attest_directory::Egress {
            allow_local: self.allow_local_providers,
        }
    }

    /// Sets the key that seals secrets at rest (`ATTEST_SECRET_KEY`).
    pub fn with_sealing_key(mut self, key: attest_auth::SealingKey) -> Self {
        self.sealing_key = Some(Arc::new(key));
        self
    }

    /// Sets the address staff reach this server at (no trailing slash needed).
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Arc::from(url.trim_end_matches('/'));
        self
    }

    pub fn public_url(&self) -> &str {
        &self.public_url
    }

    /// The same application seeing time through another clock (`--now` in the CLI).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self.summaries = Arc::default();
        self.pages = Arc::new(signing::CompliancePages::for_database(&self.db));
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Today as a school in England counts it.
    pub fn today(&self) -> NaiveDate {
        attest_domain::school_day(self.now())
    }
}
