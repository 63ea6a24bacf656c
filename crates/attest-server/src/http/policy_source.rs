//! `GET /exports/policy-versions/{id}/source`: the file a policy version was imported
//! from, byte for byte, for the policy's admins (session or API token).

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};

/// A stored file as a download: an attachment under its own name, sandboxed should a
/// browser try to show it, never cached, with its SHA-256 in `hash_header`.
pub(crate) fn stored_file(
    content_type: &str,
    file_name: &str,
    hash_header: &'static str,
    sha256: &str,
    bytes: Vec<u8>,
) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(file_name.to_owned())],
        })
        .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
        .insert_header(("Cache-Control", "no-store"))
        .insert_header((hash_header, sha256.to_owned()))
        .body(bytes)
}
use attest_app::App;
use attest_domain::PolicyVersionId;

use super::caller::Caller;
use super::web_error::WebError;

pub async fn download_source(
    caller: Caller,
    app: web::Data<App>,
    path: web::Path<PolicyVersionId>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required("send an API token: Authorization: Bearer attest_…")?;
    let (file, bytes) = app
        .policy_source_file_bytes(principal, path.into_inner())
        .await
        .map_err(WebError::download)?;
    Ok(caller.answer(stored_file(
        &file.content_type,
        &file.file_name,
        "X-Source-SHA256",
        &file.sha256,
        bytes,
    )))
}
