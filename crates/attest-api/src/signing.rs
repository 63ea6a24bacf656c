//! Signing and compliance over GraphQL: statuses, summaries, acceptances with their
//! evidence, and the mutations that sign, decline, record paper forms, exempt and send
//! magic links. Each resolver is one call into attest-app.

use std::collections::BTreeMap;

use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use attest_app::{
    AcceptanceEvidence, ComplianceFilter, DeclinePolicy, GrantExemption, PaperAcceptance,
    SignPolicy, Tally as AppTally,
};
use attest_app::{ComplianceCursor, ComplianceRow};
use attest_domain::{AcceptanceId, PersonId, PolicyId, PolicyVersionId, ResignSchedule, SchoolId};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::context::{app, loader, origin, principal};
use crate::error::{ErrorCode, OrGraphql, coded};
use crate::policy::Policy;
use crate::types::{MembershipKind, Person, School};

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::ComplianceStatus")]
pub enum ComplianceStatus {
    /// Signed, and no new signature is needed yet.
    Compliant,
    /// A signature is needed and the grace period has not run out.
    Due,
    /// The grace period has run out.
    Overdue,
    /// Excused until a date.
    Exempt,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::SigningMethod")]
pub enum SigningMethod {
    Sso,
    MagicLink,
    /// A paper form recorded by a school admin.
    Paper,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::Decision")]
pub enum Decision {
    Accepted,
    Declined,
}

#[derive(SimpleObject, InputObject, Clone)]
#[graphql(input_name = "AnswerInput")]
pub struct Answer {
    /// The question's key, e.g. `consent_1`.
    pub key: String,
    pub answer: String,
}

fn answers_map(answers: Vec<Answer>) -> BTreeMap<String, String> {
    answers.into_iter().map(|a| (a.key, a.answer)).collect()
}

async fn load_person(ctx: &Context<'_>, id: PersonId) -> async_graphql::Result<Option<Person>> {
    match principal(ctx)?.own_records() {
        // A member of staff sees themselves (the directory loader needs admin roles).
        Some(own) if own.person() == id => Ok(None),
        _ => Ok(loader(ctx)?
            .load_one(id)
            .await
            .map_err(crate::types::loaded)?
            .map(Person)),
    }
}

async fn load_school(ctx: &Context<'_>, id: SchoolId) -> async_graphql::Result<Option<School>> {
    Ok(loader(ctx)?
        .load_one(id)
        .await
        .map_err(crate::types::loaded)?
        .map(School))
}

/// One signature or decline, with all its evidence.
pub struct Acceptance(pub attest_app::Acceptance);

#[Object]
impl Acceptance {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    /// Position in the trust's hash chain.
    async fn seq(&self) -> i64 {
        self.0.seq
    }
    async fn person_id(&self) -> Uuid {
        self.0.person.as_uuid()
    }
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        load_person(ctx, self.0.person).await
    }
    async fn policy_id(&self) -> Uuid {
        self.0.policy.as_uuid()
    }
    async fn policy(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Policy>> {
        if principal(ctx)?.own_records().is_some() {
            return Ok(None);
        }
        Ok(Some(Policy(
            app(ctx)?
                .policy(principal(ctx)?, self.0.policy)
                .await
                .gql()?,
        )))
    }
    async fn version_id(&self) -> Uuid {
        self.0.version.as_uuid()
    }
    async fn school_id(&self) -> Uuid {
        self.0.school.as_uuid()
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        if principal(ctx)?.own_records().is_some() {
            return Ok(None);
        }
        load_school(ctx, self.0.school).await
    }
    async fn decision(&self) -> Decision {
        self.0.decision.into()
    }
    async fn method(&self) -> SigningMethod {
        self.0.method.into()
    }
    /// True for a paper form recorded by a school admin.
    async fn paper_form(&self) -> bool {
        self.0.method == attest_domain::SigningMethod::Paper
    }
    /// Who recorded a paper form (a person or API token id).
    async fn recorded_by(&self) -> Option<Uuid> {
        self.0.recorded_by
    }
    async fn typed_name(&self) -> &str {
        &self.0.typed_name
    }
    async fn role(&self) -> &str {
        &self.0.role
    }
    async fn answers(&self) -> Vec<Answer> {
        self.0
            .answers
            .iter()
            .map(|(key, answer)| Answer {
                key: key.clone(),
                answer: answer.clone(),
            })
            .collect()
    }
    async fn note(&self) -> Option<&str> {
        self.0.note.as_deref()
    }
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }
    /// The membership kind the text was rendered for.
    async fn audience_kind(&self) -> MembershipKind {
        self.0.audience_kind.into()
    }
    async fn signed_at(&self) -> DateTime<Utc> {
        self.0.signed_at
    }
    /// The day in England it was signed (for paper: the date on the form).
    async fn signed_on(&self) -> NaiveDate {
        self.0.signed_on
    }
    /// When the policy's schedule asks for the next signature.
    async fn renew_on(&self) -> Option<NaiveDate> {
        self.0.renew_on
    }
    async fn ip(&self) -> Option<&str> {
        self.0.ip.as_deref()
    }
    async fn user_agent(&self) -> Option<&str> {
        self.0.user_agent.as_deref()
    }
    /// SHA-256 of exactly the text shown.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    async fn prev_hash(&self) -> &str {
        &self.0.prev_hash
    }
    async fn row_hash(&self) -> &str {
        &self.0.row_hash
    }
    /// The school's values as they were when signed.
    async fn variables(&self) -> async_graphql::Json<&BTreeMap<String, String>> {
        async_graphql::Json(&self.0.variables)
    }
    /// The exact text signed (re-rendered from the stored version and values), and
    /// whether it still hashes to `contentHash`.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn signed_text(&self, ctx: &Context<'_>) -> async_graphql::Result<SignedText> {
        let evidence = app(ctx)?
            .acceptance_evidence(principal(ctx)?, self.0.id)
            .await
            .gql()?;
        Ok(SignedText::from(&evidence))
    }
    /// The receipt page (HTML); add `.txt` for the downloadable file.
    async fn receipt_path(&self) -> String {
        format!("/receipts/{}", self.0.id)
    }
}

#[derive(SimpleObject)]
pub struct SignedText {
    pub markdown: String,
    pub html: String,
    /// The stored version, re-rendered, still hashes to the acceptance's content hash.
    pub verified: bool,
}

impl From<&AcceptanceEvidence> for SignedText {
    fn from(evidence: &AcceptanceEvidence) -> Self {
        Self {
            markdown: evidence.markdown.clone(),
            html: evidence.html.clone(),
            verified: evidence.text_verified,
        }
    }
}

/// One person, one policy, at one school: where they stand.
pub struct ComplianceEntry(pub ComplianceRow);

#[Object]
impl ComplianceEntry {
    async fn person_id(&self) -> Uuid {
        self.0.person.as_uuid()
    }
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_deref()
    }
    async fn school_id(&self) -> Uuid {
        self.0.school.as_uuid()
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        load_school(ctx, self.0.school).await
    }
    async fn membership_kind(&self) -> MembershipKind {
        self.0.kind.into()
    }
    async fn policy_id(&self) -> Uuid {
        self.0.policy.as_uuid()
    }
    async fn policy_title(&self) -> &str {
        &self.0.policy_title
    }
    async fn current_version_number(&self) -> u32 {
        self.0.current_version
    }
    async fn status(&self) -> ComplianceStatus {
        self.0.status.into()
    }
    /// The day the (next) signature is or was due; null when none will be.
    async fn due_on(&self) -> Option<NaiveDate> {
        self.0.due_on
    }
    /// The start of the due day in England, as an instant.
    async fn due_at(&self) -> Option<DateTime<Utc>> {
        self.0.due_on.and_then(|day| {
            day.and_hms_opt(0, 0, 0)?
                .and_local_timezone(attest_app::SCHOOL_TIME_ZONE)
                .earliest()
                .map(|at| at.with_timezone(&Utc))
        })
    }
    /// The first day they had to sign: the later of joining and publication.
    async fn obliged_since(&self) -> NaiveDate {
        self.0.obliged_since
    }
    async fn exempt_until(&self) -> Option<NaiveDate> {
        self.0.exempt_until
    }
    /// Set when their latest answer was to decline.
    async fn declined_at(&self) -> Option<DateTime<Utc>> {
        self.0.declined_at
    }
    async fn decline_reason(&self) -> Option<&str> {
        self.0.decline_reason.as_deref()
    }
    async fn last_signed_at(&self) -> Option<DateTime<Utc>> {
        self.0.last_signed_at
    }
    /// Their latest signature of this policy (any version).
    async fn last_acceptance(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Acceptance>> {
        let Some(id) = self.0.last_acceptance else {
            return Ok(None);
        };
        let acceptance = app(ctx)?.acceptance(principal(ctx)?, id).await.gql()?;
        Ok(Some(Acceptance(acceptance)))
    }
}

#[derive(SimpleObject)]
pub struct StatusCount {
    pub status: ComplianceStatus,
    pub count: u64,
    /// Share of the total, in percent to one decimal place.
    pub percent: f64,
}

#[derive(SimpleObject)]
pub struct KindTally {
    pub kind: MembershipKind,
    pub total: u64,
    pub counts: Vec<StatusCount>,
}

#[derive(SimpleObject)]
pub struct Tally {
    /// People × policies owed.
    pub total: u64,
    pub counts: Vec<StatusCount>,
    pub by_kind: Vec<KindTally>,
}

fn counts(by_status: &BTreeMap<&'static str, u64>) -> Vec<StatusCount> {
    let total: u64 = by_status.values().sum();
    attest_domain::ComplianceStatus::ALL
        .into_iter()
        .map(|status| {
            let count = by_status
                .get(attest_app::status_key(status))
                .copied()
                .unwrap_or_default();
            StatusCount {
                status: status.into(),
                count,
                percent: attest_app::percent(count, total),
            }
        })
        .collect()
}

impl From<&AppTally> for Tally {
    fn from(tally: &AppTally) -> Self {
        Self {
            total: tally.total(),
            counts: counts(&tally.by_status),
            by_kind: tally
                .by_kind
                .iter()
                .map(|(kind, by_status)| KindTally {
                    kind: (*kind).into(),
                    total: by_status.values().sum(),
                    counts: counts(by_status),
                })
                .collect(),
        }
    }
}

pub struct SchoolTally {
    school: SchoolId,
    tally: Tally,
}

#[Object]
impl SchoolTally {
    async fn school_id(&self) -> Uuid {
        self.school.as_uuid()
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        load_school(ctx, self.school).await
    }
    async fn tally(&self) -> &Tally {
        &self.tally
    }
}

#[derive(SimpleObject)]
pub struct ComplianceSummary {
    pub as_of: DateTime<Utc>,
    /// Trust-wide (or across your schools): each person × policy once, at their worst
    /// status when they are owed it at two schools.
    pub overall: Tally,
    pub schools: Vec<SchoolTally>,
}

#[derive(SimpleObject)]
pub struct Exemption {
    pub id: Uuid,
    pub person_id: Uuid,
    /// Null: every policy.
    pub policy_id: Option<Uuid>,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

impl From<attest_app::Exemption> for Exemption {
    fn from(e: attest_app::Exemption) -> Self {
        Self {
            id: e.id.as_uuid(),
            person_id: e.person.as_uuid(),
            policy_id: e.policy.map(|p| p.as_uuid()),
            reason: e.reason,
            starts_on: e.starts_on,
            ends_on: e.ends_on,
            created_at: e.created_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct MagicLinkSent {
    pub link_id: Uuid,
    pub email: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(SimpleObject)]
pub struct ConsentQuestion {
    pub key: String,
    pub text: String,
    /// The answers allowed; empty means any.
    pub options: Vec<String>,
}

/// What a member of staff is asked to read and sign.
#[derive(SimpleObject)]
pub struct SigningForm {
    pub person_name: String,
    pub policy_title: String,
    pub version_id: Uuid,
    pub version_number: u32,
    pub html: String,
    /// Send this back with `signPolicy`: it proves which text was read.
    pub content_hash: String,
    pub questions: Vec<ConsentQuestion>,
    pub role: String,
    pub expires_at: Option<DateTime<Utc>>,
}

impl From<attest_app::SigningForm> for SigningForm {
    fn from(form: attest_app::SigningForm) -> Self {
        Self {
            person_name: form.person_name,
            policy_title: form.policy_title,
            version_id: form.version.as_uuid(),
            version_number: form.version_number,
            html: form.html,
            content_hash: form.content_hash,
            questions: form
                .questions
                .into_iter()
                .map(|q| ConsentQuestion {
                    key: q.key,
                    text: q.text,
                    options: q.options,
                })
                .collect(),
            role: form.role,
            expires_at: form.expires_at,
        }
    }
}

#[derive(SimpleObject)]
pub struct AcceptanceVerification {
    pub acceptance_id: Uuid,
    pub seq: i64,
    pub text_matches: bool,
    pub row_intact: bool,
    pub stored_content_hash: String,
    pub rendered_content_hash: String,
    pub ok: bool,
}

impl From<attest_app::AcceptanceCheck> for AcceptanceVerification {
    fn from(check: attest_app::AcceptanceCheck) -> Self {
        Self {
            ok: check.ok(),
            acceptance_id: check.acceptance.as_uuid(),
            seq: check.seq,
            text_matches: check.text_matches,
            row_intact: check.row_intact,
            stored_content_hash: check.stored_content_hash,
            rendered_content_hash: check.rendered_content_hash,
        }
    }
}

fn encode_cursor(cursor: &ComplianceCursor) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(cursor).unwrap_or_default())
}

fn decode_cursor(raw: &str) -> async_graphql::Result<ComplianceCursor> {
    let invalid = || {
        coded(
            ErrorCode::BadUserInput,
            "after: not a cursor returned by this API",
        )
    };
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| invalid())?;
    serde_json::from_slice(&bytes).map_err(|_| invalid())
}

pub type ComplianceConnection = Connection<String, ComplianceEntry>;

/// A person's standing with every policy they owe (for `Person.policies`).
pub(crate) async fn policies_of(
    ctx: &Context<'_>,
    person: PersonId,
    as_of: Option<DateTime<Utc>>,
) -> async_graphql::Result<Vec<ComplianceEntry>> {
    let rows = app(ctx)?
        .compliance_all(
            principal(ctx)?,
            ComplianceFilter {
                person: Some(person),
                as_of,
                ..ComplianceFilter::default()
            },
        )
        .await
        .gql()?;
    Ok(rows.into_iter().map(ComplianceEntry).collect())
}

#[derive(Default)]
pub struct SigningQuery;

#[Object]
impl SigningQuery {
    /// People × policies with their status, ordered by name. `asOf` asks about another
    /// instant (what was the position at the last inspection?).
    #[graphql(
        complexity = "(first.clamp(0, 500) as usize) * child_complexity + crate::cost::PAGE_QUERY"
    )]
    #[expect(clippy::too_many_arguments, reason = "one argument per GraphQL filter")]
    async fn compliance(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
        status: Option<ComplianceStatus>,
        kind: Option<MembershipKind>,
        policy_id: Option<Uuid>,
        as_of: Option<DateTime<Utc>>,
        #[graphql(default = 50)] first: i32,
        after: Option<String>,
    ) -> async_graphql::Result<ComplianceConnection> {
        let first = u64::try_from(first)
            .map_err(|_| coded(ErrorCode::BadUserInput, "first: must not be negative"))?;
        let after = after.as_deref().map(decode_cursor).transpose()?;
        let page = app(ctx)?
            .compliance(
                principal(ctx)?,
                ComplianceFilter {
                    school: school_id.map(SchoolId::from_uuid),
                    person: None,
                    policy: policy_id.map(PolicyId::from_uuid),
                    status: status.map(Into::into),
                    kind: kind.map(Into::into),
                    as_of,
                },
                first,
                after.clone(),
            )
            .await
            .gql()?;
        let mut connection = Connection::new(after.is_some(), page.next.is_some());
        connection.edges.extend(page.rows.into_iter().map(|row| {
            let cursor = encode_cursor(&ComplianceCursor {
                full_name: row.full_name.clone(),
                person: row.person,
                policy: row.policy,
                school: row.school,
            });
            Edge::new(cursor, ComplianceEntry(row))
        }));
        Ok(connection)
    }

    /// Counts and percentages by status and membership kind, per school and overall.
    #[graphql(complexity = "crate::cost::TRUST_READ + child_complexity")]
    async fn compliance_summary(
        &self,
        ctx: &Context<'_>,
        school_id: Option<Uuid>,
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<ComplianceSummary> {
        let summary = app(ctx)?
            .compliance_summary(principal(ctx)?, school_id.map(SchoolId::from_uuid), as_of)
            .await
            .gql()?;
        Ok(ComplianceSummary {
            as_of: summary.as_of,
            overall: Tally::from(&summary.overall),
            schools: summary
                .schools
                .iter()
                .map(|(school, tally)| SchoolTally {
                    school: *school,
                    tally: Tally::from(tally),
                })
                .collect(),
        })
    }

    /// One acceptance with its full evidence.
    async fn acceptance(&self, ctx: &Context<'_>, id: Uuid) -> async_graphql::Result<Acceptance> {
        app(ctx)?
            .acceptance(principal(ctx)?, AcceptanceId::from_uuid(id))
            .await
            .map(Acceptance)
            .gql()
    }

    /// Everything a person has signed or declined, oldest first.
    #[graphql(complexity = "crate::cost::PERSON_READ + 50 * child_complexity")]
    async fn acceptances(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<Acceptance>> {
        Ok(app(ctx)?
            .acceptances_of(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .gql()?
            .into_iter()
            .map(Acceptance)
            .collect())
    }

    /// Re-renders the signed version and checks the stored hashes.
    #[graphql(complexity = "crate::cost::DOCUMENT_WORK + child_complexity")]
    async fn verify_acceptance(
        &self,
        ctx: &Context<'_>,
        id: Uuid,
    ) -> async_graphql::Result<AcceptanceVerification> {
        Ok(app(ctx)?
            .verify_acceptance(principal(ctx)?, AcceptanceId::from_uuid(id))
            .await
            .gql()?
            .into())
    }

    /// For a signed-in member of staff, or the holder of a magic link: the text to
    /// read, its hash and the questions to answer.
    async fn signing_form(
        &self,
        ctx: &Context<'_>,
        version_id: Option<Uuid>,
        school_id: Option<Uuid>,
        magic_link_token: Option<String>,
    ) -> async_graphql::Result<SigningForm> {
        let app = app(ctx)?;
        if let Some(token) = magic_link_token {
            let address = origin(ctx).ip;
            return app
                .link_attempt(address.as_deref(), app.open_signing_form(&token))
                .await
                .map(Into::into)
                .gql();
        }
        let version = version_id.ok_or_else(|| {
            coded(
                ErrorCode::BadUserInput,
                "versionId: required without a magic link",
            )
        })?;
        app.signing_form(
            principal(ctx)?,
            PolicyVersionId::from_uuid(version),
            school_id.map(SchoolId::from_uuid),
        )
        .await
        .map(Into::into)
        .gql()
    }

    /// Exemptions granted to a person.
    async fn exemptions(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<Exemption>> {
        Ok(app(ctx)?
            .exemptions_of(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .gql()?
            .into_iter()
            .map(Into::into)
            .collect())
    }
}

#[derive(InputObject)]
pub struct SignPolicyInput {
    pub version_id: Uuid,
    /// Which of your schools' copy you read; only needed if you are at two.
    pub school_id: Option<Uuid>,
    /// From `signingForm`: proves which text was read. A stale hash is refused.
    pub content_hash: String,
    /// Your full name, as your school has it (case and spacing do not matter).
    pub typed_name: String,
    /// Your role; your job title when not given.
    pub role: Option<String>,
    #[graphql(default)]
    pub answers: Vec<Answer>,
    /// For staff without SSO: the secret from their signing link.
    pub magic_link_token: Option<String>,
}

#[derive(InputObject)]
pub struct DeclinePolicyInput {
    pub version_id: Uuid,
    pub school_id: Option<Uuid>,
    pub content_hash: String,
    /// Shown to your school admin.
    pub reason: String,
    pub magic_link_token: Option<String>,
}

#[derive(InputObject)]
pub struct RecordPaperAcceptanceInput {
    pub person_id: Uuid,
    pub version_id: Uuid,
    pub school_id: Option<Uuid>,
    /// The name written on the form.
    pub typed_name: String,
    pub role: Option<String>,
    #[graphql(default)]
    pub answers: Vec<Answer>,
    /// The date on the form; today when not given.
    pub signed_on: Option<NaiveDate>,
    /// Where the form is kept, who witnessed it.
    pub note: String,
}

#[derive(InputObject)]
pub struct GrantExemptionInput {
    pub person_id: Uuid,
    /// Null: every policy.
    pub policy_id: Option<Uuid>,
    pub reason: String,
    pub starts_on: Option<NaiveDate>,
    /// The last day it covers.
    pub ends_on: NaiveDate,
}

#[derive(InputObject)]
pub struct SigningRulesInput {
    pub policy_id: Uuid,
    /// Sign again every N months after signing…
    pub resign_every_months: Option<u32>,
    /// …or each year on this day, as MM-DD (e.g. "09-01")…
    pub resign_annually_on: Option<String>,
    /// …or only when a version requiring it is published (set true).
    #[graphql(default)]
    pub only_on_new_version: bool,
    #[graphql(default = 14)]
    pub grace_days: u32,
}

fn schedule(input: &SigningRulesInput) -> async_graphql::Result<ResignSchedule> {
    let chosen = usize::from(input.resign_every_months.is_some())
        + usize::from(input.resign_annually_on.is_some())
        + usize::from(input.only_on_new_version);
    if chosen != 1 {
        return Err(coded(
            ErrorCode::BadUserInput,
            "give exactly one of resignEveryMonths, resignAnnuallyOn, onlyOnNewVersion",
        ));
    }
    if let Some(months) = input.resign_every_months {
        return ResignSchedule::every_months(months)
            .map_err(Into::into)
            .gql();
    }
    if let Some(day) = &input.resign_annually_on {
        let bad = || {
            coded(
                ErrorCode::BadUserInput,
                format!("resignAnnuallyOn: '{day}' is not MM-DD (e.g. 09-01)"),
            )
        };
        let (month, day_of_month) = day.split_once('-').ok_or_else(bad)?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        let day_of_month: u32 = day_of_month.parse().map_err(|_| bad())?;
        return ResignSchedule::annually_on(month, day_of_month)
            .map_err(Into::into)
            .gql();
    }
    Ok(ResignSchedule::OnNewVersion)
}

#[derive(Default)]
pub struct SigningMutation;

#[Object]
impl SigningMutation {
    /// Sign a policy version: as the signed-in member of staff, or with a magic link.
    async fn sign_policy(
        &self,
        ctx: &Context<'_>,
        input: SignPolicyInput,
    ) -> async_graphql::Result<Acceptance> {
        let app = app(ctx)?;
        let sign = SignPolicy {
            version: PolicyVersionId::from_uuid(input.version_id),
            school: input.school_id.map(SchoolId::from_uuid),
            content_hash: input.content_hash,
            typed_name: input.typed_name,
            role: input.role,
            answers: answers_map(input.answers),
        };
        let signed = match input.magic_link_token {
            Some(token) => {
                let origin = origin(ctx);
                let address = origin.ip.clone();
                app.link_attempt(
                    address.as_deref(),
                    app.sign_with_magic_link(&token, sign, origin),
                )
                .await
            }
            None => app.sign_policy(principal(ctx)?, sign, origin(ctx)).await,
        };
        signed.map(Acceptance).gql()
    }

    /// Decline to sign, with a reason your school admin sees.
    async fn decline_policy(
        &self,
        ctx: &Context<'_>,
        input: DeclinePolicyInput,
    ) -> async_graphql::Result<Acceptance> {
        let app = app(ctx)?;
        let decline = DeclinePolicy {
            version: PolicyVersionId::from_uuid(input.version_id),
            school: input.school_id.map(SchoolId::from_uuid),
            content_hash: input.content_hash,
            reason: input.reason,
        };
        let declined = match input.magic_link_token {
            Some(token) => {
                let origin = origin(ctx);
                let address = origin.ip.clone();
                app.link_attempt(
                    address.as_deref(),
                    app.decline_with_magic_link(&token, decline, origin),
                )
                .await
            }
            None => {
                app.decline_policy(principal(ctx)?, decline, origin(ctx))
                    .await
            }
        };
        declined.map(Acceptance).gql()
    }

    /// Record a signed paper form (school admins). Marked as paper everywhere.
    async fn record_paper_acceptance(
        &self,
        ctx: &Context<'_>,
        input: RecordPaperAcceptanceInput,
    ) -> async_graphql::Result<Acceptance> {
        app(ctx)?
            .record_paper_acceptance(
                principal(ctx)?,
                PaperAcceptance {
                    person: PersonId::from_uuid(input.person_id),
                    version: PolicyVersionId::from_uuid(input.version_id),
                    school: input.school_id.map(SchoolId::from_uuid),
                    typed_name: input.typed_name,
                    role: input.role,
                    answers: answers_map(input.answers),
                    signed_on: input.signed_on,
                    note: input.note,
                },
                origin(ctx),
            )
            .await
            .map(Acceptance)
            .gql()
    }

    /// Excuse someone from signing until a date (e.g. long-term leave).
    async fn grant_exemption(
        &self,
        ctx: &Context<'_>,
        input: GrantExemptionInput,
    ) -> async_graphql::Result<Exemption> {
        app(ctx)?
            .grant_exemption(
                principal(ctx)?,
                GrantExemption {
                    person: PersonId::from_uuid(input.person_id),
                    policy: input.policy_id.map(PolicyId::from_uuid),
                    reason: input.reason,
                    starts_on: input.starts_on,
                    ends_on: input.ends_on,
                },
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Email a person a single-use link to sign the policy's current version (queued
    /// in the outbox; the mailer delivers it).
    async fn send_magic_link(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
        policy_id: Uuid,
        valid_days: Option<i64>,
    ) -> async_graphql::Result<MagicLinkSent> {
        let sent = app(ctx)?
            .send_magic_link(
                principal(ctx)?,
                PersonId::from_uuid(person_id),
                PolicyId::from_uuid(policy_id),
                valid_days,
            )
            .await
            .gql()?;
        Ok(MagicLinkSent {
            link_id: sent.link.as_uuid(),
            email: sent.email,
            expires_at: sent.expires_at,
        })
    }

    /// How often a policy is signed again, and the grace before overdue.
    async fn set_signing_rules(
        &self,
        ctx: &Context<'_>,
        input: SigningRulesInput,
    ) -> async_graphql::Result<Policy> {
        let schedule = schedule(&input)?;
        app(ctx)?
            .set_signing_rules(
                principal(ctx)?,
                PolicyId::from_uuid(input.policy_id),
                schedule,
                input.grace_days,
            )
            .await
            .map(Policy)
            .gql()
    }
}
