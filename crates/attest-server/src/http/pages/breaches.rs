//! Breach pages: the register (the DPO's desk) with the ICO countdown and who is on
//! each breach, and one breach with its record, evidence and next steps.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, BreachFilter};
use attest_domain::{
    BreachId, BreachStatus, IncidentType, LONDON, OtherParty, Rating, SchoolId, SubjectsException,
};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{london, nav, options, page};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

fn time_left(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<String> {
    let left = deadline? - now;
    (left > chrono::Duration::zero())
        .then(|| format!("{} h {:02} min", left.num_hours(), left.num_minutes() % 60))
}

/// The desk's filters, from its query string.
#[derive(Deserialize, Default)]
pub struct DeskFilters {
    status: Option<String>,
    school: Option<String>,
    overdue: Option<String>,
    from: Option<String>,
    to: Option<String>,
    q: Option<String>,
    incident: Option<String>,
    reporter: Option<String>,
}

/// A `date` field (a day in England) as the instant it starts.
fn uk_day(raw: Option<&str>) -> Option<DateTime<Utc>> {
    let day = chrono::NaiveDate::parse_from_str(raw?.trim(), "%Y-%m-%d").ok()?;
    day.and_hms_opt(0, 0, 0)?
        .and_local_timezone(LONDON)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

/// `GET /breaches`: the register as this person may see it, with the ICO countdown,
/// filtered by status, school, overdue, when discovered, and a search of the reference
/// and what happened.
pub async fn breach_desk(
    caller: Caller,
    app: web::Data<App>,
    query: web::Query<DeskFilters>,
) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let chosen = |value: &Option<String>| value.clone().filter(|text| !text.trim().is_empty());
    let status = chosen(&query.status)
        .map(|raw| raw.parse::<BreachStatus>())
        .transpose()
        .map_err(AppError::from)?;
    let school = chosen(&query.school)
        .map(|raw| raw.parse::<SchoolId>())
        .transpose()
        .map_err(|_| AppError::invalid("school", "not a school of this trust"))?;
    let to = uk_day(query.to.as_deref()).map(|day| day + chrono::Duration::days(1));
    let filter = BreachFilter {
        status,
        school,
        from: uk_day(query.from.as_deref()),
        to,
        ..BreachFilter::default()
    };
    let breaches = app.breaches(principal, filter).await?;
    let schools = app.schools(principal).await?;
    let may_export = app.may_act_as_dpo(principal).await?;
    let overdue_only = query.overdue.as_deref() == Some("yes");
    let search = chosen(&query.q).map(|text| text.to_lowercase());
    let incident = chosen(&query.incident)
        .map(|raw| raw.parse::<IncidentType>())
        .transpose()
        .map_err(AppError::from)?;
    let reporter = chosen(&query.reporter)
        .map(|raw| raw.parse::<uuid::Uuid>())
        .transpose()
        .map_err(|_| AppError::invalid("reporter", "not one of the reporters listed"))?;
    // Everyone who reported one of the breaches this person sees, by name.
    let reporters: BTreeMap<uuid::Uuid, String> = breaches
        .iter()
        .filter_map(|view| {
            Some((
                view.breach.reported_by?,
                view.breach.record.facts.reporter_name.clone(),
            ))
        })
        .collect();
    let now = app.now();
    let rows: Vec<Value> = breaches
        .iter()
        .filter(|view| !overdue_only || view.overdue)
        .filter(|view| incident.is_none() || view.breach.record.facts.incident_type == incident)
        .filter(|view| reporter.is_none() || view.breach.reported_by == reporter)
        .filter(|view| {
            search.as_ref().is_none_or(|needle| {
                view.breach.reference.to_lowercase().contains(needle)
                    || view
                        .breach
                        .record
                        .facts
                        .what_happened
                        .to_lowercase()
                        .contains(needle)
            })
        })
        .map(|view| {
            context! {
                id => view.breach.id.to_string(),
                reference => view.breach.reference.clone(),
                status => view.breach.status.as_str().replace('_', " "),
                what => view.breach.record.facts.what_happened.chars().take(80).collect::<String>(),
                discovered => london(view.breach.record.facts.discovered_at),
                deadline => view.deadline.map(london),
                provisional => view.deadline_provisional,
                left => time_left(view.deadline, now),
                overdue => view.overdue,
                open => view.breach.status.is_open(),
                handler => view.breach.record.handler.as_ref().map(|handler| handler.name.clone()),
            }
        })
        .collect();
    Ok(caller.answer(page(
        StatusCode::OK,
        "breaches.html",
        context! {
            nav => nav(principal, "/breaches"),
            breaches => rows,
            status_options => options(BreachStatus::ALL, status, BreachStatus::as_str, "any status"),
            schools => schools.iter().map(|s| context! { id => s.id.to_string(), name => s.name.to_string(), selected => Some(s.id) == school }).collect::<Vec<_>>(),
            overdue => overdue_only,
            from => query.from.clone().unwrap_or_default(),
            to => query.to.clone().unwrap_or_default(),
            q => query.q.clone().unwrap_or_default(),
            incidents => IncidentType::ALL.iter().map(|t| context! { value => t.as_str(), label => t.label(), selected => Some(*t) == incident }).collect::<Vec<_>>(),
            reporters => reporters.iter().map(|(id, name)| context! { id => id.to_string(), name => name.clone(), selected => Some(*id) == reporter }).collect::<Vec<_>>(),
            may_export => may_export,
            filtered => status.is_some() || school.is_some() || overdue_only || search.is_some() || incident.is_some() || reporter.is_some() || query.from.is_some() || query.to.is_some(),
        },
    )))
}

/// `GET /breaches/{id}`: one breach, its allowed next steps (each a form for the DPO)
/// and, for the DPO and trust admins, its timeline.
pub async fn breach_page(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
) -> Result<HttpResponse, WebError> {
    show_breach(&caller, &app, *id, None).await
}

/// The breach page, with what was wrong with a form when it is shown again.
pub(super) async fn show_breach(
    caller: &Caller,
    app: &App,
    id: BreachId,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let view = app.breach(principal, id).await?;
    let timeline: Vec<Value> = match app.breach_timeline(principal, id).await {
        Ok(events) => events
            .iter()
            .map(|event| {
                context! {
                    at => london(event.at),
                    who => event.actor_name.clone().unwrap_or_else(|| actor_label(&event.actor_kind)),
                    action => event.action.replace('_', " "),
                    detail => timeline_detail(&event.action, &event.detail),
                }
            })
            .collect(),
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(error) => return Err(error.into()),
    };
    let evidence: Vec<Value> = app
        .breach_evidence(principal, id)
        .await?
        .iter()
        .map(|file| {
            context! {
                href => format!("/exports/breaches/{id}/evidence/{}", file.id),
                name => file.file_name.clone(),
                kind => file.content_type.split(';').next().unwrap_or_default().to_owned(),
                size => human_size(file.size),
                at => london(file.uploaded_at),
                sha256 => file.sha256.clone(),
                description => file.description.clone(),
            }
        })
        .collect();
    let acts = app.may_act_as_dpo(principal).await?;
    let linked_records = super::breach_records::records_context(app, principal, id, acts).await?;
    let handlers: Vec<Value> = if acts && view.breach.status.is_open() {
        app.breach_handlers(principal)
            .await?
            .into_iter()
            .map(|handler| context! { id => handler.person.to_string(), name => handler.name })
            .collect()
    } else {
        Vec::new()
    };
    let dpo_contact = app
        .breach_settings(principal)
        .await
        .ok()
        .and_then(|settings| settings.dpo_contact);
    let breach = &view.breach;
    let record = &breach.record;
    let facts = &record.facts;
    let assessment = record.assessment.as_ref().map(|assessment| {
        context! {
            risk => assessment.risk_level.as_str().replace('_', " "),
            likelihood => assessment.likelihood.as_str(),
            severity => assessment.severity.as_str(),
            notify_ico => assessment.notify_ico,
            ico_reasons => assessment.ico_reasons.clone(),
            notify_subjects => assessment.notify_subjects,
            subjects_reasons => assessment.subjects_reasons.clone(),
            exception => assessment.subjects_exception.map(|exception| exception.label()),
            warning => assessment.ico_warning(),
        }
    });
    let others: Vec<Value> = record
        .others_notified
        .iter()
        .map(|notice| {
            context! {
                party => notice.party.label(),
                at => london(notice.notified_at),
                reference => notice.reference.clone(),
            }
        })
        .collect();
    let ico_reports: Vec<Value> = record
        .ico_reports
        .iter()
        .map(|report| {
            context! {
                follow_up => report.follow_up,
                reference => report.ico_reference.clone(),
                at => london(report.reported_at),
                delay => report.delay_reason.clone(),
            }
        })
        .collect();
    let subject_notice = record.subject_notice.as_ref().map(|notice| {
        context! {
            at => london(notice.notified_at),
            how => notice.how.clone(),
            message => notice.message.clone(),
            count => notice.people_told,
            public => notice.public_notice,
        }
    });
    let (status, error) = error.map_or((StatusCode::OK, None), |(status, message)| {
        (status, Some(message))
    });
    Ok(caller.answer(page(
        status,
        "breach.html",
        context! {
            nav => nav(principal, "/breaches"),
            error => error,
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
            aware_reason => record.aware_reason.clone(),
            dpo_contact => dpo_contact,
            provisional => view.deadline_provisional,
            deadline => view.deadline.map(london),
            left => time_left(view.deadline, app.now()),
            data => facts.data_categories.iter().map(|category| category.label()).collect::<Vec<_>>(),
            hidden => view.special_category_hidden,
            people => facts.people_affected,
            nature => facts.nature.iter().map(|n| format!("{} ({})", n.as_str().replace('_', " "), n.aspect())).collect::<Vec<_>>(),
            incident => facts.incident_type.map(|t| t.label()),
            preventive => facts.preventive_measures.clone(),
            proposed => record.assessment.as_ref().and_then(|a| a.measures_proposed.clone()),
            supplier => facts.supplier.as_ref().map(|supplier| context! {
                name => supplier.name.clone(),
                aware => supplier.aware_at.map(london),
                told => london(supplier.told_trust_at),
            }),
            next => breach.status.next().iter().map(|status| status.as_str().replace('_', " ")).collect::<Vec<_>>(),
            assessment => assessment,
            ico_reports => ico_reports,
            ico_done => record.ico_reports.iter().any(|report| !report.follow_up),
            subject_notice => subject_notice,
            ratings => Rating::ALL.iter().map(|rating| rating.as_str()).collect::<Vec<_>>(),
            parties => OtherParty::ALL.iter().map(|party| context! { value => party.as_str(), label => party.label() }).collect::<Vec<_>>(),
            exceptions => SubjectsException::ALL.iter().map(|exception| context! { value => exception.as_str(), label => exception.label() }).collect::<Vec<_>>(),
            others => others,
            open => breach.status.is_open(),
            timeline => timeline,
            handler => record.handler.as_ref().map(|handler| handler.name.clone()),
            handlers => handlers,
            staff => facts.staff_people.iter().map(|member| context! {
                name => member.name.clone(),
                record => format!("/exports/people/{}/evidence.txt", member.person),
            }).collect::<Vec<_>>(),
            trained_on => facts.staff_trained_on.map(|day| day.format("%-d %B %Y").to_string()),
            records => facts.records_affected,
            evidence => evidence,
            linked_records => linked_records,
            evidence_max_mib => attest_domain::EVIDENCE_MAX_BYTES / (1024 * 1024),
        },
    )))
}

/// A file's size as people read it.
fn human_size(bytes: u64) -> String {
    match bytes {
        0..1024 => format!("{bytes} bytes"),
        1024..1_048_576 => format!("{} KB", bytes.div_ceil(1024)),
        _ => format!("{:.1} MB", bytes as f64 / 1_048_576.0),
    }
}

/// What a timeline entry says beyond its action: the file attached, the note written.
fn timeline_detail(action: &str, detail: &serde_json::Value) -> Option<String> {
    let text = |key: &str| detail.get(key).and_then(serde_json::Value::as_str);
    match action {
        "evidence_attached" => Some(format!(
            "{} (SHA-256 {})",
            text("file_name")?,
            text("sha256")?.get(..12)?
        )),
        "note" => text("text").map(|note| note.chars().take(200).collect()),
        "assigned" => text("name").map(|name| format!("now with {name}")),
        _ => None,
    }
}

/// Who acted, when no name is known: the server itself, or someone since removed.
fn actor_label(kind: &str) -> String {
    match kind {
        "operator" => "attest (the server)".to_owned(),
        "api_token" => "an API token since deleted".to_owned(),
        "person" => "someone since removed".to_owned(),
        other => other.replace('_', " "),
    }
}
