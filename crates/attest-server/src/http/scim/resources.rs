//! The routes: discovery, Users and Groups (create, read, replace, patch, delete, list),
//! and searches by POST.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use attest_app::scim::{ScimListQuery, ScimProjection, ScimWrite};
use attest_app::{App, AppError};
use attest_domain::scim::{ResourceKind, ScimError, field};
use serde::Deserialize;
use serde_json::Value;

use super::{base, caller, discovery, json_body, respond, respond_error, unknown};

/// A discovery endpoint: read-only, so other methods are answered 405.
fn read_only(path: &str) -> actix_web::Resource {
    web::resource(path)
        .route(web::get().to(discovery))
        .default_service(web::to(not_allowed))
}

async fn not_allowed(request: HttpRequest) -> HttpResponse {
    let mut response = respond_error(AppError::Scim(ScimError::status(
        405,
        format!(
            "{} {} is not allowed: it is read-only",
            request.method(),
            request.path()
        ),
    )));
    response
        .headers_mut()
        .insert(header::ALLOW, header::HeaderValue::from_static("GET"));
    response
}

pub fn routes(config: &mut web::ServiceConfig) {
    config.service(
        web::scope("/scim/v2")
            .service(read_only("/ServiceProviderConfig"))
            .service(read_only("/ResourceTypes"))
            .service(read_only("/ResourceTypes/{id}"))
            .service(read_only("/Schemas"))
            .service(read_only("/Schemas/{id}"))
            .route("/.search", web::post().to(search_all))
            .route("/{kind}/.search", web::post().to(search))
            .route("/{kind}", web::get().to(list))
            .route("/{kind}", web::post().to(create))
            .route("/{kind}/{id}", web::get().to(read))
            .route("/{kind}/{id}", web::put().to(replace))
            .route("/{kind}/{id}", web::patch().to(patch))
            .route("/{kind}/{id}", web::delete().to(delete))
            .default_service(web::to(unknown)),
    );
}

fn kind_of(segment: &str) -> Result<ResourceKind, AppError> {
    match segment {
        "Users" => Ok(ResourceKind::User),
        "Groups" => Ok(ResourceKind::Group),
        other => Err(AppError::Scim(ScimError::not_found(format!(
            "/scim/v2/{other} is not a SCIM endpoint of attest (Users, Groups)"
        )))),
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ListParams {
    filter: Option<String>,
    start_index: Option<i64>,
    count: Option<i64>,
    attributes: Option<String>,
    excluded_attributes: Option<String>,
}

fn list_query(params: ListParams) -> Result<ScimListQuery, AppError> {
    Ok(ScimListQuery {
        projection: ScimProjection::parse(
            params.attributes.as_deref(),
            params.excluded_attributes.as_deref(),
        )?,
        filter: params.filter,
        start_index: params.start_index,
        count: params.count,
    })
}

fn query_params(request: &HttpRequest) -> Result<ListParams, AppError> {
    web::Query::<ListParams>::from_query(request.query_string())
        .map(web::Query::into_inner)
        .map_err(|error| {
            AppError::Scim(ScimError::invalid_value(format!(
                "the query string: {error}"
            )))
        })
}

/// A search request's body (RFC 7644 §3.4.3).
fn search_query(body: &Value) -> Result<ScimListQuery, AppError> {
    let names = |key: &str| -> Option<String> {
        field(body, key).and_then(Value::as_array).map(|names| {
            names
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(",")
        })
    };
    let number = |key: &str| field(body, key).and_then(Value::as_i64);
    list_query(ListParams {
        filter: field(body, "filter")
            .and_then(Value::as_str)
            .map(str::to_owned),
        start_index: number("startIndex"),
        count: number("count"),
        attributes: names("attributes"),
        excluded_attributes: names("excludedAttributes"),
    })
}

/// The answer to a request: `status` with the resource, or SCIM's error.
async fn reply(
    status: StatusCode,
    answer: impl std::future::Future<Output = Result<Value, AppError>>,
) -> HttpResponse {
    match answer.await {
        Ok(body) => respond(status, &body),
        Err(error) => respond_error(error),
    }
}

fn if_match(request: &HttpRequest) -> Option<&str> {
    request
        .headers()
        .get(header::IF_MATCH)
        .and_then(|value| value.to_str().ok())
}

async fn list(app: web::Data<App>, request: HttpRequest, kind: web::Path<String>) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let kind = kind_of(&kind)?;
        let query = list_query(query_params(&request)?)?;
        app.scim_list(&principal, &[kind], &query, &base(&app))
            .await
    };
    reply(StatusCode::OK, answer).await
}

async fn search(
    app: web::Data<App>,
    request: HttpRequest,
    kind: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let kind = kind_of(&kind)?;
        let query = search_query(&json_body(payload).await?)?;
        app.scim_list(&principal, &[kind], &query, &base(&app))
            .await
    };
    reply(StatusCode::OK, answer).await
}

async fn search_all(
    app: web::Data<App>,
    request: HttpRequest,
    payload: web::Payload,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let query = search_query(&json_body(payload).await?)?;
        app.scim_list(
            &principal,
            &[ResourceKind::User, ResourceKind::Group],
            &query,
            &base(&app),
        )
        .await
    };
    reply(StatusCode::OK, answer).await
}

async fn create(
    app: web::Data<App>,
    request: HttpRequest,
    kind: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let kind = kind_of(&kind)?;
        let body = json_body(payload).await?;
        let base = base(&app);
        match kind {
            ResourceKind::User => app.scim_create_user(&principal, &body, &base).await,
            ResourceKind::Group => app.scim_create_group(&principal, &body, &base).await,
        }
    };
    reply(StatusCode::CREATED, answer).await
}

async fn read(
    app: web::Data<App>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let (kind, id) = path.into_inner();
        let kind = kind_of(&kind)?;
        let params = query_params(&request)?;
        let projection = ScimProjection::parse(
            params.attributes.as_deref(),
            params.excluded_attributes.as_deref(),
        )?;
        let base = base(&app);
        match kind {
            ResourceKind::User => app.scim_user(&principal, &id, &projection, &base).await,
            ResourceKind::Group => app.scim_group(&principal, &id, &projection, &base).await,
        }
    };
    reply(StatusCode::OK, answer).await
}

async fn replace(
    app: web::Data<App>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let (kind, id) = path.into_inner();
        let kind = kind_of(&kind)?;
        let body = json_body(payload).await?;
        let write = ScimWrite {
            if_match: if_match(&request),
        };
        let base = base(&app);
        match kind {
            ResourceKind::User => {
                app.scim_replace_user(&principal, &id, &body, &write, &base)
                    .await
            }
            ResourceKind::Group => {
                app.scim_replace_group(&principal, &id, &body, &write, &base)
                    .await
            }
        }
    };
    reply(StatusCode::OK, answer).await
}

async fn patch(
    app: web::Data<App>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
    payload: web::Payload,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let (kind, id) = path.into_inner();
        let kind = kind_of(&kind)?;
        let body = json_body(payload).await?;
        let write = ScimWrite {
            if_match: if_match(&request),
        };
        let base = base(&app);
        match kind {
            ResourceKind::User => app
                .scim_patch_user(&principal, &id, &body, &write, &base)
                .await
                .map(Some),
            ResourceKind::Group => {
                app.scim_patch_group(&principal, &id, &body, &write, &base)
                    .await
            }
        }
    };
    match answer.await {
        Ok(Some(body)) => respond(StatusCode::OK, &body),
        Ok(None) => HttpResponse::NoContent().finish(),
        Err(error) => respond_error(error),
    }
}

async fn delete(
    app: web::Data<App>,
    request: HttpRequest,
    path: web::Path<(String, String)>,
) -> HttpResponse {
    let answer = async {
        let principal = caller(&app, &request).await?;
        let (kind, id) = path.into_inner();
        let write = ScimWrite {
            if_match: if_match(&request),
        };
        match kind_of(&kind)? {
            ResourceKind::User => app.scim_delete_user(&principal, &id, &write).await,
            ResourceKind::Group => app.scim_delete_group(&principal, &id, &write).await,
        }
    };
    match answer.await {
        Ok(()) => HttpResponse::NoContent().finish(),
        Err(error) => respond_error(error),
    }
}
