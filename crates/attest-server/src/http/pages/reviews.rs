//! Policy reviews for the people a rule names (a governor signs in by email or SSO):
//! what is waiting for them, and a version's review page, where they read what changed
//! and the whole text, comment on a clause, and approve or reject for their seat.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, VersionReview};
use attest_document::{ChangeKind, Format, Reader, render};
use attest_domain::{LONDON, PolicyVersionId, ReviewStage, Verdict};
use minijinja::{Value, context};

use super::form_fields::Fields;
use super::{nav, page, see_other, shown_again};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

fn stage_words(stage: ReviewStage) -> &'static str {
    match stage {
        ReviewStage::Drafting => "being drafted",
        ReviewStage::InReview => "in review",
        ReviewStage::Approved => "approved",
    }
}

/// `GET /reviews`: the versions waiting for the caller, theirs to decide first.
pub async fn reviews(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let awaiting = app.awaiting_review(principal).await?;
    let items: Vec<Value> = awaiting
        .iter()
        .map(|item| {
            let review = &item.review;
            context! {
                id => review.version.as_uuid().to_string(),
                title => review.policy.title.as_str(),
                number => review.number,
                stage => stage_words(review.stage()),
                approvals => review.approvals(),
                needed => review.needed(),
                seats => review.open_seats.clone(),
            }
        })
        .collect();
    Ok(caller.answer(page(
        StatusCode::OK,
        "reviews.html",
        context! { items => items, nav => nav(principal, "/reviews") },
    )))
}

pub(crate) async fn show_review(
    caller: &Caller,
    app: &App,
    version: PolicyVersionId,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let review: VersionReview = app.version_review(principal, version).await?;
    let changes = app.review_changes(principal, version).await?;
    let changes: Option<Vec<Value>> = changes.as_deref().map(change_rows);
    let decisions: Vec<Value> = review
        .decisions
        .iter()
        .map(|stored| {
            let (verdict, detail) = match &stored.decision.verdict {
                Verdict::Approve { meeting, minute, effective_on } => (
                    "approved",
                    format!("{meeting}, minute {minute}; in effect from {}", effective_on.format("%-d %B %Y")),
                ),
                Verdict::Reject { reason } => ("rejected", reason.clone()),
            };
            context! {
                capacity => stored.capacity.as_str(),
                verdict => verdict,
                detail => detail,
                at => stored.decided_at.with_timezone(&LONDON).format("%-d %B %Y %H:%M").to_string(),
                withdrawn => review.is_withdrawn(stored),
            }
        })
        .collect();
    let comments: Vec<Value> = review
        .comments
        .iter()
        .map(|comment| context! {
            clause => comment.clause.clone(),
            body => comment.body.as_str(),
            at => comment.created_at.with_timezone(&LONDON).format("%-d %B %Y %H:%M").to_string(),
            earlier => comment.round < review.round(),
        })
        .collect();
    let (status, message) = error.map_or((StatusCode::OK, None), |(status, message)| {
        (status, Some(message))
    });
    Ok(caller.answer(page(
        status,
        "review.html",
        context! {
            nav => nav(principal, "/reviews"),
            csrf => app.csrf_token(context),
            id => version.as_uuid().to_string(),
            title => review.policy.title.as_str(),
            number => review.number,
            stage => stage_words(review.stage()),
            in_review => review.stage() == ReviewStage::InReview,
            body => review.rule.as_ref().map(|rule| rule.body.clone()),
            seats => review.rule.as_ref().map(|rule| rule.approvers.iter().map(|seat| seat.capacity().to_owned()).collect::<Vec<_>>()),
            approvals => review.approvals(),
            needed => review.needed(),
            my_seats => review.open_seats.clone(),
            changes => changes,
            decisions => decisions,
            comments => comments,
            clauses => attest_app::clause_names(&review.document),
            today => app.today().to_string(),
            html => render(&review.document, &Reader::default(), Format::Html),
            error => message,
        },
    )))
}

/// `GET /reviews/{version}`.
pub async fn review_page(
    caller: Caller,
    app: web::Data<App>,
    version: web::Path<PolicyVersionId>,
) -> Result<HttpResponse, WebError> {
    show_review(&caller, &app, *version, None).await
}

async fn act(
    app: &App,
    caller: &Caller,
    version: PolicyVersionId,
    action: &str,
    fields: &Fields,
) -> Result<(), AppError> {
    let principal = caller
        .visitor()
        .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
        .1;
    match action {
        "comment" => {
            app.comment_on_version(
                principal,
                version,
                fields.optional("clause"),
                fields.one("body"),
            )
            .await?;
        }
        "approve" => {
            let effective_on = match fields.optional("effective_on") {
                None => app.today(),
                Some(raw) => raw.parse().map_err(|_| {
                    AppError::invalid("effective_on", "give the date the approval takes effect")
                })?,
            };
            let verdict = Verdict::Approve {
                meeting: fields.one("meeting"),
                minute: fields.one("minute"),
                effective_on,
            };
            app.decide_on_version(principal, version, verdict).await?;
        }
        "reject" => {
            app.decide_on_version(
                principal,
                version,
                Verdict::Reject {
                    reason: fields.one("reason"),
                },
            )
            .await?;
        }
        _ => return Err(AppError::NotFound("no such action".to_owned())),
    }
    Ok(())
}

/// `POST /reviews/{version}/{action}` (comment, approve, reject), with the page's CSRF
/// token; what was wrong is shown on the page again.
pub async fn review_action(
    mut caller: Caller,
    app: web::Data<App>,
    path: web::Path<(PolicyVersionId, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (version, action) = path.into_inner();
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    // A seat already used is said on the page, as a state the version is in.
    let outcome =
        act(&app, &caller, version, &action, &fields)
            .await
            .map_err(|error| match error {
                AppError::Forbidden(message) => AppError::Conflict(message),
                other => other,
            });
    match outcome {
        Ok(()) => Ok(caller.answer(see_other(format!("/reviews/{}", version.as_uuid())))),
        Err(error) => show_review(&caller, &app, version, Some(shown_again(error)?)).await,
    }
}

/// Clause-level changes as a page's table rows.
pub(crate) fn change_rows(changes: &[attest_document::Change]) -> Vec<Value> {
    changes
        .iter()
        .map(|change| {
            context! {
                change => match change.change {
                    ChangeKind::Added => "added",
                    ChangeKind::Removed => "removed",
                    ChangeKind::Changed => "changed",
                },
                number => change.number.clone(),
                section => change.section.clone(),
                before => change.before.clone(),
                after => change.after.clone(),
            }
        })
        .collect()
}
