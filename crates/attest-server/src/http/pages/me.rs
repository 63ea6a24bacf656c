//! A signed-in person's own pages: what they must sign, what they have signed, and
//! signing from there.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, ComplianceRow, SessionContext, status_key};
use attest_domain::{ComplianceStatus, LONDON, PolicyVersionId, SchoolId};
use minijinja::context;
use serde::Deserialize;

use super::signing::{answered, read_submission, sign_form};
use super::{nav, page};
use crate::http::caller::Caller;
use crate::http::origin_of;
use crate::http::web_error::WebError;

fn my_policies_page(context: &SessionContext, rows: &[ComplianceRow], csrf: &str) -> HttpResponse {
    let owed: Vec<_> = rows
        .iter()
        .filter(|row| {
            matches!(
                row.status,
                ComplianceStatus::Due | ComplianceStatus::Overdue
            )
        })
        .map(|row| {
            context! {
                title => row.policy_title.clone(),
                version => row.current_version_id.to_string(),
                school => row.school.to_string(),
                kind => row.obligation.as_str(),
                verb => row.obligation.verb(),
                status => status_key(row.status),
                due => row.due_on.map(|day| day.format("%-d %B %Y").to_string()),
            }
        })
        .collect();
    let signed: Vec<_> = rows
        .iter()
        .filter_map(|row| {
            row.last_signed_at.map(|at| {
                context! {
                    title => row.policy_title.clone(),
                    kind => row.obligation.as_str(),
                    receipt => row.last_acceptance.map(|id| id.to_string()),
                    signed => at.with_timezone(&LONDON).format("%-d %B %Y").to_string(),
                }
            })
        })
        .collect();
    page(
        StatusCode::OK,
        "me.html",
        context! {
            name => context.person.full_name.as_str(),
            email => context.person.email.as_ref().map(|e| e.as_str().to_owned()),
            trust => context.trust.name.as_str(),
            owed => owed,
            signed => signed,
            csrf => csrf,
            nav => nav(&context.principal, "/me"),
        },
    )
}

/// `GET /me`: who is signed in, and what they must sign.
pub async fn me(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let context = caller.session()?;
    let rows = app.my_policies(context).await?;
    Ok(caller.answer(my_policies_page(context, &rows, &app.csrf_token(context))))
}

#[derive(Deserialize)]
pub struct SchoolChoice {
    school: Option<SchoolId>,
}

/// `GET /me/sign/{version}`: a signed-in member of staff reads their copy and signs.
pub async fn my_signing_page(
    caller: Caller,
    app: web::Data<App>,
    version: web::Path<PolicyVersionId>,
    choice: web::Query<SchoolChoice>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let form = app.signing_form(principal, *version, choice.school).await?;
    Ok(caller.answer(sign_form(&form, None, Some(&app.csrf_token(context)))))
}

/// `POST /me/sign/{version}`: sign or decline, with the page's CSRF token.
pub async fn my_signing_submit(
    request: HttpRequest,
    mut caller: Caller,
    app: web::Data<App>,
    version: web::Path<PolicyVersionId>,
    choice: web::Query<SchoolChoice>,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    caller.confirm_form(&app, form.get("csrf").map_or("", String::as_str))?;
    let (context, principal) = caller.visitor()?;
    let mut submission = read_submission(&form);
    submission.school = submission.school.or(choice.school);
    let outcome = app
        .submit_signing(principal, *version, submission, origin_of(&request))
        .await?;
    Ok(caller.answer(answered(&outcome, Some(&app.csrf_token(context)))))
}
