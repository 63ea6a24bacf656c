//! Documents of a request: what was sent to the requester (the disclosure bundle, the
//! refusal letter), the clarification asked for. Checked and stored like breach
//! evidence; anyone who works the request may attach and download.

use attest_domain::{EVIDENCE_MAX_FILES, Principal, breach_optional_text, check_evidence};
use attest_store::{
    InfoRequests, NewRequestDocument, RequestDocument, RequestDocuments, TransactionTrait,
};
use serde_json::json;

use super::steps::log_request_step;
use super::{reach, require_worker};
use crate::{App, AppError};

/// A file as it arrived.
#[derive(Debug, Clone, Default)]
pub struct DocumentUpload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    pub description: Option<String>,
}

impl App {
    pub async fn attach_request_document(
        &self,
        principal: &Principal,
        request: uuid::Uuid,
        upload: DocumentUpload,
    ) -> Result<RequestDocument, AppError> {
        require_worker(principal)?;
        let scope = principal.scope();
        InfoRequests::new(&self.db, &scope).get(request).await?;
        self.rate_limits.hit(
            crate::Limit::EvidenceUpload,
            &crate::rate_limit::principal_key(principal),
        )?;
        let checked = check_evidence(&upload.file_name, &upload.bytes)?;
        let description = breach_optional_text("description", upload.description.as_deref())?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let requests = InfoRequests::new(&txn, &scope);
        requests.lock(request).await?;
        let current = requests.get(request).await?;
        let documents = RequestDocuments::new(&txn, &scope);
        if documents.count(request).await? >= EVIDENCE_MAX_FILES as u64 {
            return Err(AppError::invalid(
                "file",
                format!(
                    "{} already holds {EVIDENCE_MAX_FILES} documents; combine some into one PDF",
                    current.reference
                ),
            ));
        }
        let actor = principal.actor();
        let document = documents
            .insert(
                request,
                NewRequestDocument {
                    file_name: checked.file_name,
                    content_type: checked.kind.content_type(),
                    sha256: checked.sha256,
                    content: &upload.bytes,
                    description,
                    uploaded_by_kind: actor.kind(),
                    uploaded_by: actor.id(),
                    at,
                },
            )
            .await?;
        let detail = json!({
            "document_id": document.id,
            "file_name": document.file_name,
            "content_type": document.content_type,
            "size": document.size_bytes,
            "sha256": document.sha256,
        });
        log_request_step(&txn, principal, &current, "document_attached", &detail, at).await?;
        txn.commit().await?;
        Ok(document)
    }

    /// One document with its bytes.
    pub async fn request_document(
        &self,
        principal: &Principal,
        request: uuid::Uuid,
        document: uuid::Uuid,
    ) -> Result<(RequestDocument, Vec<u8>), AppError> {
        reach(principal)?;
        Ok(RequestDocuments::new(&self.db, &principal.scope())
            .get(request, document)
            .await?)
    }
}
