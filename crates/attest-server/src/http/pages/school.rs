//! A school's pages: its compliance dashboard, "send reminders now", and transcribing
//! a paper form.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{
    App, ComplianceFilter, PaperAcceptance, PaperOutcome, SessionContext, SigningForm, status_key,
};
use attest_domain::{
    ComplianceStatus, LONDON, MembershipKind, PersonId, PolicyVersionId, Principal, SchoolId,
};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{form_status, london, nav, options, page, questions, see_other};
use crate::http::caller::Caller;
use crate::http::origin_of;
use crate::http::web_error::WebError;

/// Outstanding rows a school dashboard lists before pointing at the CSV.
const OUTSTANDING_SHOWN: u64 = 200;

/// Weeks of history the dashboard's progress chart shows.
const CHART_WEEKS: u32 = 8;

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

/// The chart's bars: 40 px apart, 1.5 px a percentage point, on a 160 px baseline.
fn chart(points: &[attest_app::ProgressPoint]) -> Vec<Value> {
    points
        .iter()
        .enumerate()
        .map(|(index, point)| {
            let percent = point.percent_compliant;
            context! {
                x => index * 40 + 30,
                height => percent * 1.5,
                y => 160.0 - percent * 1.5,
                label => point.as_of.with_timezone(&LONDON).format("%-d %b").to_string(),
                percent => percent,
            }
        })
        .collect()
}

/// `GET /schools/{id}`: a school's compliance, by status and kind, and who is outstanding.
pub async fn school_dashboard(
    caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
    filter: web::Query<OutstandingFilter>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let school = *school;
    let status = filter
        .status
        .as_deref()
        .and_then(|raw| {
            ComplianceStatus::ALL
                .into_iter()
                .find(|status| status_key(*status) == raw)
        })
        .unwrap_or(ComplianceStatus::Overdue);
    let kind = filter
        .kind
        .as_deref()
        .and_then(|raw| raw.parse::<MembershipKind>().ok());
    let progress = app
        .school_progress(principal, school, CHART_WEEKS - 1)
        .await?;
    let outstanding = app
        .compliance(
            principal,
            ComplianceFilter {
                school: Some(school),
                status: Some(status),
                kind,
                ..ComplianceFilter::default()
            },
            OUTSTANDING_SHOWN,
            None,
        )
        .await?;
    let name = app.school(principal, school).await?.name.to_string();
    let columns = app
        .compliance_by_obligation(principal, Some(school), None)
        .await?;
    let by_obligation = columns
        .schools
        .get(&school)
        .map(|tallies| super::obligations::tally_cells(tallies));
    let tally = &progress.tally;
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
                obligation => row.obligation.as_str(),
                status => status_key(row.status),
                due => row.due_on.map(|day| day.format("%-d %b %Y").to_string()),
            }
        })
        .collect();
    let current = format!("/schools/{school}");
    Ok(caller.answer(page(
        StatusCode::OK,
        "school.html",
        context! {
            nav => nav(principal, &current),
            school => name,
            school_id => school.to_string(),
            headings => super::obligations::headings(&columns),
            by_obligation => by_obligation,
            as_of => london(progress.as_of),
            percent => tally.percent(ComplianceStatus::Compliant),
            total => tally.total(),
            statuses => statuses,
            kinds => kinds,
            totals => totals,
            outstanding => rows,
            more => outstanding.next.is_some(),
            status_options => options(&ComplianceStatus::ALL, Some(status), status_key, "any"),
            kind_options => options(&MembershipKind::ALL, kind, MembershipKind::as_str, "any kind"),
            chart => chart(&progress.points),
            can_remind => principal.can_manage_school(school),
            csrf => app.csrf_token(context),
            sent => filter.sent,
            recorded => filter.recorded.clone(),
            without_email => filter.without_email.clone(),
        },
    )))
}

/// `POST /schools/{id}/remind`: "send reminders now", CSRF-checked; back to the
/// dashboard saying what was sent.
pub async fn remind_school(
    mut caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    caller.confirm_form(&app, form.get("csrf").map_or("", String::as_str))?;
    let (_, principal) = caller.visitor()?;
    let report = app.send_school_reminders(principal, *school).await?;
    let without: String =
        form_urlencoded::byte_serialize(report.without_email.join(", ").as_bytes()).collect();
    Ok(caller.answer(see_other(format!(
        "/schools/{school}?sent={}&without_email={without}",
        report.sent
    ))))
}

#[derive(Deserialize)]
pub struct PaperChoice {
    person: PersonId,
    version: PolicyVersionId,
}

/// The paper form page, with what was wrong when shown again.
struct PaperPage<'a> {
    context: &'a SessionContext,
    principal: &'a Principal,
    school: SchoolId,
    person: PersonId,
    form: &'a SigningForm,
}

impl<'a> PaperPage<'a> {
    fn new(
        (context, principal): (&'a SessionContext, &'a Principal),
        school: SchoolId,
        choice: &PaperChoice,
        form: &'a SigningForm,
    ) -> Self {
        Self {
            context,
            principal,
            school,
            person: choice.person,
            form,
        }
    }

    fn render(
        &self,
        app: &App,
        values: &BTreeMap<String, String>,
        error: Option<String>,
    ) -> HttpResponse {
        let form = self.form;
        page(
            form_status(error.as_ref()),
            "paper.html",
            context! {
                nav => nav(self.principal, &format!("/schools/{}", self.school)),
                csrf => app.csrf_token(self.context),
                person => form.person_name.clone(),
                person_id => self.person.to_string(),
                title => form.policy_title.clone(),
                version_number => form.version_number,
                version_id => form.version.to_string(),
                questions => questions(form),
                role => form.role.clone(),
                today => app.today().to_string(),
                html => form.html.clone(),
                values => values.clone(),
                error => error,
            },
        )
    }
}

/// `GET /schools/{id}/paper?person=&version=`: a school admin transcribes a paper form.
pub async fn paper_form(
    caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
    choice: web::Query<PaperChoice>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let form = app
        .paper_signing_form(principal, choice.person, choice.version, Some(*school))
        .await?;
    let paper = PaperPage::new((context, principal), *school, &choice, &form);
    Ok(caller.answer(paper.render(&app, &BTreeMap::new(), None)))
}

/// `POST /schools/{id}/paper?person=&version=`: record it, CSRF-checked.
pub async fn paper_submit(
    request: HttpRequest,
    mut caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
    choice: web::Query<PaperChoice>,
    form: web::Form<BTreeMap<String, String>>,
) -> Result<HttpResponse, WebError> {
    let values = form.into_inner();
    let one = |name: &str| values.get(name).cloned().unwrap_or_default();
    caller.confirm_form(&app, &one("csrf"))?;
    let (context, principal) = caller.visitor()?;
    let refused = |form: &SigningForm, problem: String| {
        let paper = PaperPage::new((context, principal), *school, &choice, form);
        paper.render(&app, &values, Some(problem))
    };
    let Ok(signed_on) = one("signed_on").parse::<chrono::NaiveDate>() else {
        let form = app
            .paper_signing_form(principal, choice.person, choice.version, Some(*school))
            .await?;
        let problem = "signed on: give the date written on the form".to_owned();
        return Ok(caller.answer(refused(&form, problem)));
    };
    let input = PaperAcceptance {
        person: choice.person,
        version: choice.version,
        school: Some(*school),
        typed_name: one("typed_name"),
        role: Some(one("role")).filter(|role| !role.trim().is_empty()),
        answers: values
            .iter()
            .filter_map(|(name, value)| {
                Some((name.strip_prefix("answer.")?.to_owned(), value.clone()))
            })
            .collect(),
        signed_on: Some(signed_on),
        note: one("note"),
    };
    match app
        .submit_paper(principal, input, origin_of(&request))
        .await?
    {
        PaperOutcome::Recorded { person_name, .. } => {
            let name: String = form_urlencoded::byte_serialize(person_name.as_bytes()).collect();
            Ok(caller.answer(see_other(format!("/schools/{school}?recorded={name}"))))
        }
        PaperOutcome::Refused { form, problem } => Ok(caller.answer(refused(&form, problem))),
    }
}
