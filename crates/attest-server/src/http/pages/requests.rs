//! Information request pages: the register (the DPO's and a school admin's), with
//! filters, each request's deadline and working days left, and a form to log one; one
//! request with its record, documents, timeline and a form for each next step.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, NewRequest, RequestFilter, RequestStep, RequestView};
use attest_domain::SchoolId;
use attest_domain::requests::{
    Outcome, PauseReason, Relationship, RequestInput, RequestKind, RequestStatus,
};
use minijinja::{Value, context};
use serde::Deserialize;

use super::form_fields::Fields;
use super::{london, nav, options, page, see_other, shown_again};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

/// The register's filters, from its query string.
#[derive(Deserialize, Default)]
pub struct RegisterFilters {
    kind: Option<String>,
    status: Option<String>,
    school: Option<String>,
    open: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

fn chosen(value: &Option<String>) -> Option<String> {
    value.clone().filter(|text| !text.trim().is_empty())
}

fn day(raw: &Option<String>) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(chosen(raw)?.trim(), "%Y-%m-%d").ok()
}

fn long_day(day: chrono::NaiveDate) -> String {
    day.format("%a %-d %b %Y").to_string()
}

pub(crate) fn filter_of(query: &RegisterFilters) -> Result<RequestFilter, AppError> {
    Ok(RequestFilter {
        kind: chosen(&query.kind)
            .map(|raw| raw.parse::<RequestKind>())
            .transpose()?,
        status: chosen(&query.status)
            .map(|raw| raw.parse::<RequestStatus>())
            .transpose()?,
        school: chosen(&query.school)
            .map(|raw| raw.parse::<SchoolId>())
            .transpose()
            .map_err(|_| AppError::invalid("school", "not a school of this trust"))?,
        open_only: query.open.as_deref() == Some("yes"),
        received_from: day(&query.from),
        received_to: day(&query.to),
        due_by: None,
    })
}

fn row(view: &RequestView, schools: &[attest_domain::School]) -> Value {
    let request = &view.request;
    context! {
        id => request.id.to_string(),
        reference => request.reference.clone(),
        kind => request.record.kind.label(),
        status => request.status.as_str(),
        school => request.school.and_then(|id| schools.iter().find(|s| s.id == id)).map_or("the trust".to_owned(), |s| s.name.to_string()),
        requester => request.record.requester.name.clone(),
        received => long_day(request.record.received_on),
        due => long_day(view.deadline.due_on),
        stopped => view.deadline.clock_stopped,
        overdue => view.overdue,
        left => view.working_days_left,
        late => view.answered_late,
        outcome => request.record.ending.as_ref().map(|ending| ending.outcome.sentence()),
    }
}

/// `GET /requests`: the register as this person may see it.
pub async fn request_register(
    caller: Caller,
    app: web::Data<App>,
    query: web::Query<RegisterFilters>,
) -> Result<HttpResponse, WebError> {
    show_register(&caller, &app, &query, None).await
}

async fn show_register(
    caller: &Caller,
    app: &App,
    query: &RegisterFilters,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let filter = filter_of(query)?;
    let requests = app.info_requests(principal, filter.clone()).await?;
    let schools = app.schools(principal).await?;
    let trust_wide =
        principal.has_role(attest_domain::Role::Dpo) || principal.can_administer_trust();
    let rows: Vec<Value> = requests.iter().map(|view| row(view, &schools)).collect();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let words = |all: &'static [_], label: fn(&RequestKind) -> &'static str| -> Vec<Value> {
        all.iter()
            .map(|kind: &RequestKind| context! { value => kind.as_str(), label => label(kind) })
            .collect()
    };
    Ok(caller.answer(page(
        status,
        "requests.html",
        context! {
            nav => nav(principal, "/requests"),
            csrf => app.csrf_token(context),
            error => error,
            requests => rows,
            kinds => words(RequestKind::ALL, |kind| kind.label()),
            kind_options => options(RequestKind::ALL, filter.kind, RequestKind::as_str, "any kind"),
            status_options => options(RequestStatus::ALL, filter.status, RequestStatus::as_str, "any status"),
            relationships => Relationship::ALL.iter().map(|r| context! { value => r.as_str(), label => r.sentence() }).collect::<Vec<_>>(),
            schools => schools.iter().map(|s| context! { id => s.id.to_string(), name => s.name.to_string(), selected => Some(s.id) == filter.school }).collect::<Vec<_>>(),
            trust_wide => trust_wide,
            open => filter.open_only,
            from => query.from.clone().unwrap_or_default(),
            to => query.to.clone().unwrap_or_default(),
            today => app.today().to_string(),
            filtered => filter.kind.is_some() || filter.status.is_some() || filter.school.is_some() || filter.open_only || filter.received_from.is_some() || filter.received_to.is_some(),
            export => format!("/exports/requests.csv{}", export_query(query)),
        },
    )))
}

fn export_query(query: &RegisterFilters) -> String {
    let pairs: Vec<String> = [
        ("kind", &query.kind),
        ("status", &query.status),
        ("school", &query.school),
        ("open", &query.open),
        ("from", &query.from),
        ("to", &query.to),
    ]
    .into_iter()
    .filter_map(|(key, value)| chosen(value).map(|value| format!("{key}={}", urlencoding(&value))))
    .collect();
    if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    }
}

fn urlencoding(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c.to_string()
            } else {
                format!("%{:02X}", c as u32)
            }
        })
        .collect()
}

/// `POST /requests`: logs a request from the register's form.
pub async fn log_request(
    mut caller: Caller,
    app: web::Data<App>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    let logged = async {
        let principal = caller
            .visitor()
            .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
            .1;
        let school = fields
            .optional("school")
            .map(|raw| raw.parse::<SchoolId>())
            .transpose()
            .map_err(|_| AppError::invalid("school", "not a school of this trust"))?;
        let input = RequestInput {
            kind: fields.one("kind").parse()?,
            requester_name: fields.one("requester_name"),
            requester_contact: fields.one("requester_contact"),
            relationship: fields.one("relationship").parse()?,
            about: fields.optional("about"),
            description: fields.one("description"),
            received_on: fields.date("received_on")?,
        };
        app.log_info_request(principal, NewRequest { school, input })
            .await
    }
    .await;
    match logged {
        Ok(view) => Ok(caller.answer(see_other(format!("/requests/{}", view.request.id)))),
        Err(error) => {
            show_register(
                &caller,
                &app,
                &RegisterFilters::default(),
                Some(shown_again(error)?),
            )
            .await
        }
    }
}

/// `GET /requests/{id}`: one request with its next steps.
pub async fn request_page(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, WebError> {
    show_request(&caller, &app, *id, None).await
}

pub(super) async fn show_request(
    caller: &Caller,
    app: &App,
    id: uuid::Uuid,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let case = app.info_request(principal, id).await?;
    let schools = app.schools(principal).await?;
    let view = &case.view;
    let request = &view.request;
    let record = &request.record;
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let open = request.status.is_open();
    Ok(caller.answer(page(
        status,
        "request.html",
        context! {
            nav => nav(principal, "/requests"),
            csrf => app.csrf_token(context),
            error => error,
            summary => row(view, &schools),
            version => request.version,
            foi => record.kind.is_foi(),
            open => open,
            stopped => view.deadline.clock_stopped,
            first_due => long_day(view.deadline.first_due_on),
            past_calendar => view.past_calendar,
            requester => context! { name => record.requester.name.clone(), contact => record.requester.contact.clone(), relationship => record.requester.relationship.sentence() },
            about => record.about.clone(),
            description => record.description.clone(),
            identity => record.identity_verified_on.map(long_day),
            stops => record.stops.iter().map(|stop| context! { reason => stop.reason.as_str(), from => long_day(stop.from), until => stop.until.map(long_day), note => stop.note.clone() }).collect::<Vec<_>>(),
            extension => record.extension.as_ref().map(|e| context! { by => e.by, unit => if record.kind.is_foi() { "working days" } else { "months" }, reason => e.reason.clone(), told => long_day(e.requester_told_on) }),
            exemptions => record.exemptions.iter().map(|e| context! { provision => e.provision.clone(), reason => e.reason.clone(), on => long_day(e.on) }).collect::<Vec<_>>(),
            ending => record.ending.as_ref().map(|e| context! { outcome => e.outcome.sentence(), on => long_day(e.on), summary => e.summary.clone() }),
            documents => case.documents.iter().map(|file| context! {
                href => format!("/exports/requests/{id}/documents/{}", file.id),
                name => file.file_name.clone(),
                kind => file.content_type.split(';').next().unwrap_or_default().to_owned(),
                size => file.size_bytes,
                at => london(file.uploaded_at),
                sha256 => file.sha256.clone(),
                description => file.description.clone(),
            }).collect::<Vec<_>>(),
            timeline => case.timeline.iter().map(|event| context! {
                at => london(event.at),
                who => event.actor_name.clone().unwrap_or_else(|| event.actor_kind.clone()),
                action => event.action.replace('_', " "),
            }).collect::<Vec<_>>(),
            reasons => PauseReason::ALL.iter().map(|r| context! { value => r.as_str(), label => r.sentence() }).collect::<Vec<_>>(),
            outcomes => Outcome::ALL.iter().map(|o| context! { value => o.as_str(), label => o.sentence() }).collect::<Vec<_>>(),
            today => app.today().to_string(),
        },
    )))
}

fn step_of(action: &str, fields: &Fields) -> Result<RequestStep, AppError> {
    Ok(match action {
        "stop" => RequestStep::StopClock {
            reason: fields.one("reason").parse()?,
            from: fields.date("from")?,
            note: fields.optional("note"),
        },
        "restart" => RequestStep::RestartClock {
            on: fields.date("on")?,
        },
        "identity" => RequestStep::VerifyIdentity {
            on: fields.date("on")?,
        },
        "extend" => RequestStep::Extend {
            by: fields.number("by")?,
            reason: fields.one("reason"),
            requester_told_on: fields.date("requester_told_on")?,
        },
        "exemption" => RequestStep::Exemption {
            provision: fields.one("provision"),
            reason: fields.one("reason"),
        },
        "note" => RequestStep::Note {
            text: fields.one("text"),
        },
        "close" => RequestStep::Close {
            outcome: fields.one("outcome").parse()?,
            on: fields.date("on")?,
            summary: fields.one("summary"),
        },
        _ => return Err(AppError::NotFound("no such step".to_owned())),
    })
}

/// `POST /requests/{id}/{action}` (stop, restart, identity, extend, exemption, note,
/// close), with the page's CSRF token and the version it showed.
pub async fn request_action(
    mut caller: Caller,
    app: web::Data<App>,
    path: web::Path<(uuid::Uuid, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let (id, action) = path.into_inner();
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    let taken = async {
        let principal = caller
            .visitor()
            .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
            .1;
        let version = fields.one("version").parse::<u32>().unwrap_or_default();
        let step = step_of(&action, &fields)?;
        app.take_request_step(principal, id, version, step).await
    }
    .await;
    match taken {
        Ok(_) => Ok(caller.answer(see_other(format!("/requests/{id}")))),
        Err(error) => show_request(&caller, &app, id, Some(shown_again(error)?)).await,
    }
}
