//! Documents of a request: `POST /requests/{id}/documents` takes one file from the
//! request page's form (a session with its CSRF field) or a script (an API token), read
//! and checked as breach evidence is; `GET /exports/requests/{id}/documents/{file}`
//! hands it back as an attachment.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, DocumentUpload};

use super::breach_evidence::{Refused, read_form};
use super::requests::show_request;
use super::see_other;
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

/// `POST /requests/{id}/documents` (multipart: `file`, optional `description`, and the
/// page's `csrf` for a session). A page goes back to the request; a script gets 201
/// and the document's record as JSON.
pub async fn attach_document(
    mut caller: Caller,
    app: web::Data<App>,
    id: web::Path<uuid::Uuid>,
    parts: Multipart,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let from_page = caller.session().is_ok();
    if !from_page {
        caller.required("send an API token: Authorization: Bearer attest_…")?;
    }
    let (form, refused) = read_form(parts).await;
    if from_page {
        caller.confirm_form(&app, &form.csrf)?;
    }
    let outcome = match refused {
        Some(refused) => Err(refused),
        None => {
            let principal = caller.required("not signed in")?;
            let upload = DocumentUpload {
                file_name: form.upload.file_name,
                bytes: form.upload.bytes,
                description: form.upload.description,
            };
            app.attach_request_document(principal, id, upload)
                .await
                .map_err(Refused::App)
        }
    };
    match (outcome, from_page) {
        (Ok(_), true) => Ok(caller.answer(see_other(format!("/requests/{id}#documents")))),
        (Ok(file), false) => Ok(HttpResponse::Created().json(serde_json::json!({
            "id": file.id,
            "fileName": file.file_name,
            "contentType": file.content_type,
            "size": file.size_bytes,
            "sha256": file.sha256,
            "uploadedAt": file.uploaded_at,
        }))),
        (Err(Refused::TooLarge(message)), true) => {
            show_request(
                &caller,
                &app,
                id,
                Some((StatusCode::PAYLOAD_TOO_LARGE, message)),
            )
            .await
        }
        (Err(Refused::TooLarge(message)), false) => {
            Ok(HttpResponse::PayloadTooLarge().body(message))
        }
        (Err(Refused::App(error @ AppError::InvalidInput { .. })), true) => {
            show_request(
                &caller,
                &app,
                id,
                Some((StatusCode::UNPROCESSABLE_ENTITY, error.for_people())),
            )
            .await
        }
        (Err(Refused::App(error)), true) => Err(WebError::page(error)),
        (Err(Refused::App(error)), false) => Err(WebError::download(error)),
    }
}

/// `GET /exports/requests/{id}/documents/{file}`: the file as an attachment.
pub async fn download_document(
    caller: Caller,
    app: web::Data<App>,
    path: web::Path<(uuid::Uuid, uuid::Uuid)>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required("send an API token: Authorization: Bearer attest_…")?;
    let (id, document) = path.into_inner();
    let (file, bytes) = app
        .request_document(principal, id, document)
        .await
        .map_err(WebError::download)?;
    Ok(caller.answer(crate::http::policy_source::stored_file(
        &file.content_type,
        &file.file_name,
        "X-Document-SHA256",
        &file.sha256,
        bytes,
    )))
}
