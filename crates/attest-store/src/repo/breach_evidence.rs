//! Evidence files attached to a breach. Every read goes through the breach first, so a
//! school admin's scope reaches only files of breaches involving one of its schools.

use attest_domain::{BreachId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

use super::breaches::Breaches;
use crate::StoreError;
use crate::entities::breach_evidence;

pub use attest_domain::EvidenceFile;

pub struct NewEvidenceFile<'b> {
    pub file_name: String,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: &'b [u8],
    pub description: Option<String>,
    pub uploaded_by_kind: &'static str,
    pub uploaded_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct BreachEvidenceFiles<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

/// The columns listed: everything but the bytes.
const LISTED: [breach_evidence::Column; 11] = [
    breach_evidence::Column::Id,
    breach_evidence::Column::BreachId,
    breach_evidence::Column::FileName,
    breach_evidence::Column::ContentType,
    breach_evidence::Column::SizeBytes,
    breach_evidence::Column::Sha256,
    breach_evidence::Column::Description,
    breach_evidence::Column::UploadedByKind,
    breach_evidence::Column::UploadedById,
    breach_evidence::Column::UploadedAt,
    breach_evidence::Column::TrustId,
];

type Listed = (
    uuid::Uuid,
    uuid::Uuid,
    String,
    String,
    i64,
    String,
    Option<String>,
    String,
    Option<uuid::Uuid>,
    DateTime<Utc>,
    uuid::Uuid,
);

fn to_file(row: Listed) -> EvidenceFile {
    let (id, breach, file_name, content_type, size, sha256, description, kind, by, at, _) = row;
    EvidenceFile {
        id,
        breach: BreachId::from_uuid(breach),
        file_name,
        content_type,
        size: u64::try_from(size).unwrap_or_default(),
        sha256,
        description,
        uploaded_by_kind: kind,
        uploaded_by: by,
        uploaded_at: at,
    }
}

impl<'a, C: ConnectionTrait> BreachEvidenceFiles<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn trust(&self) -> uuid::Uuid {
        self.scope.trust().as_uuid()
    }

    fn of_breach(&self, breach: BreachId) -> sea_orm::Select<breach_evidence::Entity> {
        breach_evidence::Entity::find()
            .filter(breach_evidence::Column::TrustId.eq(self.trust()))
            .filter(breach_evidence::Column::BreachId.eq(breach.as_uuid()))
    }

    /// How many files the breach holds.
    pub async fn count(&self, breach: BreachId) -> Result<u64, StoreError> {
        Ok(self.of_breach(breach).count(self.conn).await?)
    }

    pub async fn insert(
        &self,
        breach: BreachId,
        new: NewEvidenceFile<'_>,
    ) -> Result<EvidenceFile, StoreError> {
        Breaches::new(self.conn, self.scope).get(breach).await?;
        let id = uuid::Uuid::now_v7();
        breach_evidence::Entity::insert(breach_evidence::ActiveModel {
            id: Set(id),
            trust_id: Set(self.trust()),
            breach_id: Set(breach.as_uuid()),
            file_name: Set(new.file_name.clone()),
            content_type: Set(new.content_type.to_owned()),
            size_bytes: Set(i64::try_from(new.content.len()).unwrap_or(i64::MAX)),
            sha256: Set(new.sha256.clone()),
            content: Set(new.content.to_vec()),
            description: Set(new.description.clone()),
            uploaded_by_kind: Set(new.uploaded_by_kind.to_owned()),
            uploaded_by_id: Set(new.uploaded_by),
            uploaded_at: Set(new.at),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(EvidenceFile {
            id,
            breach,
            file_name: new.file_name,
            content_type: new.content_type.to_owned(),
            size: new.content.len() as u64,
            sha256: new.sha256,
            description: new.description,
            uploaded_by_kind: new.uploaded_by_kind.to_owned(),
            uploaded_by: new.uploaded_by,
            uploaded_at: new.at,
        })
    }

    /// The breach's files, oldest first, without their bytes.
    pub async fn list(&self, breach: BreachId) -> Result<Vec<EvidenceFile>, StoreError> {
        Breaches::new(self.conn, self.scope).get(breach).await?;
        let rows: Vec<Listed> = self
            .of_breach(breach)
            .select_only()
            .columns(LISTED)
            .order_by_asc(breach_evidence::Column::UploadedAt)
            .order_by_asc(breach_evidence::Column::Id)
            .into_tuple()
            .all(self.conn)
            .await?;
        Ok(rows.into_iter().map(to_file).collect())
    }

    /// One file with its bytes.
    pub async fn get(
        &self,
        breach: BreachId,
        id: uuid::Uuid,
    ) -> Result<(EvidenceFile, Vec<u8>), StoreError> {
        Breaches::new(self.conn, self.scope).get(breach).await?;
        let model = self
            .of_breach(breach)
            .filter(breach_evidence::Column::Id.eq(id))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("evidence file"))?;
        let file = to_file((
            model.id,
            model.breach_id,
            model.file_name,
            model.content_type,
            model.size_bytes,
            model.sha256,
            model.description,
            model.uploaded_by_kind,
            model.uploaded_by_id,
            model.uploaded_at,
            model.trust_id,
        ));
        Ok((file, model.content))
    }
}
