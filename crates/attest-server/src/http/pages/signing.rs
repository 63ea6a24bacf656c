//! Signing pages: the form (for a magic link, or a signed-in person), the answer after
//! it, and the receipt of an acceptance.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{
    AcceptanceEvidence, App, AppError, SigningAnswer, SigningForm, SigningOutcome,
    SigningSubmission,
};
use attest_domain::{Decision, SigningMethod};
use minijinja::context;

use super::{form_status, page, questions};
use crate::http::origin_of;
use crate::http::web_error::WebError;

/// The signing page; `csrf` for a signed-in session's form (a magic link's secret in the
/// URL stands in for it).
pub(crate) fn sign_form(
    form: &SigningForm,
    error: Option<String>,
    csrf: Option<&str>,
) -> HttpResponse {
    page(
        form_status(error.as_ref()),
        "sign.html",
        context! {
            title => form.policy_title.clone(),
            version_number => form.version_number,
            version_id => form.version.to_string(),
            person => form.person_name.clone(),
            expires => form.expires_at.map(|at| at.with_timezone(&attest_app::SCHOOL_TIME_ZONE).format("%-d %B %Y %H:%M").to_string()),
            html => form.html.clone(),
            content_hash => form.content_hash.clone(),
            questions => questions(form),
            role => form.role.clone(),
            error => error,
            csrf => csrf,
            view => form.view.map(|view| view.to_string()),
            changes => form.changes.as_ref().map(|since| context! {
                since_number => since.since_version_number,
                rows => super::reviews::change_rows(&since.changes),
            }),
            min_seconds => form.reading_rule.min_seconds,
            to_end => form.reading_rule.to_end,
            reading => form.obligation == attest_domain::ObligationKind::Read,
            check => form.understanding.as_ref().map(|check| context! {
                pass_mark => check.pass_mark,
                questions => check.questions.iter().map(|question| context! {
                    prompt => question.prompt.clone(),
                    options => question.options.clone(),
                }).collect::<Vec<_>>(),
            }),
        },
    )
}

/// An acceptance's receipt: what was signed, by whom, and the hashes that prove it.
pub(crate) fn receipt(evidence: &AcceptanceEvidence) -> HttpResponse {
    let a = &evidence.acceptance;
    page(
        StatusCode::OK,
        "receipt.html",
        context! {
            id => a.id.to_string(),
            title => evidence.policy.title.clone(),
            declined => a.decision == Decision::Declined,
            paper => a.method == SigningMethod::Paper,
            verified => evidence.text_verified,
            person => evidence.person.full_name.as_str(),
            school => evidence.school.name.as_str(),
            version => evidence.version.number,
            approval => evidence.approval.clone(),
            typed_name => a.typed_name.clone(),
            role => a.role.clone(),
            answers => a.answers.clone(),
            reason => a.decline_reason.clone(),
            note => a.note.clone(),
            method => a.method.as_str(),
            signed_at => a.signed_at.to_rfc3339(),
            ip => a.ip.clone(),
            user_agent => a.user_agent.clone(),
            seq => a.seq,
            content_hash => a.content_hash.clone(),
            prev_hash => a.prev_hash.clone(),
            row_hash => a.row_hash.clone(),
            identity => a.identity.as_ref().map(attest_domain::SignerIdentity::describe),
            certificate => attest_app::certificate(evidence),
            html => evidence.html.clone(),
        },
    )
}

/// Unknown, expired and used links all get this page and status.
fn invalid_link() -> HttpResponse {
    page(StatusCode::NOT_FOUND, "invalid.html", context! {})
}

/// A magic link's failure: an unusable link is the invalid-link page; anything else is
/// answered as a download would be (plain text), as it always has been.
fn link_failure(error: AppError) -> HttpResponse {
    match error {
        AppError::NotFound(_) => invalid_link(),
        other => actix_web::ResponseError::error_response(&WebError::download(other)),
    }
}

/// `GET /sign/{token}`: the policy and the form. Wrong links count against the caller's
/// address, and an address past the limit is refused before its next link is even
/// looked up (no guessing links).
pub async fn sign_page(
    request: HttpRequest,
    app: web::Data<App>,
    token: web::Path<String>,
) -> HttpResponse {
    let address = crate::http::client_address(&request);
    match app
        .link_attempt(Some(&address), app.open_signing_form(&token))
        .await
    {
        Ok(form) => sign_form(&form, None, None),
        Err(error) => link_failure(error),
    }
}

/// `POST /sign/{token}`: sign or decline. The link's secret in the path is what
/// authorises the request (a forger would need it), so no other CSRF token is needed.
pub async fn sign_submit(
    request: HttpRequest,
    app: web::Data<App>,
    token: web::Path<String>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let address = crate::http::client_address(&request);
    let submission = read_submission(&form);
    let outcome = app
        .link_attempt(
            Some(&address),
            app.submit_with_magic_link(&token, submission.answer, origin_of(&request)),
        )
        .await;
    match outcome {
        Ok(outcome) => answered(&outcome, None),
        Err(error) => link_failure(error),
    }
}

/// What a signing form's fields ask for.
pub(crate) fn read_submission(form: &BTreeMap<String, String>) -> SigningSubmission {
    let field = |name: &str| form.get(name).cloned().unwrap_or_default();
    let school = form.get("school").and_then(|id| id.parse().ok());
    let view = form.get("view").and_then(|id| id.parse().ok());
    let answer = if field("decision") == "decline" {
        SigningAnswer::Decline {
            content_hash: field("content_hash"),
            reason: field("reason"),
            view,
        }
    } else {
        SigningAnswer::Sign {
            content_hash: field("content_hash"),
            typed_name: field("typed_name"),
            role: Some(field("role")),
            answers: form
                .iter()
                .filter_map(|(name, value)| {
                    Some((name.strip_prefix("answer.")?.to_owned(), value.clone()))
                })
                .collect(),
            view,
            understanding: understanding_answers(form),
        }
    };
    SigningSubmission { school, answer }
}

/// The check of understanding's radio buttons (`check.0`, `check.1`, …), in question
/// order. A question left unanswered shortens the list, which the check refuses
/// ("answer all N questions").
fn understanding_answers(form: &BTreeMap<String, String>) -> Vec<usize> {
    let mut chosen: Vec<(usize, usize)> = form
        .iter()
        .filter_map(|(name, value)| {
            let question = name.strip_prefix("check.")?.parse().ok()?;
            Some((question, value.trim().parse().unwrap_or(usize::MAX)))
        })
        .collect();
    chosen.sort_unstable();
    chosen.into_iter().map(|(_, option)| option).collect()
}

/// The page after an answer: the receipt, or the form again with what was wrong.
pub(crate) fn answered(outcome: &SigningOutcome, csrf: Option<&str>) -> HttpResponse {
    match outcome {
        SigningOutcome::Signed { receipt } => page(
            StatusCode::OK,
            "done.html",
            context! {
                declined => receipt.acceptance.decision == Decision::Declined,
                reading => receipt.policy.obligation == attest_domain::ObligationKind::Read,
                title => receipt.policy.title.clone(),
                version_number => receipt.version.number,
                id => receipt.acceptance.id.to_string(),
                content_hash => receipt.acceptance.content_hash.clone(),
                receipt => attest_app::receipt_text(receipt),
            },
        ),
        SigningOutcome::Refused { form, problem } => sign_form(form, Some(problem.clone()), csrf),
    }
}

/// A transparent 1×1 GIF: the end-of-text marker's answer, whatever the id.
const MARKER_GIF: &[u8] = &[
    0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00,
    0xff, 0xff, 0xff, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b,
];

/// `GET /sign/views/{view}/{marker}`: a signing page's marker images. `end` sits at the
/// end of the text and loads lazily, so a browser running scripts asks for it only when
/// the reader scrolls near it (our page needs no script for that); `noscript` loads
/// only where scripts are off (such a browser loads lazy images at once, so the end
/// marker says nothing there). Known and unknown views get the same answer.
pub async fn view_marker(app: web::Data<App>, path: web::Path<(String, String)>) -> HttpResponse {
    let (view, marker) = path.into_inner();
    let marker = match marker.as_str() {
        "end" => attest_app::ViewMarker::ReachedEnd,
        "noscript" => attest_app::ViewMarker::ScriptsOff,
        _ => return HttpResponse::NotFound().finish(),
    };
    let Ok(view) = view.parse::<uuid::Uuid>() else {
        return HttpResponse::NotFound().finish();
    };
    if let Err(error) = app.view_marker(view, marker).await {
        tracing::warn!(%error, "a signing page's marker was not recorded");
    }
    HttpResponse::Ok()
        .content_type("image/gif")
        .insert_header(("Cache-Control", "no-store"))
        .body(MARKER_GIF)
}
