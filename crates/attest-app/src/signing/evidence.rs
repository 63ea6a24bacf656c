//! Evidence of signatures: one acceptance with the exact text signed, everything a
//! person ever signed, and re-rendering checks.

use attest_document::{Format, Reader, content_hash, render};
use attest_domain::{AcceptanceId, Person, PersonId, Principal, School};
use attest_store::{
    Acceptance, Acceptances, People, Policies, Policy, PolicyVersion, PolicyVersions, Schools,
};

use crate::{App, AppError};

/// An acceptance with everything needed to show it to an auditor.
pub struct AcceptanceEvidence {
    pub acceptance: Acceptance,
    pub person: Person,
    pub policy: Policy,
    pub version: PolicyVersion,
    pub school: School,
    /// The text as it was shown, re-rendered from the stored version and values.
    pub markdown: String,
    pub html: String,
    /// Whether the re-rendered text still hashes to the stored content hash.
    pub text_verified: bool,
    /// Who approved the version before it was published, with the meeting and minute
    /// ("Approved by the trust board, in effect from 8 December 2026: …"); `None` for
    /// a version published without an approval step.
    pub approval: Option<String>,
    /// The server's signed statement that covers this row: the first anchor at or
    /// after it, else the signed head.
    pub seal: Option<String>,
}

/// The outcome of re-checking one acceptance.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AcceptanceCheck {
    pub acceptance: AcceptanceId,
    pub seq: i64,
    /// The stored version re-rendered with the stored values hashes to the stored hash.
    pub text_matches: bool,
    /// The row's fields still hash to its stored row hash.
    pub row_intact: bool,
    pub stored_content_hash: String,
    pub rendered_content_hash: String,
}

impl AcceptanceCheck {
    pub fn ok(&self) -> bool {
        self.text_matches && self.row_intact
    }
}

fn rendered(version: &PolicyVersion, acceptance: &Acceptance, format: Format) -> String {
    let reader = Reader {
        variables: Some(&acceptance.variables),
        audience: Some(acceptance.audience_kind),
    };
    render(&version.document, &reader, format)
}

pub(super) fn check(version: &PolicyVersion, acceptance: &Acceptance) -> AcceptanceCheck {
    let reader = Reader {
        variables: Some(&acceptance.variables),
        audience: Some(acceptance.audience_kind),
    };
    let rendered_content_hash = content_hash(&version.document, &reader).0;
    // The row's own hash, and (format 2) its personal fields against their commitment;
    // erased fields leave the row intact.
    let row_intact = acceptance.expected_hash() == acceptance.row_hash
        && acceptance.personal_check() != attest_domain::PersonalCheck::Altered;
    AcceptanceCheck {
        acceptance: acceptance.id,
        seq: acceptance.seq,
        text_matches: rendered_content_hash == acceptance.content_hash,
        row_intact,
        stored_content_hash: acceptance.content_hash.clone(),
        rendered_content_hash,
    }
}

impl App {
    /// Who may read an acceptance: anyone whose scope covers its school (admins, the
    /// DPO), and the person who signed it.
    async fn readable_acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<(Acceptance, attest_domain::TenantScope), AppError> {
        // A person's own scope finds only their own acceptances; anyone else's is read
        // through the scope their roles give.
        if let Some(own) = principal.own_records() {
            let (_, scope) = own.keyed();
            match Acceptances::new(&self.db, scope).get(id).await {
                Ok(acceptance) => return Ok((acceptance, scope.clone())),
                Err(attest_store::StoreError::NotFound(_)) => {}
                Err(error) => return Err(error.into()),
            }
        }
        let scope = principal.scope();
        let acceptance = Acceptances::new(&self.db, &scope).get(id).await?;
        Ok((acceptance, scope))
    }

    /// One acceptance, without re-rendering its text.
    pub async fn acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<Acceptance, AppError> {
        Ok(self.readable_acceptance(principal, id).await?.0)
    }

    pub async fn acceptance_evidence(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<AcceptanceEvidence, AppError> {
        let (acceptance, scope) = self.readable_acceptance(principal, id).await?;
        self.evidence_for(&scope, acceptance).await
    }

    async fn evidence_for(
        &self,
        scope: &attest_domain::TenantScope,
        acceptance: Acceptance,
    ) -> Result<AcceptanceEvidence, AppError> {
        let version = PolicyVersions::new(&self.db, scope)
            .get(acceptance.version)
            .await?;
        let policy = Policies::new(&self.db, scope)
            .get(acceptance.policy)
            .await?;
        let person = People::new(&self.db, scope).get(acceptance.person).await?;
        let school = Schools::new(&self.db, scope).get(acceptance.school).await?;
        let markdown = rendered(&version, &acceptance, Format::Markdown);
        let html = rendered(&version, &acceptance, Format::Html);
        let text_verified = check(&version, &acceptance).text_matches;
        let approval =
            crate::approval::approval_note(&self.db, scope, policy.id, version.id).await?;
        let seal = self.seal_note(scope.trust(), acceptance.seq).await?;
        Ok(AcceptanceEvidence {
            approval,
            seal,
            acceptance,
            person,
            policy,
            version,
            school,
            markdown,
            html,
            text_verified,
        })
    }

    /// Everything a person has signed or declined, ever, oldest first.
    pub async fn person_evidence(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<AcceptanceEvidence>, AppError> {
        let scope = own_or_granted_scope(principal, person);
        People::new(&self.db, &scope).get(person).await?;
        let rows = Acceptances::new(&self.db, &scope)
            .for_person(person)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.evidence_for(&scope, row).await?);
        }
        Ok(out)
    }

    /// Acceptances of a person (no text), for lists.
    pub async fn acceptances_of(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<Acceptance>, AppError> {
        let scope = own_or_granted_scope(principal, person);
        People::new(&self.db, &scope).get(person).await?;
        Ok(Acceptances::new(&self.db, &scope)
            .for_person(person)
            .await?)
    }

    /// Re-renders the signed version with the stored values and checks both hashes.
    pub async fn verify_acceptance(
        &self,
        principal: &Principal,
        id: AcceptanceId,
    ) -> Result<AcceptanceCheck, AppError> {
        let (acceptance, scope) = self.readable_acceptance(principal, id).await?;
        let version = PolicyVersions::new(&self.db, &scope)
            .get(acceptance.version)
            .await?;
        Ok(check(&version, &acceptance))
    }
}

/// A person reads their own records across the trust; anyone else within their scope.
fn own_or_granted_scope(principal: &Principal, person: PersonId) -> attest_domain::TenantScope {
    principal
        .own_records()
        .and_then(|own| own.scope_for(person).cloned())
        .unwrap_or_else(|| principal.scope())
}
