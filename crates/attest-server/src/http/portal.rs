//! Pages for people signed in with their school account: signing their own policies,
//! and for the roles that have them, a school's dashboard, the trust's overview and the
//! DPO's breach desk. Every page asks the application with the session's principal, so
//! it sees and may do exactly what the API allows that person.

use std::collections::BTreeMap;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{
    App, AppError, BreachFilter, ComplianceFilter, SessionContext, Tally, status_key,
};
use attest_domain::{
    BreachFactsInput, BreachId, ComplianceStatus, DataCategory, LONDON, MembershipKind,
    PeopleCategory, PolicyVersionId, Principal, Role, SchoolId,
};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};
use serde::Deserialize;

use super::graphql::origin_of;
use super::pages::{Submission, page, sign_form, signed};
use super::sso::{SESSION_COOKIE, SignIn, renewed_session_cookie};

/// Outstanding rows a school dashboard lists before pointing at the CSV.
const OUTSTANDING_SHOWN: u64 = 200;

/// A signed-in request: the session, and its renewed cookie to send back.
struct Visit {
    context: SessionContext,
    renewed: Option<Cookie<'static>>,
}

impl Visit {
    fn principal(&self) -> &Principal {
        &self.context.principal
    }

    fn answer(&self, mut response: HttpResponse) -> HttpResponse {
        if let Some(renewed) = &self.renewed {
            let _ = response.add_cookie(renewed);
        }
        response
    }
}

fn problem(status: StatusCode, message: &str) -> HttpResponse {
    page(
        status,
        "sign_in_failed.html",
        context! { message => message },
    )
}

fn error_page(error: &AppError) -> HttpResponse {
    match error {
        AppError::Unauthenticated(message) => problem(StatusCode::UNAUTHORIZED, message),
        AppError::Forbidden(message) => problem(StatusCode::FORBIDDEN, message),
        AppError::NotFound(_) => problem(StatusCode::NOT_FOUND, "There is no such page here."),
        AppError::InvalidInput { .. } => {
            problem(StatusCode::UNPROCESSABLE_ENTITY, &error.to_string())
        }
        AppError::Conflict(message) => problem(StatusCode::CONFLICT, message),
        AppError::RateLimited {
            message,
            retry_after,
        } => super::with_retry_after(
            problem(StatusCode::TOO_MANY_REQUESTS, message),
            *retry_after,
        ),
        other => {
            tracing::error!(error = %other, "page failed");
            problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong; it has been logged.",
            )
        }
    }
}

async fn visit(request: &HttpRequest, app: &App, sign_in: &SignIn) -> Result<Visit, HttpResponse> {
    let Some(token) = request.cookie(SESSION_COOKIE) else {
        return Err(problem(
            StatusCode::UNAUTHORIZED,
            "You are not signed in. Use your school's sign-in link.",
        ));
    };
    let context = app
        .session(token.value())
        .await
        .map_err(|error| error_page(&error))?;
    Ok(Visit {
        renewed: renewed_session_cookie(app, &context, sign_in.secure_cookies),
        context,
    })
}

/// A signed-in form post: the session, and the page's CSRF token it must carry.
async fn posted(
    request: &HttpRequest,
    app: &App,
    sign_in: &SignIn,
    csrf: &str,
) -> Result<Visit, HttpResponse> {
    let visit = visit(request, app, sign_in).await?;
    if app.check_csrf(&visit.context, csrf) {
        Ok(visit)
    } else {
        Err(problem(
            StatusCode::FORBIDDEN,
            "This form has expired or did not come from attest. Open the page again.",
        ))
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
    items.push(("/breaches".to_owned(), "Breaches"));
    items.push(("/breaches/new".to_owned(), "Report a breach"));
    items
        .into_iter()
        .map(|(href, label)| context! { current => href == current, href => href, label => label })
        .collect()
}

fn london(at: DateTime<Utc>) -> String {
    at.with_timezone(&LONDON)
        .format("%a %-d %b %Y %H:%M")
        .to_string()
}

/// The share compliant, as the API reports it (one decimal).
fn compliant(tally: &Tally) -> f64 {
    tally.percent(ComplianceStatus::Compliant)
}

#[derive(Deserialize)]
pub struct SchoolChoice {
    school: Option<SchoolId>,
}

/// `GET /me/sign/{version}`: a signed-in member of staff reads their copy and signs.
pub async fn my_signing_page(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    version: web::Path<PolicyVersionId>,
    choice: web::Query<SchoolChoice>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let csrf = app.csrf_token(&visit.context);
    match app
        .signing_form(visit.principal(), *version, choice.school)
        .await
    {
        Ok(form) => visit.answer(sign_form(&form, None, Some(&csrf))),
        Err(error) => error_page(&error),
    }
}

/// `POST /me/sign/{version}`: sign or decline, with the page's CSRF token.
pub async fn my_signing_submit(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    version: web::Path<PolicyVersionId>,
    choice: web::Query<SchoolChoice>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let mut form = form.into_inner();
    let presented = form.get("csrf").cloned().unwrap_or_default();
    let visit = match posted(&request, &app, &sign_in, &presented).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    if let Some(school) = choice.school {
        form.entry("school".to_owned())
            .or_insert_with(|| school.to_string());
    }
    let principal = visit.principal();
    let opened = match app.signing_form(principal, *version, choice.school).await {
        Ok(opened) => opened,
        Err(error) => return error_page(&error),
    };
    let result = match Submission::read(&form, opened.version) {
        Submission::Sign(sign) => app.sign_policy(principal, sign, origin_of(&request)).await,
        Submission::Decline(decline) => {
            app.decline_policy(principal, decline, origin_of(&request))
                .await
        }
    };
    let csrf = app.csrf_token(&visit.context);
    match signed(&app, result, &opened, Some(&csrf)).await {
        Ok(page) => visit.answer(page),
        Err(error) => error_page(&error),
    }
}

#[derive(Deserialize)]
pub struct OutstandingFilter {
    status: Option<String>,
    kind: Option<String>,
    /// After "send reminders now": how many went, and who has no email.
    sent: Option<usize>,
    without_email: Option<String>,
    /// After a paper form: whose.
    recorded: Option<String>,
}

/// Weeks of history the dashboard's progress chart shows.
const CHART_WEEKS: u32 = 8;

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

/// `GET /schools/{id}`: a school's compliance, by status and kind, and who is outstanding.
pub async fn school_dashboard(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    school: web::Path<SchoolId>,
    filter: web::Query<OutstandingFilter>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    let school = *school;
    let status = filter.status.as_deref().and_then(|raw| {
        ComplianceStatus::ALL
            .into_iter()
            .find(|status| status_key(*status) == raw)
    });
    let kind = filter
        .kind
        .as_deref()
        .and_then(|raw| raw.parse::<MembershipKind>().ok());
    let summary = match app.compliance_summary(principal, Some(school), None).await {
        Ok(summary) => summary,
        Err(error) => return error_page(&error),
    };
    let outstanding = match app
        .compliance(
            principal,
            ComplianceFilter {
                school: Some(school),
                status: Some(status.unwrap_or(ComplianceStatus::Overdue)),
                kind,
                ..ComplianceFilter::default()
            },
            OUTSTANDING_SHOWN,
            None,
        )
        .await
    {
        Ok(found) => found,
        Err(error) => return error_page(&error),
    };
    let name = match app.school(principal, school).await {
        Ok(found) => found.name.to_string(),
        Err(error) => return error_page(&error),
    };
    let tally = summary
        .schools
        .iter()
        .find(|(id, _)| *id == school)
        .map(|(_, tally)| tally.clone())
        .unwrap_or_default();
    // Progress over time: the same question asked of each of the last weeks (points
    // fixed for a day and kept, so a page load does not recompute them).
    let past = match app
        .compliance_progress(principal, Some(school), CHART_WEEKS - 1)
        .await
    {
        Ok(past) => past,
        Err(error) => return error_page(&error),
    };
    let mut progress: Vec<_> = past
        .iter()
        .map(|then| {
            let percent = then
                .schools
                .iter()
                .find(|(id, _)| *id == school)
                .map_or(0.0, |(_, tally)| compliant(tally));
            (then.as_of, percent)
        })
        .collect();
    progress.push((summary.as_of, compliant(&tally)));
    let chart: Vec<Value> = progress
        .iter()
        .enumerate()
        .map(|(index, (at, percent))| {
            context! {
                x => index * 40 + 30,
                height => *percent * 1.5,
                y => 160.0 - *percent * 1.5,
                label => at.with_timezone(&LONDON).format("%-d %b").to_string(),
                percent => *percent,
            }
        })
        .collect();
    let statuses: Vec<&str> = ComplianceStatus::ALL
        .iter()
        .map(|s| status_key(*s))
        .collect();
    let kinds: Vec<Value> = tally
        .by_kind
        .iter()
        .map(|(kind, counts)| {
            context! {
                kind => kind.as_str(),
                counts => statuses.iter().map(|s| counts.get(s).copied().unwrap_or_default()).collect::<Vec<_>>(),
            }
        })
        .collect();
    let totals: Vec<u64> = ComplianceStatus::ALL
        .iter()
        .map(|s| tally.count(*s))
        .collect();
    let rows: Vec<Value> = outstanding
        .rows
        .iter()
        .map(|row| {
            context! {
                name => row.full_name.clone(),
                person => row.person.to_string(),
                version => row.current_version_id.to_string(),
                kind => row.kind.as_str(),
                policy => row.policy_title.clone(),
                status => status_key(row.status),
                due => row.due_on.map(|day| day.format("%-d %b %Y").to_string()),
            }
        })
        .collect();
    let current = format!("/schools/{school}");
    visit.answer(page(
        StatusCode::OK,
        "school.html",
        context! {
            nav => nav(principal, &current),
            school => name,
            school_id => school.to_string(),
            as_of => london(summary.as_of),
            percent => compliant(&tally),
            total => tally.total(),
            statuses => statuses,
            kinds => kinds,
            totals => totals,
            outstanding => rows,
            more => outstanding.next.is_some(),
            status_options => options(&ComplianceStatus::ALL, Some(status.unwrap_or(ComplianceStatus::Overdue)), status_key, "any"),
            kind_options => options(&MembershipKind::ALL, kind, MembershipKind::as_str, "any kind"),
            chart => chart,
            can_remind => principal.can_manage_school(school),
            csrf => app.csrf_token(&visit.context),
            sent => filter.sent,
            recorded => filter.recorded.clone(),
            without_email => filter.without_email.clone(),
        },
    ))
}

/// `GET /trust`: every school side by side, policies due for review, the directory sync.
pub async fn trust_overview(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    if !trust_wide_reader(principal) {
        return problem(
            StatusCode::FORBIDDEN,
            "The trust overview is for trust admins, the DPO and read-only users.",
        );
    }
    let summary = match app.compliance_summary(principal, None, None).await {
        Ok(summary) => summary,
        Err(error) => return error_page(&error),
    };
    let schools = match app.schools(principal).await {
        Ok(schools) => schools,
        Err(error) => return error_page(&error),
    };
    let reviews = match app.policies_due_for_review(principal, 60).await {
        Ok(reviews) => reviews,
        Err(error) => return error_page(&error),
    };
    // Only trust admins see the directory sync; others simply do not get that part.
    let sync = match app.sync_runs(principal, 1).await {
        Ok(runs) => runs.into_iter().next().map(|run| {
            context! {
                status => run.row.status,
                at => london(run.row.created_at),
                error => run.row.error,
            }
        }),
        Err(_) => None,
    };
    let tallies: BTreeMap<SchoolId, _> = summary.schools.iter().cloned().collect();
    let rows: Vec<Value> = schools
        .iter()
        .map(|school| {
            let tally = tallies.get(&school.id).cloned().unwrap_or_default();
            let count = |status| tally.count(status);
            context! {
                id => school.id.to_string(),
                name => school.name.to_string(),
                compliant => count(ComplianceStatus::Compliant),
                due => count(ComplianceStatus::Due),
                overdue => count(ComplianceStatus::Overdue),
                exempt => count(ComplianceStatus::Exempt),
                percent => compliant(&tally),
            }
        })
        .collect();
    let overall = &summary.overall;
    visit.answer(page(
        StatusCode::OK,
        "trust.html",
        context! {
            nav => nav(principal, "/trust"),
            trust => visit.context.trust.name.as_str(),
            as_of => london(summary.as_of),
            percent => compliant(overall),
            schools => rows,
            reviews => reviews.iter().map(|review| context! {
                title => review.policy.title.clone(),
                on => review.next_review_on.format("%-d %b %Y").to_string(),
                overdue => review.overdue,
            }).collect::<Vec<_>>(),
            sync => sync,
        },
    ))
}

fn time_left(deadline: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Option<String> {
    let left = deadline? - now;
    (left > chrono::Duration::zero())
        .then(|| format!("{} h {:02} min", left.num_hours(), left.num_minutes() % 60))
}

/// `GET /breaches`: the register as this person may see it, with the ICO countdown.
pub async fn breach_desk(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    let breaches = match app.breaches(principal, BreachFilter::default()).await {
        Ok(breaches) => breaches,
        Err(error) => return error_page(&error),
    };
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
    visit.answer(page(
        StatusCode::OK,
        "breaches.html",
        context! { nav => nav(principal, "/breaches"), breaches => rows },
    ))
}

/// `GET /breaches/{id}`: one breach, its allowed next steps and (for the DPO and trust
/// admins) its timeline.
pub async fn breach_page(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    id: web::Path<BreachId>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    let view = match app.breach(principal, *id).await {
        Ok(view) => view,
        Err(error) => return error_page(&error),
    };
    let timeline = match app.breach_timeline(principal, *id).await {
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
        Err(error) => return error_page(&error),
    };
    let acts = match app.may_act_as_dpo(principal).await {
        Ok(acts) => acts,
        Err(error) => return error_page(&error),
    };
    let can_note = !timeline.is_empty();
    let breach = &view.breach;
    let facts = &breach.record.facts;
    visit.answer(page(
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
            can_note => can_note,
            csrf => app.csrf_token(&visit.context),
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
    ))
}

/// A `datetime-local` value (UK time) as an instant.
fn uk_time(raw: &str) -> Option<DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(raw.trim(), "%Y-%m-%dT%H:%M").ok()?;
    local
        .and_local_timezone(LONDON)
        .earliest()
        .map(|at| at.with_timezone(&Utc))
}

fn report_page(
    visit: &Visit,
    app: &App,
    schools: &[attest_domain::School],
    values: &BTreeMap<String, String>,
    error: Option<String>,
) -> HttpResponse {
    let choices = |all: &[(&'static str, String)]| -> Vec<Value> {
        all.iter()
            .map(|(value, label)| context! { value => *value, label => label.clone() })
            .collect()
    };
    let data: Vec<(&'static str, String)> = DataCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category.label().to_owned()))
        .collect();
    let people: Vec<(&'static str, String)> = PeopleCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category.as_str().replace('_', " ")))
        .collect();
    let mut values = values.clone();
    let person = &visit.context.person;
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
    visit.answer(page(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "report.html",
        context! {
            nav => nav(visit.principal(), "/breaches/new"),
            csrf => app.csrf_token(&visit.context),
            schools => schools.iter().map(|school| context! { id => school.id.to_string(), name => school.name.to_string() }).collect::<Vec<_>>(),
            answers => vec![
                context! { name => "cyber_incident", legend => "Was it caused by a cyber incident?" },
                context! { name => "staff_involved", legend => "Was a member of staff involved?" },
                context! { name => "recovered_or_contained", legend => "Has the data been recovered or the breach contained?" },
            ],
            data_categories => choices(&data),
            people_categories => choices(&people),
            values => values,
            error => error,
        },
    ))
}

/// `GET /breaches/new`: any member of staff reports a breach for a school they work at.
pub async fn report_form(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    match app.reporting_schools(visit.principal()).await {
        Ok(schools) => report_page(&visit, &app, &schools, &BTreeMap::new(), None),
        Err(error) => error_page(&error),
    }
}

/// `POST /breaches/new`: the report, CSRF-checked; then the reporter's view of it.
pub async fn report_submit(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    form: web::Form<Vec<(String, String)>>,
) -> HttpResponse {
    let pairs = form.into_inner();
    let all = |name: &str| -> Vec<String> {
        pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .collect()
    };
    let values: BTreeMap<String, String> = pairs.iter().cloned().collect();
    let one = |name: &str| values.get(name).cloned().unwrap_or_default();
    let visit = match posted(&request, &app, &sign_in, &one("csrf")).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let schools = match app.reporting_schools(visit.principal()).await {
        Ok(schools) => schools,
        Err(error) => return error_page(&error),
    };
    let optional = |name: &str| Some(one(name)).filter(|text| !text.trim().is_empty());
    let facts = BreachFactsInput {
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
    };
    let school: Vec<SchoolId> = one("school").parse().into_iter().collect();
    match app.report_breach(visit.principal(), facts, school).await {
        Ok(view) => visit.answer(see_other(format!("/breaches/{}", view.breach.id))),
        Err(error @ (AppError::InvalidInput { .. } | AppError::Forbidden(_))) => {
            report_page(&visit, &app, &schools, &values, Some(error.to_string()))
        }
        Err(error) => error_page(&error),
    }
}

/// `POST /schools/{id}/remind`: "send reminders now", CSRF-checked; back to the
/// dashboard saying what was sent.
pub async fn remind_school(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    school: web::Path<SchoolId>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let presented = form.get("csrf").cloned().unwrap_or_default();
    let visit = match posted(&request, &app, &sign_in, &presented).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    match app.send_school_reminders(visit.principal(), *school).await {
        Ok(report) => {
            let without: String =
                form_urlencoded::byte_serialize(report.without_email.join(", ").as_bytes())
                    .collect();
            visit.answer(see_other(format!(
                "/schools/{school}?sent={}&without_email={without}",
                report.sent
            )))
        }
        Err(error) => error_page(&error),
    }
}

#[derive(Deserialize)]
pub struct PaperChoice {
    person: attest_domain::PersonId,
    version: PolicyVersionId,
}

fn paper_page(
    visit: &Visit,
    app: &App,
    school: SchoolId,
    form: &attest_app::SigningForm,
    person: attest_domain::PersonId,
    values: &BTreeMap<String, String>,
    error: Option<String>,
) -> HttpResponse {
    let questions: Vec<Value> = form
        .questions
        .iter()
        .map(|q| context! { key => q.key.clone(), text => q.text.clone(), options => q.options.clone() })
        .collect();
    visit.answer(page(
        if error.is_some() {
            StatusCode::UNPROCESSABLE_ENTITY
        } else {
            StatusCode::OK
        },
        "paper.html",
        context! {
            nav => nav(visit.principal(), &format!("/schools/{school}")),
            csrf => app.csrf_token(&visit.context),
            person => form.person_name.clone(),
            person_id => person.to_string(),
            title => form.policy_title.clone(),
            version_number => form.version_number,
            version_id => form.version.to_string(),
            questions => questions,
            role => form.role.clone(),
            today => app.today().to_string(),
            html => form.html.clone(),
            values => values.clone(),
            error => error,
        },
    ))
}

/// `GET /schools/{id}/paper?person=&version=`: a school admin transcribes a paper form.
pub async fn paper_form(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    school: web::Path<SchoolId>,
    choice: web::Query<PaperChoice>,
) -> HttpResponse {
    let visit = match visit(&request, &app, &sign_in).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    match app
        .paper_signing_form(
            visit.principal(),
            choice.person,
            choice.version,
            Some(*school),
        )
        .await
    {
        Ok(form) => paper_page(
            &visit,
            &app,
            *school,
            &form,
            choice.person,
            &BTreeMap::new(),
            None,
        ),
        Err(error) => error_page(&error),
    }
}

/// `POST /schools/{id}/paper?person=&version=`: record it, CSRF-checked.
pub async fn paper_submit(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    school: web::Path<SchoolId>,
    choice: web::Query<PaperChoice>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let values = form.into_inner();
    let one = |name: &str| values.get(name).cloned().unwrap_or_default();
    let visit = match posted(&request, &app, &sign_in, &one("csrf")).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    let opened = match app
        .paper_signing_form(principal, choice.person, choice.version, Some(*school))
        .await
    {
        Ok(opened) => opened,
        Err(error) => return error_page(&error),
    };
    let answers = values
        .iter()
        .filter_map(|(name, value)| Some((name.strip_prefix("answer.")?.to_owned(), value.clone())))
        .collect();
    let signed_on = match one("signed_on").parse::<chrono::NaiveDate>() {
        Ok(day) => Some(day),
        Err(_) => {
            return paper_page(
                &visit,
                &app,
                *school,
                &opened,
                choice.person,
                &values,
                Some("signedOn: give the date written on the form".to_owned()),
            );
        }
    };
    let recorded = app
        .record_paper_acceptance(
            principal,
            attest_app::PaperAcceptance {
                person: choice.person,
                version: choice.version,
                school: Some(*school),
                typed_name: one("typed_name"),
                role: Some(one("role")).filter(|role| !role.trim().is_empty()),
                answers,
                signed_on,
                note: one("note"),
            },
            origin_of(&request),
        )
        .await;
    match recorded {
        Ok(_) => {
            let name: String =
                form_urlencoded::byte_serialize(opened.person_name.as_bytes()).collect();
            visit.answer(see_other(format!("/schools/{school}?recorded={name}")))
        }
        Err(error @ (AppError::InvalidInput { .. } | AppError::Conflict(_))) => paper_page(
            &visit,
            &app,
            *school,
            &opened,
            choice.person,
            &values,
            Some(error.to_string()),
        ),
        Err(error) => error_page(&error),
    }
}

/// `POST /breaches/{id}/{action}`: the DPO triages, closes as not a breach, or adds a
/// note, against the version the page showed (a stale one is refused as a conflict).
pub async fn breach_action(
    request: HttpRequest,
    app: web::Data<App>,
    sign_in: web::Data<SignIn>,
    path: web::Path<(BreachId, String)>,
    form: web::Form<BTreeMap<String, String>>,
) -> HttpResponse {
    let (id, action) = path.into_inner();
    let one = |name: &str| form.get(name).cloned().unwrap_or_default();
    let optional = |name: &str| Some(one(name)).filter(|text| !text.trim().is_empty());
    let visit = match posted(&request, &app, &sign_in, &one("csrf")).await {
        Ok(visit) => visit,
        Err(refused) => return refused,
    };
    let principal = visit.principal();
    let version = one("version").parse::<u32>().unwrap_or_default();
    let done = match action.as_str() {
        "triage" => match uk_time(&one("aware_at")) {
            Some(aware_at) => app
                .triage_breach(principal, id, version, aware_at, optional("notes"))
                .await
                .map(drop),
            None => Err(AppError::invalid("awareAt", "give the date and time")),
        },
        "close_not_a_breach" => app
            .close_breach(
                principal,
                id,
                version,
                attest_app::CloseBreachInput {
                    not_a_breach: true,
                    reason: optional("reason"),
                    lessons_learned: None,
                },
            )
            .await
            .map(drop),
        "note" => app
            .add_breach_note(
                principal,
                id,
                attest_app::BreachNote {
                    text: one("text"),
                    attachment: optional("attachment"),
                },
            )
            .await
            .map(drop),
        _ => Err(AppError::NotFound("no such action".to_owned())),
    };
    match done {
        Ok(()) => visit.answer(see_other(format!("/breaches/{id}"))),
        Err(error) => error_page(&error),
    }
}
