//! `POST /breaches/{id}/{action}`: the DPO's steps from the breach page, each with the
//! same checks as the API, against the version the page showed (a stale one is refused
//! as a conflict). What was wrong is shown on the page again, above its forms.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{
    App, AppError, Awareness, BreachNote, CloseBreachInput, IcoNotificationInput, OtherNoticeInput,
    SubjectNoticeInput,
};
use attest_domain::{AssessmentInput, BreachId};

use super::breaches::show_breach;
use super::form_fields::Fields;
use super::{see_other, shown_again};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

async fn act(
    app: &App,
    caller: &Caller,
    id: BreachId,
    action: &str,
    fields: &Fields,
) -> Result<(), AppError> {
    let principal = caller
        .visitor()
        .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
        .1;
    let version = fields.one("version").parse::<u32>().unwrap_or_default();
    match action {
        "triage" => {
            let awareness = Awareness {
                aware_at: fields.time("aware_at")?,
                reason: fields.optional("aware_reason"),
                notes: fields.optional("notes"),
            };
            app.triage_breach(principal, id, version, awareness).await?;
        }
        "close_not_a_breach" | "close" => {
            let close = CloseBreachInput {
                not_a_breach: action == "close_not_a_breach",
                reason: fields.optional("reason"),
                lessons_learned: fields.optional("lessons_learned"),
            };
            app.close_breach(principal, id, version, close).await?;
        }
        "assess" => {
            let input = AssessmentInput {
                consequences: fields.one("consequences"),
                likelihood: fields.one("likelihood"),
                severity: fields.one("severity"),
                containment_actions: fields.one("containment_actions"),
                notify_ico: fields.yes("notify_ico")?,
                ico_reasons: fields.one("ico_reasons"),
                notify_subjects: fields.yes("notify_subjects")?,
                subjects_reasons: fields.optional("subjects_reasons"),
                subjects_exception: fields.optional("subjects_exception"),
                measures_proposed: fields.optional("measures_proposed"),
                others_told: fields.all("others_told"),
            };
            app.assess_breach(principal, id, version, input).await?;
        }
        "ico" => {
            let input = IcoNotificationInput {
                ico_reference: fields.one("ico_reference"),
                notified_at: fields.time("notified_at")?,
                follow_up: fields.one("follow_up") == "yes",
                delay_reason: fields.optional("delay_reason"),
                detail: fields.optional("detail"),
            };
            app.record_ico_notification(principal, id, version, input)
                .await?;
        }
        "subjects" => {
            let people_told =
                match fields.optional("people_told") {
                    None => None,
                    Some(raw) => Some(raw.trim().parse::<u32>().map_err(|_| {
                        AppError::invalid("peopleTold", "a whole number of people")
                    })?),
                };
            let input = SubjectNoticeInput {
                notified_at: fields.time("notified_at")?,
                how: fields.one("how"),
                message: fields.one("message"),
                people_told,
                public_notice: fields.one("public_notice") == "yes",
            };
            app.record_subject_notification(principal, id, version, input)
                .await?;
        }
        "other" => {
            let input = OtherNoticeInput {
                party: fields.one("party"),
                notified_at: fields.time("notified_at")?,
                reference: fields.optional("reference"),
                detail: fields.optional("detail"),
            };
            app.record_other_notification(principal, id, version, input)
                .await?;
        }
        "assign" => {
            let person = fields
                .one("person_id")
                .parse::<attest_domain::PersonId>()
                .map_err(|_| AppError::invalid("personId", "choose who to hand it to"))?;
            app.assign_breach(principal, id, version, person).await?;
        }
        "note" => {
            let note = BreachNote {
                text: fields.one("text"),
                attachment: fields.optional("attachment"),
            };
            app.add_breach_note(principal, id, note).await?;
        }
        "records" => {
            let ids = |name: &str| {
                fields
                    .all(name)
                    .iter()
                    .map(|raw| raw.parse::<uuid::Uuid>())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|_| AppError::invalid(name, "choose from the list"))
            };
            let wanted = attest_app::BreachRecords {
                activities: ids("activity")?,
                suppliers: ids("supplier")?,
            };
            app.link_breach_records(principal, id, wanted).await?;
        }
        _ => return Err(AppError::NotFound("no such action".to_owned())),
    }
    Ok(())
}

/// `POST /breaches/{id}/{action}` (triage, assess, ico, subjects, other, close,
/// close_not_a_breach, assign, note, records), with the page's CSRF token.
pub async fn breach_action(
    mut caller: Caller,
    app: web::Data<App>,
    path: web::Path<(BreachId, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (id, action) = path.into_inner();
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    match act(&app, &caller, id, &action, &fields).await {
        Ok(()) => Ok(caller.answer(see_other(format!("/breaches/{id}")))),
        Err(error) => show_breach(&caller, &app, id, Some(shown_again(error)?)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct PackFormat {
    format: Option<String>,
}

/// `GET /breaches/{id}/ico-pack`: the breach in the ICO form's sections, as a page to
/// print or copy from, or (`?format=md`, `?format=json`) a file. The DPO only.
pub async fn ico_pack(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
    query: web::Query<PackFormat>,
) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let pack = app.ico_pack(principal, *id).await?;
    let file = |kind: &str, extension: &str, body: String| {
        HttpResponse::Ok()
            .content_type(kind)
            .insert_header((
                "Content-Disposition",
                format!(
                    "attachment; filename=\"{}-ico-report.{extension}\"",
                    pack.reference
                ),
            ))
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    };
    Ok(caller.answer(match query.format.as_deref() {
        Some("md") => file("text/markdown; charset=utf-8", "md", pack.markdown()),
        Some("json") => file(
            "application/json",
            "json",
            serde_json::to_string_pretty(&pack)
                .map_err(|error| AppError::Internal(error.to_string()))?,
        ),
        None | Some("") => super::page(
            StatusCode::OK,
            "ico_pack.html",
            minijinja::context! {
                nav => super::nav(principal, "/breaches"),
                pack => minijinja::context! {
                    reference => pack.reference.clone(),
                    organisation => pack.organisation.clone(),
                    report_kind => pack.report_kind,
                    sections => pack.sections.iter().map(|section| minijinja::context! {
                        title => section.title,
                        answers => section.answers.iter().map(|item| minijinja::context! {
                            question => item.question,
                            answer => item.answer.clone(),
                        }).collect::<Vec<_>>(),
                    }).collect::<Vec<_>>(),
                },
                id => id.to_string(),
            },
        ),
        Some(other) => {
            return Err(AppError::invalid("format", format!("'{other}' is not md or json")).into());
        }
    }))
}
