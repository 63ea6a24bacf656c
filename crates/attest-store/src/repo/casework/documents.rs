//! Documents of a request (the letters sent, the disclosure bundle, the ID seen). Every
//! read goes through the request first, so a school admin's scope reaches only its
//! schools' requests' files.

use attest_domain::TenantScope;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::InfoRequests;
use crate::StoreError;
use crate::repo::raw::Raw;

#[derive(Debug, Clone, FromQueryResult)]
pub struct RequestDocument {
    pub id: uuid::Uuid,
    pub request_id: uuid::Uuid,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub sha256: String,
    pub description: Option<String>,
    pub uploaded_by_kind: String,
    pub uploaded_by_id: Option<uuid::Uuid>,
    pub uploaded_at: DateTime<Utc>,
}

pub struct NewRequestDocument<'b> {
    pub file_name: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: &'b [u8],
    pub description: Option<String>,
    pub uploaded_by_kind: &'static str,
    pub uploaded_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

#[derive(FromQueryResult)]
struct Content {
    content: Vec<u8>,
}

#[derive(FromQueryResult)]
struct Count {
    files: i64,
}

const LISTED: &str = "id, request_id, file_name, content_type, size_bytes, sha256, description, uploaded_by_kind, uploaded_by_id, uploaded_at";

pub struct RequestDocuments<'a, C> {
    raw: Raw<'a, C>,
}

impl<'a, C: ConnectionTrait> RequestDocuments<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    pub async fn count(&self, request: uuid::Uuid) -> Result<u64, StoreError> {
        let row = Count::find_by_statement(self.raw.statement(
            "SELECT COUNT(*) AS files FROM info_request_documents WHERE trust_id = $1 AND request_id = $2",
            vec![self.raw.trust(), request.into()],
        ))
        .one(self.raw.conn)
        .await?;
        Ok(row.map_or(0, |row| u64::try_from(row.files).unwrap_or_default()))
    }

    pub async fn insert(
        &self,
        request: uuid::Uuid,
        new: NewRequestDocument<'_>,
    ) -> Result<RequestDocument, StoreError> {
        InfoRequests::new(self.raw.conn, self.raw.scope)
            .get(request)
            .await?;
        let id = uuid::Uuid::now_v7();
        self.raw
            .execute(
                "INSERT INTO info_request_documents (id, trust_id, request_id, file_name, content_type, size_bytes, sha256, content, description, uploaded_by_kind, uploaded_by_id, uploaded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                vec![
                    id.into(),
                    self.raw.trust(),
                    request.into(),
                    new.file_name.into(),
                    new.content_type.into(),
                    i64::try_from(new.content.len()).unwrap_or(i64::MAX).into(),
                    new.sha256.into(),
                    new.content.to_vec().into(),
                    new.description.into(),
                    new.uploaded_by_kind.into(),
                    new.uploaded_by.into(),
                    new.at.into(),
                ],
            )
            .await?;
        self.list(request)
            .await?
            .into_iter()
            .find(|file| file.id == id)
            .ok_or(StoreError::NotFound("document"))
    }

    /// The request's documents, oldest first, without their bytes.
    pub async fn list(&self, request: uuid::Uuid) -> Result<Vec<RequestDocument>, StoreError> {
        InfoRequests::new(self.raw.conn, self.raw.scope)
            .get(request)
            .await?;
        Ok(RequestDocument::find_by_statement(self.raw.statement(
            &format!("SELECT {LISTED} FROM info_request_documents WHERE trust_id = $1 AND request_id = $2 ORDER BY uploaded_at, id"),
            vec![self.raw.trust(), request.into()],
        ))
        .all(self.raw.conn)
        .await?)
    }

    /// One document with its bytes.
    pub async fn get(
        &self,
        request: uuid::Uuid,
        id: uuid::Uuid,
    ) -> Result<(RequestDocument, Vec<u8>), StoreError> {
        let file = self
            .list(request)
            .await?
            .into_iter()
            .find(|file| file.id == id)
            .ok_or(StoreError::NotFound("document"))?;
        let content = Content::find_by_statement(self.raw.statement(
            "SELECT content FROM info_request_documents WHERE trust_id = $1 AND request_id = $2 AND id = $3",
            vec![self.raw.trust(), request.into(), id.into()],
        ))
        .one(self.raw.conn)
        .await?
        .ok_or(StoreError::NotFound("document"))?;
        Ok((file, content.content))
    }
}
