//! The file each imported policy version came from. Every read goes through the version
//! first, so a scope reaches only files of versions of policies it can see.

use attest_domain::{PolicyVersionId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set};

use super::policy_versions::PolicyVersions;
use crate::StoreError;
use crate::entities::policy_version_file;

/// What is known about a version's original file, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PolicySourceFile {
    pub id: uuid::Uuid,
    pub version: PolicyVersionId,
    pub file_name: String,
    /// "docx", "pdf" or "text".
    pub format: String,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub uploaded_by_kind: String,
    pub uploaded_by: Option<uuid::Uuid>,
    pub uploaded_at: DateTime<Utc>,
}

pub struct NewPolicySourceFile<'b> {
    pub file_name: String,
    pub format: &'static str,
    pub content_type: &'static str,
    pub sha256: String,
    pub content: &'b [u8],
    pub uploaded_by_kind: &'static str,
    pub uploaded_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct PolicyVersionFiles<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

/// The columns described: everything but the bytes.
const DESCRIBED: [policy_version_file::Column; 10] = [
    policy_version_file::Column::Id,
    policy_version_file::Column::VersionId,
    policy_version_file::Column::FileName,
    policy_version_file::Column::Format,
    policy_version_file::Column::ContentType,
    policy_version_file::Column::SizeBytes,
    policy_version_file::Column::Sha256,
    policy_version_file::Column::UploadedByKind,
    policy_version_file::Column::UploadedById,
    policy_version_file::Column::UploadedAt,
];

type Described = (
    uuid::Uuid,
    uuid::Uuid,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<uuid::Uuid>,
    DateTime<Utc>,
);

fn to_file(row: Described) -> PolicySourceFile {
    let (id, version, file_name, format, content_type, size, sha256, kind, by, at) = row;
    PolicySourceFile {
        id,
        version: PolicyVersionId::from_uuid(version),
        file_name,
        format,
        content_type,
        size: u64::try_from(size).unwrap_or_default(),
        sha256,
        uploaded_by_kind: kind,
        uploaded_by: by,
        uploaded_at: at,
    }
}

impl<'a, C: ConnectionTrait> PolicyVersionFiles<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn of_version(&self, version: PolicyVersionId) -> sea_orm::Select<policy_version_file::Entity> {
        policy_version_file::Entity::find()
            .filter(policy_version_file::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy_version_file::Column::VersionId.eq(version.as_uuid()))
    }

    pub async fn insert(
        &self,
        version: PolicyVersionId,
        new: NewPolicySourceFile<'_>,
    ) -> Result<PolicySourceFile, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        let id = uuid::Uuid::now_v7();
        let size = new.content.len();
        policy_version_file::Entity::insert(policy_version_file::ActiveModel {
            id: Set(id),
            trust_id: Set(self.scope.trust().as_uuid()),
            version_id: Set(version.as_uuid()),
            file_name: Set(new.file_name.clone()),
            format: Set(new.format.to_owned()),
            content_type: Set(new.content_type.to_owned()),
            size_bytes: Set(i64::try_from(size).unwrap_or(i64::MAX)),
            sha256: Set(new.sha256.clone()),
            content: Set(new.content.to_vec()),
            uploaded_by_kind: Set(new.uploaded_by_kind.to_owned()),
            uploaded_by_id: Set(new.uploaded_by),
            uploaded_at: Set(new.at),
        })
        .exec_without_returning(self.conn)
        .await?;
        Ok(PolicySourceFile {
            id,
            version,
            file_name: new.file_name,
            format: new.format.to_owned(),
            content_type: new.content_type.to_owned(),
            size: size as u64,
            sha256: new.sha256,
            uploaded_by_kind: new.uploaded_by_kind.to_owned(),
            uploaded_by: new.uploaded_by,
            uploaded_at: new.at,
        })
    }

    /// The version's original file, if it was imported from one, without its bytes.
    pub async fn describe(
        &self,
        version: PolicyVersionId,
    ) -> Result<Option<PolicySourceFile>, StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        let row: Option<Described> = self
            .of_version(version)
            .select_only()
            .columns(DESCRIBED)
            .into_tuple()
            .one(self.conn)
            .await?;
        Ok(row.map(to_file))
    }

    /// The version's original file with its bytes.
    pub async fn get(
        &self,
        version: PolicyVersionId,
    ) -> Result<(PolicySourceFile, Vec<u8>), StoreError> {
        PolicyVersions::new(self.conn, self.scope)
            .get(version)
            .await?;
        let model = self
            .of_version(version)
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("policy version file"))?;
        let file = to_file((
            model.id,
            model.version_id,
            model.file_name,
            model.format,
            model.content_type,
            model.size_bytes,
            model.sha256,
            model.uploaded_by_kind,
            model.uploaded_by_id,
            model.uploaded_at,
        ));
        Ok((file, model.content))
    }
}
