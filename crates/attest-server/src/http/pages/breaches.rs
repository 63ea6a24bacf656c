//! Breach pages: anyone reports one for a school they work at; the register with the
//! ICO countdown; one breach with its next steps; and the DPO's actions on it.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, BreachFilter, BreachNote, CloseBreachInput, SessionContext};
use attest_domain::{
    BreachFactsInput, BreachId, DataCategory, LONDON, PeopleCategory, Principal, REPORT_QUESTIONS,
    School, SchoolId,
};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};

use super::{form_status, london, nav, page, see_other};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

fn time_left(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<String> {
    let left = deadline? - now;
    (left > chrono::Duration::zero())
        .then(|| format!("{} h {:02} min", left.num_hours(), left.num_minutes() % 60))
}

/// A `datetime-local` value (UK time) as an instant.
fn uk_time(raw: &str) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    local
        .and_local_timezone(LONDON)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// `GET /breaches`: the register as this person may see it, with the ICO countdown.
pub async fn breach_desk(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let breaches = app.breaches(principal, BreachFilter::default()).await?;
    let now = app.now();
    let rows: Vec<Value> = breaches
        .iter()
        .map(|view| {
            context! {
                id => view.breach.id.to_string(),
                reference => view.breach.reference.clone(),
                status => view.breach.status.as_str(),
                discovered => london(view.breach.record.facts.discovered_at),
                deadline => view.deadline.map(london),
                left => time_left(view.deadline, now),
                overdue => view.overdue,
            }
        })
        .collect();
    Ok(caller.answer(page(
        StatusCode::OK,
        "breaches.html",
        context! { nav => nav(principal, "/breaches"), breaches => rows },
    )))
}

/// `GET /breaches/{id}`: one breach, its allowed next steps and (for the DPO and trust
/// admins) its timeline.
pub async fn breach_page(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let view = app.breach(principal, *id).await?;
    let timeline: Vec<Value> = match app.breach_timeline(principal, *id).await {
        Ok(events) => events
            .iter()
            .map(|event| {
                context! {
                    at => london(event.at),
                    who => event.actor_kind.clone(),
                    action => event.action.replace('_', " "),
                }
            })
            .collect(),
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(error) => return Err(error.into()),
    };
    let acts = app.may_act_as_dpo(principal).await?;
    let breach = &view.breach;
    let facts = &breach.record.facts;
    Ok(caller.answer(page(
        StatusCode::OK,
        "breach.html",
        context! {
            nav => nav(principal, "/breaches"),
            reference => breach.reference.clone(),
            id => breach.id.to_string(),
            version => breach.version,
            status => breach.status.as_str(),
            status_text => breach.status.as_str().replace('_', " "),
            acts => acts,
            can_note => !timeline.is_empty(),
            csrf => app.csrf_token(context),
            discovered_input => facts.discovered_at.with_timezone(&LONDON).format("%Y-%m-%dT%H:%M").to_string(),
            overdue => view.overdue,
            what => facts.what_happened.clone(),
            discovered => london(facts.discovered_at),
            aware => breach.aware_at.map(london),
            deadline => view.deadline.map(london),
            left => time_left(view.deadline, app.now()),
            data => facts.data_categories.iter().map(|category| category.label()).collect::<Vec<_>>(),
            hidden => view.special_category_hidden,
            people => facts.people_affected,
            next => breach.status.next().iter().map(|status| status.as_str().replace('_', " ")).collect::<Vec<_>>(),
            timeline => timeline,
        },
    )))
}

/// The report form, filled with what the person typed (or who they are), and with what
/// was wrong when it is shown again.
fn report_page(
    (context, principal): (&SessionContext, &Principal),
    app: &App,
    schools: &[School],
    values: &BTreeMap<String, String>,
    error: Option<String>,
) -> HttpResponse {
    let choices = |all: Vec<(&'static str, String)>| -> Vec<Value> {
        all.into_iter()
            .map(|(value, label)| context! { value => value, label => label })
            .collect()
    };
    let data = DataCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category.label().to_owned()))
        .collect();
    let people = PeopleCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category.as_str().replace('_', " ")))
        .collect();
    let mut values = values.clone();
    let person = &context.person;
    values
        .entry("reporter_name".to_owned())
        .or_insert_with(|| person.full_name.as_str().to_owned());
    values
        .entry("reporter_contact".to_owned())
        .or_insert_with(|| {
            person
                .email
                .as_ref()
                .map(|email| email.as_str().to_owned())
                .unwrap_or_default()
        });
    values.entry("discovered_at".to_owned()).or_insert_with(|| {
        app.now()
            .with_timezone(&LONDON)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    });
    page(
        form_status(error.as_ref()),
        "report.html",
        context! {
            nav => nav(principal, "/breaches/new"),
            csrf => app.csrf_token(context),
            schools => schools.iter().map(|school| context! { id => school.id.to_string(), name => school.name.to_string() }).collect::<Vec<_>>(),
            answers => REPORT_QUESTIONS.iter().map(|(name, legend)| context! { name => *name, legend => *legend }).collect::<Vec<_>>(),
            data_categories => choices(data),
            people_categories => choices(people),
            values => values,
            error => error,
        },
    )
}

/// `GET /breaches/new`: any member of staff reports a breach for a school they work at.
pub async fn report_form(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let visitor = caller.visitor()?;
    let schools = app.reporting_schools(visitor.1).await?;
    Ok(caller.answer(report_page(visitor, &app, &schools, &BTreeMap::new(), None)))
}

/// The report's facts from the form's fields.
fn facts_of(pairs: &[(String, String)]) -> BreachFactsInput {
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    };
    let one = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .unwrap_or_default()
    };
    let optional = |name: &str| Some(one(name)).filter(|text| !text.trim().is_empty());
    BreachFactsInput {
        what_happened: one("what_happened"),
        occurred_at: optional("occurred_at").and_then(|raw| uk_time(&raw)),
        discovered_at: uk_time(&one("discovered_at")),
        how_discovered: one("how_discovered"),
        cyber_incident: one("cyber_incident"),
        data_categories: all("data"),
        people_affected: optional("people_affected").and_then(|raw| raw.trim().parse().ok()),
        people_categories: all("people"),
        staff_involved: one("staff_involved"),
        recovered_or_contained: one("recovered_or_contained"),
        reporter_name: one("reporter_name"),
        reporter_contact: optional("reporter_contact"),
        ..BreachFactsInput::default()
    }
}

/// `POST /breaches/new`: the report, CSRF-checked; then the reporter's view of it.
pub async fn report_submit(
    mut caller: Caller,
    app: web::Data<App>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let pairs = form.into_inner();
    let values: BTreeMap<String, String> = pairs.iter().cloned().collect();
    let one = |name: &str| values.get(name).cloned().unwrap_or_default();
    caller.confirm_form(&app, &one("csrf"))?;
    let visitor = caller.visitor()?;
    let schools = app.reporting_schools(visitor.1).await?;
    let school: Vec<SchoolId> = one("school").parse().into_iter().collect();
    match app.report_breach(visitor.1, facts_of(&pairs), school).await {
        Ok(view) => Ok(caller.answer(see_other(format!("/breaches/{}", view.breach.id)))),
        Err(error @ (AppError::InvalidInput { .. } | AppError::Forbidden(_))) => Ok(report_page(
            visitor,
            &app,
            &schools,
            &values,
            Some(error.for_people()),
        )),
        Err(error) => Err(error.into()),
    }
}

/// `POST /breaches/{id}/{action}`: the DPO triages, closes as not a breach, or adds a
/// note, against the version the page showed (a stale one is refused as a conflict).
pub async fn breach_action(
    mut caller: Caller,
    app: web::Data<App>,
    path: web::Path<(BreachId, String)>,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let (id, action) = path.into_inner();
    let one = |name: &str| form.get(name).cloned().unwrap_or_default();
    let optional = |name: &str| Some(one(name)).filter(|text| !text.trim().is_empty());
    caller.confirm_form(&app, &one("csrf"))?;
    let (_, principal) = caller.visitor()?;
    let version = one("version").parse::<u32>().unwrap_or_default();
    match action.as_str() {
        "triage" => {
            let aware_at = uk_time(&one("aware_at"))
                .ok_or_else(|| AppError::invalid("awareAt", "give the date and time"))?;
            app.triage_breach(principal, id, version, aware_at, optional("notes"))
                .await?;
        }
        "close_not_a_breach" => {
            let close = CloseBreachInput {
                not_a_breach: true,
                reason: optional("reason"),
                lessons_learned: None,
            };
            app.close_breach(principal, id, version, close).await?;
        }
        "note" => {
            let note = BreachNote {
                text: one("text"),
                attachment: optional("attachment"),
            };
            app.add_breach_note(principal, id, note).await?;
        }
        _ => return Err(AppError::NotFound("no such action".to_owned()).into()),
    }
    Ok(caller.answer(see_other(format!("/breaches/{id}"))))
}
