//! People: the directory's records of them, and where each stands with their policies
//! (what they must sign, and what they signed). One module because the types refer to
//! each other: a person lists their standings, and an acceptance names its person.

use std::collections::BTreeMap;

use async_graphql::{Context, Object, SimpleObject};
use attest_app::{AcceptanceEvidence, ComplianceFilter, ComplianceRow};
use attest_domain as domain;
use attest_domain::{PersonId, SchoolId};
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::context::{app, loader, principal};
use crate::error::OrGraphql;
use crate::loaders::{GrantsOf, MembershipsOf};
use crate::policy::Policy;
use crate::school::{
    Answer, ComplianceStatus, Decision, MembershipKind, Role, School, SigningMethod, loaded,
};

pub struct Person(pub domain::Person);

#[Object]
impl Person {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn full_name(&self) -> &str {
        self.0.full_name.as_str()
    }
    async fn email(&self) -> Option<&str> {
        self.0.email.as_ref().map(domain::Email::as_str)
    }
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }
    /// Memberships in the schools you can see; former ones only when asked.
    async fn memberships(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false)] include_left: bool,
    ) -> async_graphql::Result<Vec<Membership>> {
        let memberships = loader(ctx)?
            .load_one(MembershipsOf(self.0.id))
            .await
            .map_err(loaded)?
            .unwrap_or_default();
        let today = crate::context::app(ctx)?.today();
        Ok(memberships
            .into_iter()
            .filter(|membership| {
                include_left || membership.is_active_on(today) || membership.started_on > today
            })
            .map(Membership)
            .collect())
    }
    /// Every policy this person must sign, with where they stand.
    #[graphql(complexity = "crate::cost::PERSON_READ + 10 * child_complexity")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        as_of: Option<DateTime<Utc>>,
    ) -> async_graphql::Result<Vec<ComplianceEntry>> {
        policies_of(ctx, self.0.id, as_of).await
    }
    /// Roles this person holds now. Trust admins only.
    async fn roles(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<RoleGrant>> {
        let grants = loader(ctx)?
            .load_one(GrantsOf(self.0.id))
            .await
            .map_err(loaded)?
            .unwrap_or_default();
        Ok(grants.into_iter().map(RoleGrant).collect())
    }
}

pub struct Membership(pub domain::Membership);

#[Object]
impl Membership {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn kind(&self) -> MembershipKind {
        self.0.kind.into()
    }
    async fn job_title(&self) -> Option<&str> {
        self.0.job_title.as_deref()
    }
    async fn started_on(&self) -> NaiveDate {
        self.0.started_on
    }
    /// The first day the person is no longer a member.
    async fn ended_on(&self) -> Option<NaiveDate> {
        self.0.ended_on
    }
    async fn active(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        Ok(self.0.is_active_on(crate::context::app(ctx)?.today()))
    }
    async fn school(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<School>> {
        Ok(loader(ctx)?
            .load_one(self.0.school)
            .await
            .map_err(loaded)?
            .map(School))
    }
    async fn person(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Person>> {
        Ok(loader(ctx)?
            .load_one(self.0.person)
            .await
            .map_err(loaded)?
            .map(Person))
    }
}

pub struct RoleGrant(pub domain::RoleGrant);

#[Object]
impl RoleGrant {
    async fn id(&self) -> Uuid {
        self.0.id.as_uuid()
    }
    async fn role(&self) -> Role {
        self.0.assignment.role().into()
    }
    async fn school_id(&self) -> Option<Uuid> {
        self.0.assignment.school().map(|school| school.as_uuid())
    }
    async fn person_id(&self) -> Uuid {
        self.0.person.as_uuid()
    }
    async fn granted_at(&self) -> DateTime<Utc> {
        self.0.granted_at
    }
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

pub(crate) async fn load_person(
    ctx: &Context<'_>,
    id: PersonId,
) -> async_graphql::Result<Option<Person>> {
    match principal(ctx)?.own_records() {
        // A member of staff sees themselves (the directory loader needs admin roles).
        Some(own) if own.person() == id => Ok(None),
        _ => Ok(loader(ctx)?
            .load_one(id)
            .await
            .map_err(crate::school::loaded)?
            .map(Person)),
    }
}

pub(crate) async fn load_school(
    ctx: &Context<'_>,
    id: SchoolId,
) -> async_graphql::Result<Option<School>> {
    Ok(loader(ctx)?
        .load_one(id)
        .await
        .map_err(crate::school::loaded)?
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
    /// Who signed and how they were authenticated, that the text was open, the changes
    /// shown, the personal-field commitment, and any erasure.
    async fn evidence(&self) -> crate::signature_evidence::SignatureEvidence {
        (&self.0).into()
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
    /// Who approved the version before it was published, with the meeting and minute;
    /// null when it was published without an approval step.
    pub approval: Option<String>,
}

impl From<&AcceptanceEvidence> for SignedText {
    fn from(evidence: &AcceptanceEvidence) -> Self {
        Self {
            markdown: evidence.markdown.clone(),
            html: evidence.html.clone(),
            verified: evidence.text_verified,
            approval: evidence.approval.clone(),
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
