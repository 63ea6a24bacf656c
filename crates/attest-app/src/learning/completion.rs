//! A school admin records one member of staff's training, with its certificate.

use attest_domain::{
    CompletionEvidence, PersonId, PolicyId, Principal, SchoolId, SigningMethod,
    TrainingCertificate, check_evidence,
};
use attest_store::{Acceptance, Learning, NewCertificate, TransactionTrait};
use chrono::NaiveDate;

use crate::signing::Completed;
use crate::{App, AppError, Limit};

/// A certificate file as it arrived.
#[derive(Debug, Clone)]
pub struct CertificateUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone)]
pub struct TrainingCompletion {
    pub person: PersonId,
    pub policy: PolicyId,
    /// Which of their schools, where they work at more than one the course reaches.
    pub school: Option<SchoolId>,
    pub completed_on: NaiveDate,
    pub certificate: CertificateUpload,
    pub note: Option<String>,
}

impl App {
    /// Records that a member of staff completed a course, keeping the certificate (its
    /// kind checked from its bytes, its hash sealed into the chain with the completion).
    pub async fn record_training_completion(
        &self,
        principal: &Principal,
        input: TrainingCompletion,
    ) -> Result<(Acceptance, TrainingCertificate), AppError> {
        let found = self
            .training_obligation(principal, input.person, input.policy, input.school)
            .await?;
        let checked = check_evidence(&input.certificate.file_name, &input.certificate.bytes)?;
        self.refuse_older_completion(principal, &found, input.completed_on)
            .await?;
        self.rate_limits.hit(
            Limit::TrainingRecord,
            &crate::rate_limit::principal_key(principal),
        )?;
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let certificate = Learning::new(&txn, &scope)
            .insert_certificate(NewCertificate {
                id: uuid::Uuid::new_v4(),
                person: found.person.id,
                policy: found.policy.id,
                file_name: checked.file_name,
                content_type: checked.kind.content_type(),
                sha256: checked.sha256,
                content: &input.certificate.bytes,
                uploaded_by: principal.actor().id(),
                at: self.now(),
            })
            .await?;
        // The file is kept before its completion is chained: a completion never points
        // at a file that is not there.
        txn.commit().await?;
        let acceptance = self
            .write_completion(
                principal,
                &found,
                Completed {
                    method: SigningMethod::Certificate,
                    completed_on: input.completed_on,
                    evidence: CompletionEvidence::Certificate {
                        file: certificate.id,
                        file_name: certificate.file_name.clone(),
                        sha256: certificate.sha256.clone(),
                    },
                    note: input.note,
                },
            )
            .await?;
        Ok((acceptance, certificate))
    }

    /// A completion dated on or before one already recorded would not count (the later
    /// answer wins), so it is refused with what is there.
    async fn refuse_older_completion(
        &self,
        principal: &Principal,
        found: &crate::signing::Obligation,
        completed_on: NaiveDate,
    ) -> Result<(), AppError> {
        let latest = Learning::new(&self.db, &principal.scope())
            .latest_completions(found.policy.id, Some(found.person.id))
            .await?;
        match latest.get(&found.person.id) {
            Some(recorded) if *recorded >= completed_on => Err(AppError::Conflict(format!(
                "{} already has a completion of '{}' dated {recorded}; a completion of {completed_on} adds nothing",
                found.person.full_name, found.policy.title
            ))),
            _ => Ok(()),
        }
    }

    /// A certificate's file, for those who may see the person.
    pub async fn training_certificate(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<(TrainingCertificate, Vec<u8>), AppError> {
        let scope = principal.scope();
        let (certificate, bytes) = Learning::new(&self.db, &scope).certificate(id).await?;
        let own = principal
            .own_records()
            .is_some_and(|own| own.person() == certificate.person);
        if !own {
            // Not found, rather than forbidden: a file of someone out of reach is not there.
            attest_store::People::new(&self.db, &scope)
                .get(certificate.person)
                .await
                .map_err(|_| AppError::NotFound("certificate not found".to_owned()))?;
        }
        Ok((certificate, bytes))
    }

    /// The certificates kept for a person.
    pub async fn training_certificates(
        &self,
        principal: &Principal,
        person: PersonId,
    ) -> Result<Vec<TrainingCertificate>, AppError> {
        let scope = self.person_scope(principal, person).await?;
        Ok(Learning::new(&self.db, &scope)
            .certificates_of(person)
            .await?)
    }
}
