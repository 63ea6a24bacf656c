//! Evidence files on a breach (article 33(5): the facts, effects and remedial action are
//! documented). Anyone who may see a breach may attach to it; a file is downloaded only
//! by those who see the breach's details in full (the DPO, trust admins, a school admin
//! without special category details withheld) or by whoever attached it.

use attest_domain::EvidenceFile;
use attest_domain::{
    BreachId, EVIDENCE_MAX_FILES, Principal, breach_optional_text, check_evidence,
};
use attest_store::{BreachEvidenceFiles, Breaches, NewEvidenceFile, TransactionTrait};
use serde_json::json;

use super::change::{Step, log_step};
use super::{BreachView, Sight, read_only_token, sight};
use crate::audit::{Change, record};
use crate::{App, AppError};

/// A file offered as evidence, as it arrived.
#[derive(Debug, Clone, Default)]
pub struct EvidenceUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub description: Option<String>,
}

/// Whether this caller may download `file` of a breach they see as `view`.
fn may_download(principal: &Principal, view: &BreachView, file: &EvidenceFile) -> bool {
    match sight(principal) {
        Sight::Everything => true,
        Sight::Schools if !view.special_category_hidden => true,
        _ => file.uploaded_by.is_some() && file.uploaded_by == principal.actor().id(),
    }
}

impl App {
    /// Attaches a file to a breach: checked (size, kind from its bytes, name), hashed,
    /// stored, and entered on the timeline and in the audit log, in one transaction.
    pub async fn attach_breach_evidence(
        &self,
        principal: &Principal,
        id: BreachId,
        upload: EvidenceUpload,
    ) -> Result<EvidenceFile, AppError> {
        if read_only_token(principal) {
            return Err(AppError::forbidden(
                "a read-only token cannot attach evidence",
            ));
        }
        let view = self.breach(principal, id).await?;
        self.rate_limits.hit(
            crate::Limit::EvidenceUpload,
            &crate::rate_limit::principal_key(principal),
        )?;
        let checked = check_evidence(&upload.file_name, &upload.bytes)?;
        let description = breach_optional_text("description", upload.description.as_deref())?;
        let scope = self.register_scope(principal);
        let at = self.now();
        let txn = self.db.begin().await?;
        let breaches = Breaches::new(&txn, &scope);
        // Queues two uploads to one breach, so the count below holds.
        breaches.lock(id).await?;
        let files = BreachEvidenceFiles::new(&txn, &scope);
        if files.count(id).await? >= EVIDENCE_MAX_FILES as u64 {
            return Err(AppError::invalid(
                "file",
                format!(
                    "{} already holds {EVIDENCE_MAX_FILES} evidence files; combine some into one PDF",
                    view.breach.reference
                ),
            ));
        }
        let file = files
            .insert(
                id,
                NewEvidenceFile {
                    file_name: checked.file_name,
                    content_type: checked.kind.content_type(),
                    sha256: checked.sha256,
                    content: &upload.bytes,
                    description,
                    uploaded_by_kind: principal.actor().kind(),
                    uploaded_by: principal.actor().id(),
                    at,
                },
            )
            .await?;
        let detail = json!({
            "evidence_id": file.id,
            "file_name": file.file_name,
            "content_type": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
        });
        log_step(
            &txn,
            principal,
            id,
            at,
            Step {
                event: "evidence_attached",
                detail: &detail,
                audit: "breach.evidence_attach",
                before: None,
                after: &json!({ "reference": view.breach.reference, "evidence": detail }),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(file)
    }

    /// The breach's evidence files this caller may download, oldest first.
    pub async fn breach_evidence(
        &self,
        principal: &Principal,
        id: BreachId,
    ) -> Result<Vec<EvidenceFile>, AppError> {
        let view = self.breach(principal, id).await?;
        Ok(
            BreachEvidenceFiles::new(&self.db, &self.register_scope(principal))
                .list(id)
                .await?
                .into_iter()
                .filter(|file| may_download(principal, &view, file))
                .collect(),
        )
    }

    /// One evidence file with its bytes, for download; each download is audited.
    pub async fn breach_evidence_file(
        &self,
        principal: &Principal,
        id: BreachId,
        evidence: uuid::Uuid,
    ) -> Result<(EvidenceFile, Vec<u8>), AppError> {
        let view = self.breach(principal, id).await?;
        let scope = self.register_scope(principal);
        let (file, bytes) = BreachEvidenceFiles::new(&self.db, &scope)
            .get(id, evidence)
            .await?;
        if !may_download(principal, &view, &file) {
            return Err(AppError::forbidden(
                "this evidence file is for the DPO and those who see the breach's details",
            ));
        }
        record(
            &self.db,
            principal,
            self.now(),
            Change {
                action: "breach.evidence_download",
                subject_type: "breach",
                subject_id: id.as_uuid(),
                before: None,
                after: Some(&json!({
                    "reference": view.breach.reference,
                    "evidence_id": file.id,
                    "sha256": file.sha256,
                })),
            },
        )
        .await?;
        Ok((file, bytes))
    }
}
