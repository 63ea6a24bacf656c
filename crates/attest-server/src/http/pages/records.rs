//! The DPO's standing records: `GET /records` lists the record of processing
//! activities and the suppliers (with warnings, dates and breaches), with a form to add
//! each; `GET /calendar` shows and (for the DPO and trust admins) sets the term calendar.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError};
use attest_domain::processing::{ActivityInput, DataLocation, LawfulBasis, SupplierFacts};
use attest_domain::requests::{Term, TermCalendar};
use attest_domain::{DataCategory, PeopleCategory, SchoolId};
use minijinja::{Value, context};

use super::form_fields::Fields;
use super::{nav, page, see_other, shown_again};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

fn categories() -> (Vec<Value>, Vec<Value>) {
    (
        DataCategory::offered()
            .iter()
            .map(|c| context! { value => c.as_str(), label => c.label() })
            .collect(),
        PeopleCategory::ALL
            .iter()
            .map(|c| context! { value => c.as_str(), label => c.sentence() })
            .collect(),
    )
}

/// `GET /records`.
pub async fn records_page(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    show_records(&caller, &app, None).await
}

async fn show_records(
    caller: &Caller,
    app: &App,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let activities = app.processing_activities(principal).await?;
    let suppliers = app.suppliers(principal).await?;
    let schools = app.schools(principal).await?;
    let breaches = app
        .breaches(principal, attest_app::BreachFilter::default())
        .await
        .unwrap_or_default();
    let supplier_name = |id: &uuid::Uuid| {
        suppliers
            .iter()
            .find(|s| s.stored.id == *id)
            .map(|s| s.stored.supplier.name.clone())
    };
    let school_name = |id: Option<SchoolId>| {
        id.and_then(|id| schools.iter().find(|s| s.id == id))
            .map_or("the trust".to_owned(), |s| s.name.to_string())
    };
    let (data, people) = categories();
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let today = app.today();
    Ok(caller.answer(page(
        status,
        "records.html",
        context! {
            nav => nav(principal, "/requests"),
            csrf => app.csrf_token(context),
            error => error,
            keeps_trust => principal.has_role(attest_domain::Role::Dpo) || principal.can_administer_trust(),
            activities => activities.iter().map(|stored| {
                let a = &stored.activity;
                context! {
                    name => a.name.clone(),
                    school => school_name(stored.school),
                    purpose => a.purpose.clone(),
                    basis => a.lawful_basis.label(),
                    special => a.special_condition.clone(),
                    people => a.people_categories.iter().map(|p| p.sentence()).collect::<Vec<_>>().join(", "),
                    data => a.data_categories.iter().map(|d| d.label()).collect::<Vec<_>>().join(", "),
                    recipients => a.recipients.clone(),
                    transfers => a.transfers.clone(),
                    retention => a.retention.clone(),
                    processors => a.suppliers.iter().filter_map(supplier_name).collect::<Vec<_>>().join(", "),
                }
            }).collect::<Vec<_>>(),
            suppliers => suppliers.iter().map(|view| {
                let s = &view.stored.supplier;
                context! {
                    name => s.name.clone(),
                    service => s.service.clone(),
                    location => s.location.label(),
                    detail => s.location_detail.clone(),
                    dpa => s.dpa_signed_on.map(|d| d.to_string()),
                    ends => s.contract_ends_on.map(|d| d.to_string()),
                    review => s.review_on.map(|d| d.to_string()),
                    due => !s.alerts_due(today).is_empty(),
                    warnings => s.warnings(),
                    breaches => view.breaches.iter().filter_map(|id| breaches.iter().find(|b| b.breach.id == *id)).map(|b| context! { id => b.breach.id.to_string(), reference => b.breach.reference.clone() }).collect::<Vec<_>>(),
                }
            }).collect::<Vec<_>>(),
            supplier_choices => suppliers.iter().map(|s| context! { id => s.stored.id.to_string(), name => s.stored.supplier.name.clone() }).collect::<Vec<_>>(),
            schools => schools.iter().map(|s| context! { id => s.id.to_string(), name => s.name.to_string() }).collect::<Vec<_>>(),
            bases => LawfulBasis::ALL.iter().map(|b| context! { value => b.as_str(), label => b.label() }).collect::<Vec<_>>(),
            locations => DataLocation::ALL.iter().map(|l| context! { value => l.as_str(), label => l.label() }).collect::<Vec<_>>(),
            data_categories => data,
            people_categories => people,
        },
    )))
}

async fn save(app: &App, caller: &Caller, what: &str, fields: &Fields) -> Result<(), AppError> {
    let principal = caller
        .visitor()
        .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
        .1;
    match what {
        "activities" => {
            let school = fields
                .optional("school")
                .map(|raw| raw.parse::<SchoolId>())
                .transpose()
                .map_err(|_| AppError::invalid("school", "not a school of this trust"))?;
            let suppliers = fields
                .all("supplier")
                .iter()
                .map(|raw| raw.parse::<uuid::Uuid>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| AppError::invalid("suppliers", "not one of the trust's suppliers"))?;
            let input = ActivityInput {
                name: fields.one("name"),
                purpose: fields.one("purpose"),
                lawful_basis: fields.one("lawful_basis"),
                special_condition: fields.optional("special_condition"),
                joint_controller: fields.optional("joint_controller"),
                people_categories: fields.all("people"),
                data_categories: fields.all("data"),
                recipients: fields.one("recipients"),
                transfers: fields.optional("transfers"),
                transfer_safeguards: fields.optional("transfer_safeguards"),
                retention: fields.one("retention"),
                security: fields.one("security"),
                source: fields.optional("source"),
                suppliers,
            };
            app.save_processing_activity(principal, None, school, input)
                .await?;
        }
        "suppliers" => {
            let facts = SupplierFacts {
                name: fields.one("name"),
                service: fields.one("service"),
                contact: fields.optional("contact"),
                data_categories: fields.all("data"),
                people_categories: fields.all("people"),
                location: fields.one("location"),
                location_detail: fields.optional("location_detail"),
                contract_starts_on: fields.optional_date("contract_starts_on")?,
                contract_ends_on: fields.optional_date("contract_ends_on")?,
                dpa_signed_on: fields.optional_date("dpa_signed_on")?,
                review_on: fields.optional_date("review_on")?,
            };
            app.save_supplier(principal, None, facts).await?;
        }
        _ => return Err(AppError::NotFound("no such record".to_owned())),
    }
    Ok(())
}

/// `POST /records/{activities|suppliers}`: adds one from the page's form.
pub async fn records_submit(
    mut caller: Caller,
    app: web::Data<App>,
    what: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    match save(&app, &caller, &what, &fields).await {
        Ok(()) => Ok(caller.answer(see_other(format!("/records#{what}")))),
        Err(error) => show_records(&caller, &app, Some(shown_again(error)?)).await,
    }
}

/// `GET /calendar`: the term calendar, and for the DPO and trust admins its form: one
/// term a line (`name, first day, last day`), INSET days and extra bank holidays one a line.
pub async fn calendar_page(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    show_calendar(&caller, &app, None, None).await
}

async fn show_calendar(
    caller: &Caller,
    app: &App,
    typed: Option<&Fields>,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    let calendar = app.term_calendar(principal).await?;
    let lines = |days: &[chrono::NaiveDate]| {
        days.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let terms_text = calendar
        .terms
        .iter()
        .map(|t| format!("{}, {}, {}", t.name, t.starts_on, t.ends_on))
        .collect::<Vec<_>>()
        .join("\n");
    let (status, error) = match error {
        Some((status, message)) => (status, Some(message)),
        None => (StatusCode::OK, None),
    };
    let typed_or = |name: &str, stored: String| typed.map_or(stored, |fields| fields.one(name));
    Ok(caller.answer(page(
        status,
        "calendar.html",
        context! {
            nav => nav(principal, "/requests"),
            csrf => app.csrf_token(context),
            error => error,
            keeps => principal.has_role(attest_domain::Role::Dpo) || principal.can_administer_trust(),
            terms => calendar.terms.iter().map(|t| context! { name => t.name.clone(), from => t.starts_on.format("%a %-d %b %Y").to_string(), to => t.ends_on.format("%a %-d %b %Y").to_string() }).collect::<Vec<_>>(),
            inset => calendar.inset_days.iter().map(|d| d.format("%a %-d %b %Y").to_string()).collect::<Vec<_>>(),
            extra => calendar.extra_bank_holidays.iter().map(|d| d.format("%a %-d %b %Y").to_string()).collect::<Vec<_>>(),
            covered_until => calendar.covered_until().map(|d| d.format("%a %-d %b %Y").to_string()),
            terms_text => typed_or("terms", terms_text),
            inset_text => typed_or("inset_days", lines(&calendar.inset_days)),
            extra_text => typed_or("extra_bank_holidays", lines(&calendar.extra_bank_holidays)),
        },
    )))
}

fn day_lines(field: &'static str, raw: &str) -> Result<Vec<chrono::NaiveDate>, AppError> {
    raw.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            chrono::NaiveDate::parse_from_str(line.trim(), "%Y-%m-%d").map_err(|_| {
                AppError::invalid(
                    field,
                    format!(
                        "line {}: '{}' is not a date (YYYY-MM-DD)",
                        index + 1,
                        line.trim()
                    ),
                )
            })
        })
        .collect()
}

fn term_lines(raw: &str) -> Result<Vec<Term>, AppError> {
    raw.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| {
            let parts: Vec<&str> = line.rsplitn(3, ',').map(str::trim).collect();
            let wrong = || AppError::invalid("terms", format!("line {}: write 'name, first day, last day' with dates as YYYY-MM-DD, not '{}'", index + 1, line.trim()));
            let [ends, starts, name] = parts.as_slice() else { return Err(wrong()) };
            let day = |raw: &str| chrono::NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| wrong());
            Ok(Term { name: (*name).to_owned(), starts_on: day(starts)?, ends_on: day(ends)? })
        })
        .collect()
}

/// `POST /calendar`: replaces the term calendar (the DPO or a trust admin).
pub async fn calendar_submit(
    mut caller: Caller,
    app: web::Data<App>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    let saved = async {
        let principal = caller
            .visitor()
            .map_err(|_| AppError::Unauthenticated("not signed in".to_owned()))?
            .1;
        let calendar = TermCalendar {
            terms: term_lines(&fields.one("terms"))?,
            inset_days: day_lines("inset_days", &fields.one("inset_days"))?,
            extra_bank_holidays: day_lines(
                "extra_bank_holidays",
                &fields.one("extra_bank_holidays"),
            )?,
        };
        app.set_term_calendar(principal, calendar).await
    }
    .await;
    match saved {
        Ok(_) => Ok(caller.answer(see_other("/calendar".to_owned()))),
        Err(error) => show_calendar(&caller, &app, Some(&fields), Some(shown_again(error)?)).await,
    }
}
