//! `GET /exports/policy-versions/{id}/source`: the file a policy version was imported
//! from, byte for byte, for the policy's admins (session or API token).

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpResponse, web};
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
    Ok(caller.answer(
        HttpResponse::Ok()
            .content_type(file.content_type.as_str())
            .insert_header(ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::Filename(file.file_name.clone())],
            })
            // A school's file is shown to no one as a page of this site.
            .insert_header(("Content-Security-Policy", "sandbox; default-src 'none'"))
            .insert_header(("Cache-Control", "no-store"))
            .insert_header(("X-Source-SHA256", file.sha256.clone()))
            .body(bytes),
    ))
}
