//! Evidence files on a breach: `POST /breaches/{id}/evidence` takes one file from the
//! breach page's form (a session with the page's CSRF field) or from a script (an API
//! token); `GET /exports/breaches/{id}/evidence/{file}` hands it back, always as an
//! attachment that a browser neither shows nor runs.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, EvidenceUpload};
use attest_domain::{BreachId, EVIDENCE_MAX_BYTES, evidence_too_large};
use futures_util::StreamExt;

use super::breaches::show_breach;
use super::see_other;
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

/// Text fields of the upload form (the CSRF token, a description) are short.
const FIELD_MAX_BYTES: usize = 20_000;

/// Why an upload was not taken before it reached the application.
pub(super) enum Refused {
    TooLarge(String),
    App(AppError),
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Self {
        Self::App(error)
    }
}

#[derive(Default)]
pub(super) struct UploadForm {
    pub(super) csrf: String,
    pub(super) upload: EvidenceUpload,
    saw_file: bool,
}

fn malformed(error: impl std::fmt::Display) -> Refused {
    Refused::App(AppError::invalid(
        "file",
        format!("the upload could not be read ({error}); send it as multipart/form-data"),
    ))
}

/// Reads the form's parts, stopping as soon as one passes its limit. What was read
/// before a refusal (the page's token comes first) is kept.
pub(super) async fn read_form(parts: Multipart) -> (UploadForm, Option<Refused>) {
    let mut form = UploadForm::default();
    let refused = read_parts(parts, &mut form).await.err();
    (form, refused)
}

async fn read_parts(mut parts: Multipart, form: &mut UploadForm) -> Result<(), Refused> {
    while let Some(part) = parts.next().await {
        let mut part = part.map_err(malformed)?;
        let name = part.name().unwrap_or_default().to_owned();
        let file_name = part
            .content_disposition()
            .and_then(|disposition| disposition.get_filename())
            .map(str::to_owned);
        let limit = if name == "file" {
            EVIDENCE_MAX_BYTES
        } else {
            FIELD_MAX_BYTES
        };
        let mut bytes = Vec::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(malformed)?;
            if bytes.len() + chunk.len() > limit {
                let what = file_name.clone().unwrap_or_else(|| name.clone());
                return Err(Refused::TooLarge(
                    evidence_too_large(&what, bytes.len() + chunk.len()).to_string(),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = || String::from_utf8_lossy(&bytes).into_owned();
        match name.as_str() {
            "file" if form.saw_file => {
                return Err(Refused::App(AppError::invalid(
                    "file",
                    "attach one file at a time",
                )));
            }
            "file" => {
                form.saw_file = true;
                form.upload.file_name = file_name.unwrap_or_default();
                form.upload.bytes = bytes;
            }
            "csrf" => form.csrf = text(),
            "description" => form.upload.description = Some(text()),
            _ => {}
        }
    }
    if form.saw_file {
        Ok(())
    } else {
        Err(Refused::App(AppError::invalid(
            "file",
            "no file was sent: choose a file to attach",
        )))
    }
}

/// `POST /breaches/{id}/evidence` (multipart: `file`, optional `description`, and the
/// page's `csrf` for a session). A page goes back to the breach; a script gets 201 and
/// the file's record as JSON.
pub async fn attach_evidence(
    mut caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
    parts: Multipart,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let from_page = caller.session().is_ok();
    // Nobody's upload is read before they are known to be someone.
    if !from_page {
        caller.required("send an API token: Authorization: Bearer attest_…")?;
    }
    let (form, refused) = read_form(parts).await;
    // A page's form carries its token before the file: checked before anything else is
    // said about the upload.
    if from_page {
        caller.confirm_form(&app, &form.csrf)?;
    }
    let outcome = match refused {
        Some(refused) => Err(refused),
        None => {
            let principal = caller.required("not signed in")?;
            app.attach_breach_evidence(principal, id, form.upload)
                .await
                .map_err(Refused::App)
        }
    };
    match (outcome, from_page) {
        (Ok(_), true) => Ok(caller.answer(see_other(format!("/breaches/{id}#evidence")))),
        (Ok(file), false) => Ok(HttpResponse::Created().json(serde_json::json!({
            "id": file.id,
            "fileName": file.file_name,
            "contentType": file.content_type,
            "size": file.size,
            "sha256": file.sha256,
            "uploadedAt": file.uploaded_at,
        }))),
        (Err(Refused::TooLarge(message)), true) => {
            show_breach(
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
            show_breach(
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

/// `GET /exports/breaches/{id}/evidence/{file}`: the file as an attachment, never shown
/// inline (and sandboxed should a browser try).
pub async fn download_evidence(
    caller: Caller,
    app: web::Data<App>,
    path: web::Path<(BreachId, uuid::Uuid)>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required("send an API token: Authorization: Bearer attest_…")?;
    let (id, evidence) = path.into_inner();
    let (file, bytes) = app
        .breach_evidence_file(principal, id, evidence)
        .await
        .map_err(WebError::download)?;
    Ok(caller.answer(crate::http::policy_source::stored_file(
        &file.content_type,
        &file.file_name,
        "X-Evidence-SHA256",
        &file.sha256,
        bytes,
    )))
}
