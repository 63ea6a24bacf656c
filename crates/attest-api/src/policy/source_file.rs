//! The file a version was imported from, described for admins.

use async_graphql::SimpleObject;
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(SimpleObject)]
pub struct PolicySourceFile {
    pub file_name: String,
    /// docx, pdf or text (text includes Markdown).
    pub format: String,
    pub content_type: String,
    pub size_bytes: u64,
    /// SHA-256 of the file's bytes, hex.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    /// person, api_token or operator (the CLI).
    pub uploaded_by_kind: String,
    pub uploaded_by_id: Option<Uuid>,
    /// Where an admin downloads it (with their session or an API token).
    pub download_path: String,
}

impl From<attest_app::PolicySourceFile> for PolicySourceFile {
    fn from(file: attest_app::PolicySourceFile) -> Self {
        Self {
            download_path: download_path(file.version.as_uuid()),
            file_name: file.file_name,
            format: file.format,
            content_type: file.content_type,
            size_bytes: file.size,
            sha256: file.sha256,
            uploaded_at: file.uploaded_at,
            uploaded_by_kind: file.uploaded_by_kind,
            uploaded_by_id: file.uploaded_by,
        }
    }
}

/// `GET /exports/policy-versions/{id}/source`, served by attest-server.
pub fn download_path(version: Uuid) -> String {
    format!("/exports/policy-versions/{version}/source")
}
