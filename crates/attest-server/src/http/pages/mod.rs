//! Server-rendered pages, one module per product area: `signing` (the magic-link form
//! and receipts), `me` (a signed-in person's own policies), `school` (a school's
//! dashboard and paper forms), `trust` (the trust overview) and `breaches` (reporting
//! and the DPO's desk). Every page asks the application with the caller's principal, so
//! it sees and may do exactly what the API allows that person.
//!
//! Templates live in `templates/` and are escaped by default; only the policy HTML
//! (rendered by attest-document, which escapes any raw HTML in the source) is inserted
//! as is.

pub mod breach_actions;
pub mod breach_board;
pub mod breach_evidence;
pub mod breach_records;
pub mod breach_report;
pub mod breaches;
mod form_fields;
pub mod front;
pub mod me;
pub mod obligations;
pub mod records;
pub mod request_documents;
pub mod requests;
pub mod reviews;
pub mod school;
pub mod signing;
pub mod trust;

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use attest_domain::{LONDON, Principal, Role};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};

pub(crate) use super::templates::page;

/// A signing form's consent questions, as the templates list them.
fn questions(form: &attest_app::SigningForm) -> Vec<Value> {
    form.questions
        .iter()
        .map(|q| context! { key => q.key.clone(), text => q.text.clone(), options => q.options.clone() })
        .collect()
}

/// 200, or 422 when the form is shown again with what was wrong.
fn form_status(error: Option<&String>) -> StatusCode {
    if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    }
}

/// A refused form is shown again on its page with what was wrong (422) or why it
/// cannot happen now (409); any other error is the error page's.
fn shown_again(error: attest_app::AppError) -> Result<(StatusCode, String), attest_app::AppError> {
    match error {
        error @ attest_app::AppError::InvalidInput { .. } => {
            Ok((StatusCode::UNPROCESSABLE_ENTITY, error.for_people()))
        }
        attest_app::AppError::Conflict(message) => Ok((StatusCode::CONFLICT, message)),
        other => Err(other),
    }
}

fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location))
        .finish()
}

fn trust_wide_reader(principal: &Principal) -> bool {
    [Role::TrustAdmin, Role::Dpo, Role::ReadOnly]
        .into_iter()
        .any(|role| principal.has_role(role))
}

/// The links this person's roles give them.
pub(crate) fn nav(principal: &Principal, current: &str) -> Vec<Value> {
    let mut items = vec![("/me".to_owned(), "My policies")];
    if trust_wide_reader(principal) {
        items.push(("/trust".to_owned(), "Trust"));
    }
    for school in principal
        .roles()
        .iter()
        .filter(|held| held.role() == Role::SchoolAdmin)
        .filter_map(|held| held.school())
    {
        items.push((format!("/schools/{school}"), "My school"));
    }
    items.push(("/reviews".to_owned(), "Policy reviews"));
    items.push(("/breaches".to_owned(), "Breaches"));
    if trust_wide_reader(principal) || principal.has_role(Role::SchoolAdmin) {
        items.push(("/requests".to_owned(), "Requests"));
    }
    items.push(("/breaches/new".to_owned(), "Report a breach"));
    items
        .into_iter()
        .map(|(href, label)| context! { current => href == current, href => href, label => label })
        .collect()
}

/// An instant as people in England read it.
pub(crate) fn london(at: DateTime<Utc>) -> String {
    at.with_timezone(&LONDON)
        .format("%a %-d %b %Y %H:%M")
        .to_string()
}

/// A `<select>`'s options, the chosen one selected, with "any" first.
fn options<T: Copy + PartialEq>(
    all: &[T],
    chosen: Option<T>,
    value: impl Fn(T) -> &'static str,
    any: &str,
) -> Vec<Value> {
    std::iter::once(context! { value => "", label => any, selected => chosen.is_none() })
        .chain(all.iter().map(|item| {
            context! {
                value => value(*item),
                label => value(*item).replace('_', " "),
                selected => chosen == Some(*item),
            }
        }))
        .collect()
}
