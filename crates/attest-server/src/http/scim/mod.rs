//! `/scim/v2`: the SCIM 2.0 endpoints a trust's identity system provisions through
//! (RFC 7644). Every request carries a token with the `scim` role, which names the
//! trust; answers are `application/scim+json`, errors SCIM's error schema.

mod resources;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::{App, AppError, Limit};
use attest_domain::Principal;
use attest_domain::scim::{ScimError, all_schemas, resource_types, service_provider_config};
use futures_util::StreamExt;
use serde_json::{Value, json};

pub use resources::routes;

pub const CONTENT_TYPE: &str = "application/scim+json";
/// Largest body read: a group of tens of thousands of members replaced at once fits.
const MAX_BODY_BYTES: usize = 4 << 20;

/// The SCIM root as clients see it.
fn base(app: &App) -> String {
    format!("{}/scim/v2", app.public_url())
}

/// An application error as SCIM answers it (the one place statuses are chosen).
fn scim_error(error: AppError) -> ScimError {
    match error {
        AppError::Scim(error) => error,
        AppError::Unauthenticated(message) => ScimError::status(401, message),
        AppError::Forbidden(message) => ScimError::status(403, message),
        AppError::NotFound(message) => ScimError::not_found(message),
        AppError::InvalidInput { field, message } => {
            ScimError::invalid_value(format!("{field}: {message}"))
        }
        AppError::Conflict(message) => ScimError::uniqueness(message),
        AppError::RateLimited { message, .. } => ScimError::status(429, message),
        AppError::Unavailable { message, .. } => ScimError::status(503, message),
        other => {
            tracing::error!(error = %other, "a SCIM request failed inside attest");
            ScimError::status(
                500,
                "attest could not complete the request; it has been logged",
            )
        }
    }
}

pub(super) fn respond_error(error: AppError) -> HttpResponse {
    let retry_after = match &error {
        AppError::RateLimited { retry_after, .. } | AppError::Unavailable { retry_after, .. } => {
            Some(retry_after.as_secs().max(1))
        }
        _ => None,
    };
    let unauthenticated = matches!(error, AppError::Unauthenticated(_));
    let error = scim_error(error);
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, CONTENT_TYPE));
    if let Some(seconds) = retry_after {
        response.insert_header((header::RETRY_AFTER, seconds.to_string()));
    }
    if unauthenticated {
        response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"attest SCIM\""));
    }
    response.body(error.to_json().to_string())
}

fn respond(status: StatusCode, body: &Value) -> HttpResponse {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::CONTENT_TYPE, CONTENT_TYPE));
    if let Some(version) = body.pointer("/meta/version").and_then(Value::as_str)
        && let Ok(value) = HeaderValue::from_str(version)
    {
        response.insert_header((header::ETAG, value));
    }
    if status == StatusCode::CREATED
        && let Some(location) = body.pointer("/meta/location").and_then(Value::as_str)
        && let Ok(value) = HeaderValue::from_str(location)
    {
        response.insert_header((header::LOCATION, value));
    }
    response.body(body.to_string())
}

/// The caller's SCIM token; repeated failures from one address are refused before the
/// next is even looked at.
async fn caller(app: &App, request: &HttpRequest) -> Result<Principal, AppError> {
    let address = super::client_address(request);
    let limits = app.rate_limits();
    limits.blocked(Limit::BearerFailure, &address)?;
    let presented = request
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            AppError::Unauthenticated(
                "SCIM needs Authorization: Bearer with a token of the scim role".to_owned(),
            )
        })?
        .to_str()
        .map_err(|_| {
            AppError::Unauthenticated("the Authorization header is not text".to_owned())
        })?;
    let authenticated = match attest_auth::bearer_token(presented) {
        Ok(token) => app.authenticate_scim_token(token).await,
        Err(error) => Err(AppError::Unauthenticated(error.to_string())),
    };
    if let Err(AppError::Unauthenticated(_)) = &authenticated {
        limits.failed(Limit::BearerFailure, &address)?;
    }
    authenticated
}

/// Reads a JSON body up to the limit.
async fn json_body(mut payload: web::Payload) -> Result<Value, AppError> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            AppError::Scim(ScimError::invalid_syntax(
                "the request body could not be read",
            ))
        })?;
        if body.len() + chunk.len() > MAX_BODY_BYTES {
            return Err(AppError::Scim(ScimError::status(
                413,
                format!("the request body is larger than {MAX_BODY_BYTES} bytes"),
            )));
        }
        body.extend_from_slice(&chunk);
    }
    serde_json::from_slice(&body).map_err(|error| {
        AppError::Scim(ScimError::invalid_syntax(format!(
            "the body is not JSON: {error} (line {}, column {})",
            error.line(),
            error.column()
        )))
    })
}

async fn discovery(app: web::Data<App>, request: HttpRequest) -> HttpResponse {
    if let Err(error) = caller(&app, &request).await {
        return respond_error(error);
    }
    let base = base(&app);
    let rest = request.path().trim_start_matches("/scim/v2/");
    let (what, id) = match rest.split_once('/') {
        Some((what, id)) => (what.to_owned(), Some(id.to_owned())),
        None => (rest.to_owned(), None),
    };
    let list = |resources: Vec<Value>| {
        json!({
            "schemas": [attest_domain::scim::LIST_SCHEMA],
            "totalResults": resources.len(),
            "startIndex": 1,
            "itemsPerPage": resources.len(),
            "Resources": resources,
        })
    };
    let found = match (what.as_str(), id) {
        ("ServiceProviderConfig", None) => Some(service_provider_config(
            &base,
            attest_app::scim::MAX_RESULTS,
            &format!("{}/docs/scim.md", app.public_url()),
        )),
        ("ResourceTypes", None) => Some(list(resource_types(&base))),
        ("ResourceTypes", Some(id)) => resource_types(&base)
            .into_iter()
            .find(|kind| kind["id"].as_str() == Some(id.as_str())),
        ("Schemas", None) => Some(list(
            all_schemas()
                .iter()
                .map(|schema| schema.to_json(&base))
                .collect(),
        )),
        ("Schemas", Some(id)) => all_schemas()
            .iter()
            .find(|schema| schema.id.eq_ignore_ascii_case(&id))
            .map(|schema| schema.to_json(&base)),
        _ => None,
    };
    match found {
        Some(body) => respond(StatusCode::OK, &body),
        None => respond_error(AppError::Scim(ScimError::not_found(format!(
            "{what} has no such entry"
        )))),
    }
}

/// Anything else under `/scim/v2`: SCIM's 404.
async fn unknown(request: HttpRequest) -> HttpResponse {
    respond_error(AppError::Scim(ScimError::not_found(format!(
        "{} is not a SCIM endpoint of attest",
        request.path()
    ))))
}
