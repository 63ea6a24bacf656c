//! Downloads: CSV exports and acceptance receipts, for API tokens and for a signed-in
//! person's links (a download changes nothing, so no CSRF token is asked for).

use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, ComplianceFilter, receipt_text};
use attest_domain::{AcceptanceId, ComplianceStatus, MembershipKind, SchoolId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::caller::Caller;
use super::pages;
use super::web_error::WebError;

const ANONYMOUS: &str = "send an API token: Authorization: Bearer attest_…";

fn attachment(content_type: &str, filename: String, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename)],
        })
        .body(body)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ComplianceParams {
    school_id: Option<SchoolId>,
    status: Option<String>,
    kind: Option<MembershipKind>,
    as_of: Option<DateTime<Utc>>,
}

fn parse_status(raw: &str) -> Result<ComplianceStatus, AppError> {
    ComplianceStatus::ALL
        .into_iter()
        .find(|status| attest_app::status_key(*status) == raw.to_ascii_lowercase())
        .ok_or_else(|| {
            AppError::invalid(
                "status",
                format!("'{raw}' is not one of compliant, due, overdue, exempt"),
            )
        })
}

fn query<T: serde::de::DeserializeOwned>(request: &HttpRequest) -> Result<T, WebError> {
    web::Query::<T>::from_query(request.query_string())
        .map(web::Query::into_inner)
        .map_err(|error| {
            WebError::download(AppError::invalid(
                "query string",
                format!("{error} (expected schoolId, status, kind, asOf)"),
            ))
        })
}

/// `GET /exports/compliance.csv?schoolId=&status=&kind=&asOf=`
pub async fn compliance_csv(
    request: HttpRequest,
    caller: Caller,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let params: ComplianceParams = query(&request)?;
    let status = params
        .status
        .as_deref()
        .map(parse_status)
        .transpose()
        .map_err(WebError::download)?;
    let filter = ComplianceFilter {
        school: params.school_id,
        person: None,
        policy: None,
        status,
        kind: params.kind,
        as_of: params.as_of,
    };
    let csv = app
        .compliance_csv(principal, filter)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("compliance-{}.csv", app.today()),
        csv,
    ))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SchoolParam {
    school_id: Option<SchoolId>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct BreachParams {
    status: Option<String>,
    school_id: Option<SchoolId>,
    from: Option<DateTime<Utc>>,
    to: Option<DateTime<Utc>>,
}

/// `GET /exports/breaches.csv?status=&schoolId=&from=&to=`: the register (DPO and
/// trust admins).
pub async fn breaches_csv(
    request: HttpRequest,
    caller: Caller,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let params: BreachParams = query(&request)?;
    let status = params
        .status
        .as_deref()
        .map(str::parse)
        .transpose()
        .map_err(|error| WebError::download(AppError::from(error)))?;
    let filter = attest_app::BreachFilter {
        status,
        school: params.school_id,
        from: params.from,
        to: params.to,
        ..attest_app::BreachFilter::default()
    };
    let csv = app
        .breach_register_csv(principal, filter)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("breach-register-{}.csv", app.today()),
        csv,
    ))
}

/// `GET /exports/requests.csv?kind=&status=&school=&open=yes&from=&to=`: the request
/// register as the caller sees it (the filters are the register page's).
pub async fn requests_csv(
    request: HttpRequest,
    caller: Caller,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let params: crate::http::pages::requests::RegisterFilters = query(&request)?;
    let filter = crate::http::pages::requests::filter_of(&params).map_err(WebError::download)?;
    let csv = app
        .info_request_register_csv(principal, filter)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("request-register-{}.csv", app.today()),
        csv,
    ))
}

/// `GET /exports/processing-activities.csv`: the record of processing activities in
/// the ICO's documentation template layout.
pub async fn processing_activities_csv(
    caller: Caller,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let csv = app
        .processing_record_csv(principal)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        attest_app::ROPA_CSV_NAME.to_owned(),
        csv,
    ))
}

/// `GET /exports/acceptances.csv?schoolId=`
pub async fn acceptances_csv(
    request: HttpRequest,
    caller: Caller,
    app: web::Data<App>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let params: SchoolParam = query(&request)?;
    let csv = app
        .acceptances_csv(principal, params.school_id)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("acceptances-{}.csv", app.today()),
        csv,
    ))
}

async fn evidence(
    caller: &Caller,
    app: &App,
    id: &str,
) -> Result<attest_app::AcceptanceEvidence, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let id: AcceptanceId = id
        .parse()
        .map_err(|_| WebError::download(AppError::NotFound("acceptance not found".to_owned())))?;
    app.acceptance_evidence(principal, id)
        .await
        .map_err(WebError::download)
}

/// `GET /receipts/{id}`: the receipt as a page.
pub async fn receipt_page(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    Ok(pages::signing::receipt(
        &evidence(&caller, &app, &id).await?,
    ))
}

/// `GET /receipts/{id}.txt`: the receipt as a file to keep.
pub async fn receipt_file(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let evidence = evidence(&caller, &app, &id).await?;
    Ok(attachment(
        "text/plain; charset=utf-8",
        format!("attest-receipt-{}.txt", evidence.acceptance.id),
        receipt_text(&evidence),
    ))
}

/// `GET /exports/people/{id}/evidence.txt`: everything a person ever signed.
pub async fn person_evidence(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<String>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let person = id
        .parse()
        .map_err(|_| WebError::download(AppError::NotFound("person not found".to_owned())))?;
    let all = app
        .person_evidence(principal, person)
        .await
        .map_err(WebError::download)?;
    let mut out = format!(
        "Everything person {person} has signed or declined ({} records)\n\n",
        all.len()
    );
    for evidence in &all {
        out.push_str(&receipt_text(evidence));
        out.push_str("\n\n");
    }
    Ok(attachment(
        "text/plain; charset=utf-8",
        format!("attest-evidence-{person}.txt"),
        out,
    ))
}

/// `GET /exports/training/certificates/{id}`: a training certificate as an attachment,
/// for those who may see the person (and the person themselves).
pub async fn training_certificate(
    caller: Caller,
    app: web::Data<App>,
    id: web::Path<uuid::Uuid>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required("send an API token: Authorization: Bearer attest_…")?;
    let (certificate, bytes) = app
        .training_certificate(principal, id.into_inner())
        .await
        .map_err(WebError::download)?;
    Ok(caller.answer(crate::http::policy_source::stored_file(
        &certificate.content_type,
        &certificate.file_name,
        "X-Certificate-SHA256",
        &certificate.sha256,
        bytes,
    )))
}

/// `GET /exports/schools/{id}/obligations.csv`: the inspector's view of a school as CSV.
pub async fn school_obligations_csv(
    caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
) -> Result<HttpResponse, WebError> {
    let principal = caller.required(ANONYMOUS)?;
    let school = school.into_inner();
    let csv = app
        .school_obligation_matrix_csv(principal, school, None)
        .await
        .map_err(WebError::download)?;
    Ok(attachment(
        "text/csv; charset=utf-8",
        format!("obligations-{school}-{}.csv", app.today()),
        csv,
    ))
}
