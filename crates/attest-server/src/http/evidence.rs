//! Evidence over plain HTTP: CSV exports and acceptance receipts, for API tokens.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, ComplianceFilter, receipt_text};
use attest_domain::{AcceptanceId, ComplianceStatus, MembershipKind, Principal, SchoolId};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::graphql::authenticate_download;
use super::pages;

/// An error as plain text with the status that fits it; internal detail stays in the log.
pub(crate) fn error_response(error: AppError) -> HttpResponse {
    let status = match &error {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::InvalidInput { .. } => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(%error, "request failed");
        "internal error; it has been logged".to_owned()
    } else {
        error.to_string()
    };
    let mut response = HttpResponse::build(status);
    if status == StatusCode::UNAUTHORIZED {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"attest\""));
    }
    let response = response
        .content_type("text/plain; charset=utf-8")
        .body(format!("{message}\n"));
    match error {
        AppError::RateLimited { retry_after, .. } => super::with_retry_after(response, retry_after),
        _ => response,
    }
}

async fn caller(app: &App, request: &HttpRequest) -> Result<Principal, HttpResponse> {
    match authenticate_download(app, request).await {
        Ok(Some(principal)) => Ok(principal),
        Ok(None) => Err(error_response(AppError::Unauthenticated(
            "send an API token: Authorization: Bearer attest_…".to_owned(),
        ))),
        Err(refusal) => Err(refusal.into_response()),
    }
}

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

fn query<T: serde::de::DeserializeOwned>(request: &HttpRequest) -> Result<T, AppError> {
    web::Query::<T>::from_query(request.query_string())
        .map(web::Query::into_inner)
        .map_err(|error| {
            AppError::invalid(
                "query string",
                format!("{error} (expected schoolId, status, kind, asOf)"),
            )
        })
}

/// `GET /exports/compliance.csv?schoolId=&status=&kind=&asOf=`
pub async fn compliance_csv(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let principal = match caller(&app, &request).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let params: ComplianceParams = match query(&request) {
        Ok(params) => params,
        Err(error) => return error_response(error),
    };
    let status = match params.status.as_deref().map(parse_status).transpose() {
        Ok(status) => status,
        Err(error) => return error_response(error),
    };
    let filter = ComplianceFilter {
        school: params.school_id,
        person: None,
        policy: None,
        status,
        kind: params.kind,
        as_of: params.as_of,
    };
    match app.compliance_csv(&principal, filter).await {
        Ok(csv) => attachment(
            "text/csv; charset=utf-8",
            format!("compliance-{}.csv", app.today()),
            csv,
        ),
        Err(error) => error_response(error),
    }
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
    from: Option<chrono::DateTime<chrono::Utc>>,
    to: Option<chrono::DateTime<chrono::Utc>>,
}

/// `GET /exports/breaches.csv?status=&schoolId=&from=&to=`: the register (DPO and
/// trust admins).
pub async fn breaches_csv(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let principal = match caller(&app, &request).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let params: BreachParams = match query(&request) {
        Ok(params) => params,
        Err(error) => return error_response(error),
    };
    let status = match params.status.as_deref().map(str::parse).transpose() {
        Ok(status) => status,
        Err(error) => return error_response(attest_app::AppError::from(error)),
    };
    let filter = attest_app::BreachFilter {
        status,
        school: params.school_id,
        from: params.from,
        to: params.to,
        ..attest_app::BreachFilter::default()
    };
    match app.breach_register_csv(&principal, filter).await {
        Ok(csv) => attachment(
            "text/csv; charset=utf-8",
            format!("breach-register-{}.csv", app.today()),
            csv,
        ),
        Err(error) => error_response(error),
    }
}

/// `GET /exports/acceptances.csv?schoolId=`
pub async fn acceptances_csv(request: HttpRequest, app: web::Data<App>) -> HttpResponse {
    let principal = match caller(&app, &request).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let params: SchoolParam = match query(&request) {
        Ok(params) => params,
        Err(error) => return error_response(error),
    };
    match app.acceptances_csv(&principal, params.school_id).await {
        Ok(csv) => attachment(
            "text/csv; charset=utf-8",
            format!("acceptances-{}.csv", app.today()),
            csv,
        ),
        Err(error) => error_response(error),
    }
}

fn acceptance_id(raw: &str) -> Result<AcceptanceId, AppError> {
    raw.parse()
        .map_err(|_| AppError::NotFound("acceptance not found".to_owned()))
}

async fn evidence(
    request: &HttpRequest,
    app: &App,
    id: &str,
) -> Result<attest_app::AcceptanceEvidence, HttpResponse> {
    let principal = caller(app, request).await?;
    let id = acceptance_id(id).map_err(error_response)?;
    app.acceptance_evidence(&principal, id)
        .await
        .map_err(error_response)
}

/// `GET /receipts/{id}`: the receipt as a page.
pub async fn receipt_page(
    request: HttpRequest,
    app: web::Data<App>,
    id: web::Path<String>,
) -> HttpResponse {
    match evidence(&request, &app, &id).await {
        Ok(evidence) => pages::receipt(&evidence),
        Err(response) => response,
    }
}

/// `GET /receipts/{id}.txt`: the receipt as a file to keep.
pub async fn receipt_file(
    request: HttpRequest,
    app: web::Data<App>,
    id: web::Path<String>,
) -> HttpResponse {
    match evidence(&request, &app, &id).await {
        Ok(evidence) => attachment(
            "text/plain; charset=utf-8",
            format!("attest-receipt-{}.txt", evidence.acceptance.id),
            receipt_text(&evidence),
        ),
        Err(response) => response,
    }
}

/// `GET /exports/people/{id}/evidence.txt`: everything a person ever signed.
pub async fn person_evidence(
    request: HttpRequest,
    app: web::Data<App>,
    id: web::Path<String>,
) -> HttpResponse {
    let principal = match caller(&app, &request).await {
        Ok(principal) => principal,
        Err(response) => return response,
    };
    let Ok(person) = id.parse() else {
        return error_response(AppError::NotFound("person not found".to_owned()));
    };
    match app.person_evidence(&principal, person).await {
        Ok(all) => {
            let mut out = format!(
                "Everything person {person} has signed or declined ({} records)\n\n",
                all.len()
            );
            for evidence in &all {
                out.push_str(&receipt_text(evidence));
                out.push_str("\n\n");
            }
            attachment(
                "text/plain; charset=utf-8",
                format!("attest-evidence-{person}.txt"),
                out,
            )
        }
        Err(error) => error_response(error),
    }
}
