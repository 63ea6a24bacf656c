//! The report form: any member of staff reports a breach for a school they work at
//! (`/breaches/new`), and the DPO corrects what was reported on the same form, filled
//! with the record as it stands (`/breaches/{id}/correct`; article 33(4)/(5): each
//! change is kept on the timeline with its previous value).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use attest_app::{App, AppError, SessionContext};
use attest_domain::{
    BreachFacts, BreachFactsInput, BreachId, BreachNature, DataCategory, IncidentType, LONDON,
    PeopleCategory, Principal, REPORT_QUESTIONS, School, SchoolId, SupplierInput,
};
use chrono::{DateTime, Utc};
use minijinja::{Value, context};

use super::form_fields::{Fields, uk_time};
use super::{form_status, nav, page, see_other};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

/// What the form does: a new report, or a correction of breach `id` at `version`.
enum Purpose<'a> {
    Report(&'a [School]),
    Correct {
        id: BreachId,
        reference: &'a str,
        version: u32,
    },
}

/// What the form shows: one value per field, and the ticked boxes and chosen options.
#[derive(Default)]
struct Filled {
    values: BTreeMap<String, String>,
    chosen: BTreeMap<String, Vec<String>>,
}

impl Filled {
    fn from_fields(fields: &Fields) -> Self {
        let mut filled = Self::default();
        for (name, value) in &fields.0 {
            filled.values.insert(name.clone(), value.clone());
            filled
                .chosen
                .entry(name.clone())
                .or_default()
                .push(value.clone());
        }
        filled
    }

    fn set(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        self.values.insert(name.to_owned(), value.clone());
        self.chosen.insert(name.to_owned(), vec![value]);
    }

    fn set_optional(&mut self, name: &str, value: Option<impl ToString>) {
        if let Some(value) = value {
            self.set(name, value.to_string());
        }
    }

    fn choose(&mut self, name: &str, values: impl IntoIterator<Item = String>) {
        self.chosen
            .insert(name.to_owned(), values.into_iter().collect());
    }

    /// The form filled with the record as it stands.
    fn from_facts(facts: &BreachFacts) -> Self {
        let local = |at: DateTime<Utc>| {
            at.with_timezone(&LONDON)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        };
        let mut filled = Self::default();
        filled.set("what_happened", facts.what_happened.clone());
        filled.set("discovered_at", local(facts.discovered_at));
        filled.set_optional("occurred_at", facts.occurred_at.map(local));
        filled.set("how_discovered", facts.how_discovered.clone());
        filled.set("cyber_incident", facts.cyber_incident.to_string());
        filled.set("staff_involved", facts.staff_involved.to_string());
        filled.set(
            "recovered_or_contained",
            facts.recovered_or_contained.to_string(),
        );
        filled.choose(
            "data",
            facts.data_categories.iter().map(ToString::to_string),
        );
        filled.set_optional("data_other", facts.data_other.as_ref());
        filled.choose(
            "people",
            facts.people_categories.iter().map(ToString::to_string),
        );
        filled.set_optional("people_other", facts.people_other.as_ref());
        filled.set_optional("people_affected", facts.people_affected);
        filled.set_optional("records_affected", facts.records_affected);
        filled.choose("nature", facts.nature.iter().map(ToString::to_string));
        filled.set_optional("incident_type", facts.incident_type);
        filled.set_optional("preventive_measures", facts.preventive_measures.as_ref());
        filled.set_optional("staff_trained_on", facts.staff_trained_on);
        filled.set_optional("staff_training", facts.staff_training.as_ref());
        filled.set_optional("containment_detail", facts.containment_detail.as_ref());
        filled.set_optional("cross_border", facts.cross_border.as_ref());
        filled.set("reporter_name", facts.reporter_name.clone());
        filled.set_optional("reporter_contact", facts.reporter_contact.as_ref());
        if let Some(supplier) = &facts.supplier {
            filled.set("supplier_name", supplier.name.clone());
            filled.set_optional("supplier_aware_at", supplier.aware_at.map(local));
            filled.set("supplier_told_at", local(supplier.told_trust_at));
        }
        filled
    }
}

/// The form, filled, with what was wrong when it is shown again.
fn report_page(
    (context, principal): (&SessionContext, &Principal),
    app: &App,
    purpose: &Purpose<'_>,
    mut filled: Filled,
    error: Option<String>,
) -> HttpResponse {
    let choices = |all: Vec<(&'static str, String)>| -> Vec<Value> {
        all.into_iter()
            .map(|(value, label)| context! { value => value, label => label })
            .collect()
    };
    let data = DataCategory::offered()
        .iter()
        .map(|category| (category.as_str(), category.label().to_owned()))
        .collect();
    let people = PeopleCategory::ALL
        .iter()
        .map(|category| (category.as_str(), category.as_str().replace('_', " ")))
        .collect();
    let person = &context.person;
    let values = &mut filled.values;
    values
        .entry("reporter_name".to_owned())
        .or_insert_with(|| person.full_name.as_str().to_owned());
    values
        .entry("reporter_contact".to_owned())
        .or_insert_with(|| {
            person
                .email
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default()
        });
    values.entry("discovered_at".to_owned()).or_insert_with(|| {
        app.now()
            .with_timezone(&LONDON)
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    });
    let (current, action, heading, schools, version) = match purpose {
        Purpose::Report(schools) => (
            "/breaches/new".to_owned(),
            "/breaches/new".to_owned(),
            "Report a data breach".to_owned(),
            schools
                .iter()
                .map(|school| context! { id => school.id.to_string(), name => school.name.to_string() })
                .collect::<Vec<_>>(),
            None,
        ),
        Purpose::Correct { id, reference, version } => (
            "/breaches".to_owned(),
            format!("/breaches/{id}/correct"),
            format!("Correct the facts of {reference}"),
            Vec::new(),
            Some(*version),
        ),
    };
    page(
        form_status(error.as_ref()),
        "report.html",
        context! {
            nav => nav(principal, &current),
            csrf => app.csrf_token(context),
            action => action,
            heading => heading,
            correcting => version.is_some(),
            version => version,
            schools => schools,
            answers => REPORT_QUESTIONS.iter().map(|(name, legend)| context! { name => *name, legend => *legend }).collect::<Vec<_>>(),
            data_categories => choices(data),
            people_categories => choices(people),
            natures => BreachNature::ALL.iter().map(|n| context! { value => n.as_str(), label => format!("{} ({})", n.as_str().replace('_', " "), n.aspect()) }).collect::<Vec<_>>(),
            incident_types => IncidentType::ALL.iter().map(|t| context! { value => t.as_str(), label => t.label(), cyber => t.is_cyber() }).collect::<Vec<_>>(),
            values => filled.values,
            chosen => filled.chosen,
            error => error,
        },
    )
}

/// The report's facts from the form's fields.
fn facts_of(fields: &Fields) -> BreachFactsInput {
    let one = |name: &str| fields.one(name);
    let all = |name: &str| fields.all(name);
    let optional = |name: &str| fields.optional(name);
    let count = |name: &str| optional(name).and_then(|raw| raw.trim().parse().ok());
    BreachFactsInput {
        what_happened: one("what_happened"),
        occurred_at: optional("occurred_at").and_then(|raw| uk_time(&raw)),
        discovered_at: uk_time(&one("discovered_at")),
        how_discovered: one("how_discovered"),
        cyber_incident: one("cyber_incident"),
        data_categories: all("data"),
        data_other: optional("data_other"),
        people_affected: count("people_affected"),
        records_affected: count("records_affected"),
        people_categories: all("people"),
        people_other: optional("people_other"),
        staff_involved: one("staff_involved"),
        staff_training: optional("staff_training"),
        recovered_or_contained: one("recovered_or_contained"),
        containment_detail: optional("containment_detail"),
        reporter_name: one("reporter_name"),
        reporter_contact: optional("reporter_contact"),
        nature: all("nature"),
        incident_type: optional("incident_type"),
        preventive_measures: optional("preventive_measures"),
        staff_trained_on: optional("staff_trained_on")
            .and_then(|raw| chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").ok()),
        cross_border: optional("cross_border"),
        supplier: optional("supplier_name").map(|name| SupplierInput {
            name,
            aware_at: optional("supplier_aware_at").and_then(|raw| uk_time(&raw)),
            told_trust_at: optional("supplier_told_at").and_then(|raw| uk_time(&raw)),
        }),
        staff_emails: optional("staff_emails").into_iter().collect(),
        ..BreachFactsInput::default()
    }
}

/// `GET /breaches/new`: any member of staff reports a breach for a school they work at.
pub async fn report_form(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let visitor = caller.visitor()?;
    let schools = app.reporting_schools(visitor.1).await?;
    let purpose = Purpose::Report(&schools);
    Ok(caller.answer(report_page(
        visitor,
        &app,
        &purpose,
        Filled::default(),
        None,
    )))
}

/// `POST /breaches/new`: the report, CSRF-checked; then the reporter's view of it.
pub async fn report_submit(
    mut caller: Caller,
    app: web::Data<App>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    let visitor = caller.visitor()?;
    let schools = app.reporting_schools(visitor.1).await?;
    let school: Vec<SchoolId> = fields.one("school").parse().into_iter().collect();
    match app
        .report_breach(visitor.1, facts_of(&fields), school)
        .await
    {
        Ok(view) => Ok(caller.answer(see_other(format!("/breaches/{}", view.breach.id)))),
        Err(error @ (AppError::InvalidInput { .. } | AppError::Forbidden(_))) => {
            let purpose = Purpose::Report(&schools);
            let filled = Filled::from_fields(&fields);
            Ok(report_page(
                visitor,
                &app,
                &purpose,
                filled,
                Some(error.for_people()),
            ))
        }
        Err(error) => Err(error.into()),
    }
}

/// `GET /breaches/{id}/correct`: the report form filled with the record as it stands.
/// The DPO only.
pub async fn correct_form(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
) -> Result<HttpResponse, WebError> {
    let visitor = caller.visitor()?;
    if !app.may_act_as_dpo(visitor.1).await? {
        return Err(AppError::forbidden("only the DPO can correct breach records").into());
    }
    let view = app.breach(visitor.1, *id).await?;
    let breach = &view.breach;
    let mut filled = Filled::from_facts(&breach.record.facts);
    let emails = app
        .breach_staff_emails(visitor.1, &breach.record.facts)
        .await?;
    filled.set("staff_emails", emails.join(", "));
    let purpose = Purpose::Correct {
        id: breach.id,
        reference: &breach.reference,
        version: breach.version,
    };
    Ok(caller.answer(report_page(visitor, &app, &purpose, filled, None)))
}

/// `POST /breaches/{id}/correct`: the corrected facts against the version the form
/// showed, with a note of why; then the breach.
pub async fn correct_submit(
    mut caller: Caller,
    app: web::Data<App>,
    id: web::Path<BreachId>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, WebError> {
    let id = *id;
    let fields = Fields(form.into_inner());
    caller.confirm_form(&app, &fields.one("csrf"))?;
    let visitor = caller.visitor()?;
    let version = fields.one("version").parse::<u32>().unwrap_or_default();
    match app
        .correct_breach_facts(
            visitor.1,
            id,
            version,
            facts_of(&fields),
            fields.optional("note"),
        )
        .await
    {
        Ok(_) => Ok(caller.answer(see_other(format!("/breaches/{id}")))),
        Err(error @ (AppError::InvalidInput { .. } | AppError::Conflict(_))) => {
            let view = app.breach(visitor.1, id).await?;
            let purpose = Purpose::Correct {
                id,
                reference: &view.breach.reference,
                version,
            };
            let filled = Filled::from_fields(&fields);
            let message = match error {
                AppError::Conflict(message) => message,
                error => error.for_people(),
            };
            Ok(report_page(visitor, &app, &purpose, filled, Some(message)))
        }
        Err(error) => Err(error.into()),
    }
}
