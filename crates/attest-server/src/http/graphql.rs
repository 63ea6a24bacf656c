//! `POST /graphql` and `GET /graphql`: GraphQL over HTTP with JSON only.
//!
//! The body is read here rather than by an extractor so that every refusal (wrong
//! content type 415, too large 413, malformed JSON 400, bad token 401, mutation over
//! GET 405) answers in the same GraphQL error shape with a stable code.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::{CustomizeResponder, Either, HttpRequest, HttpResponse, Responder, web};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request, Variables};
use async_graphql_actix_web::GraphQLResponse;
use attest_api::{AttestSchema, DocumentLimits, admit, ensure_error_codes, request_data};
use attest_app::{App, AppError};
use attest_domain::Principal;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

use super::metrics::Metrics;
use super::sso::SignIn;

/// Request-handling settings that are not part of the schema.
#[derive(Debug, Clone)]
pub struct GraphqlHttp {
    pub max_body_bytes: usize,
    pub max_batch: usize,
    /// What a document may cost before validation (see `attest_api::guard`).
    pub document_limits: attest_api::DocumentLimits,
}

/// The GraphQL-over-HTTP request body. Unknown fields are refused rather than ignored,
/// so a misspelt `operationName` is an error, not a silent surprise.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct Body {
    query: String,
    #[serde(default)]
    operation_name: Option<String>,
    #[serde(default)]
    variables: Option<serde_json::Value>,
    #[serde(default)]
    extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Body {
    fn into_request(self) -> Result<Request, Refusal> {
        let mut request = Request::new(self.query);
        if let Some(name) = self.operation_name {
            request = request.operation_name(name);
        }
        match self.variables {
            None | Some(serde_json::Value::Null) => {}
            Some(value @ serde_json::Value::Object(_)) => {
                request = request.variables(Variables::from_json(value))
            }
            Some(_) => {
                return Err(Refusal::bad_input(
                    StatusCode::BAD_REQUEST,
                    "variables must be a JSON object",
                ));
            }
        }
        if let Some(extensions) = self.extensions {
            for (key, value) in extensions {
                if let Ok(value) = async_graphql::Value::from_json(value) {
                    request.extensions.insert(key, value);
                }
            }
        }
        Ok(request)
    }
}

/// A request refused before GraphQL execution, answered in the GraphQL error shape.
#[derive(Debug)]
pub struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    retry_after: Option<std::time::Duration>,
}

impl Refusal {
    fn bad_input(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            code: "BAD_USER_INPUT",
            message: message.into(),
            retry_after: None,
        }
    }

    pub(crate) fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"attest\""));
        }
        if self.status == StatusCode::METHOD_NOT_ALLOWED {
            response.insert_header((header::ALLOW, "POST"));
        }
        let response = response.json(json!({ "errors": [ { "message": self.message, "extensions": { "code": self.code } } ] }));
        match self.retry_after {
            Some(wait) => super::with_retry_after(response, wait),
            None => response,
        }
    }
}

fn app_refusal(error: AppError) -> Refusal {
    match error {
        AppError::Unauthenticated(message) => Refusal {
            status: StatusCode::UNAUTHORIZED,
            code: "UNAUTHENTICATED",
            message,
            retry_after: None,
        },
        AppError::Forbidden(message) => Refusal {
            status: StatusCode::FORBIDDEN,
            code: "FORBIDDEN",
            message,
            retry_after: None,
        },
        AppError::RateLimited {
            message,
            retry_after,
        } => Refusal {
            status: StatusCode::TOO_MANY_REQUESTS,
            code: "RATE_LIMITED",
            message,
            retry_after: Some(retry_after),
        },
        other => {
            tracing::error!(error = %other, "authentication failed internally");
            Refusal {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                code: "INTERNAL",
                message: "internal error; it has been logged".to_owned(),
                retry_after: None,
            }
        }
    }
}

/// The caller, from `Authorization: Bearer attest_…`. No header: anonymous (every field
/// then answers UNAUTHENTICATED). A header that does not authenticate: refused outright.
/// For downloads (GET, which change nothing): a page's link carries the session cookie
/// but cannot send a header, and another site can make the browser fetch the file but
/// never read it, so no CSRF token is asked for.
pub(crate) async fn authenticate_download(
    app: &App,
    request: &HttpRequest,
) -> Result<Option<Principal>, Refusal> {
    Ok(caller(app, request, Csrf::NotNeeded).await?.principal)
}

/// Whether a session cookie must come with the page's CSRF token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Csrf {
    /// In the `X-CSRF-Token` header; cookies marked Secure when renewed (or not).
    Required {
        secure: bool,
    },
    NotNeeded,
}

/// Who is calling, and the session cookie to send back when their session's token was
/// renewed (`secure`: whether that cookie is marked Secure).
#[derive(Default)]
struct Caller {
    principal: Option<Principal>,
    renewed: Option<actix_web::cookie::Cookie<'static>>,
}

/// Failed authentications count against the caller's address; past the limit the
/// address is refused (429) before its next token is even looked up.
async fn caller(app: &App, request: &HttpRequest, csrf: Csrf) -> Result<Caller, Refusal> {
    let address = super::client_address(request);
    let limits = app.rate_limits();
    limits
        .blocked(attest_app::Limit::BearerFailure, &address)
        .map_err(app_refusal)?;
    identify(app, request.headers(), csrf)
        .await
        .map_err(|refused| {
            if refused.status == StatusCode::UNAUTHORIZED
                && let Err(limited) = limits.failed(attest_app::Limit::BearerFailure, &address)
            {
                return app_refusal(limited);
            }
            refused
        })
}

async fn identify(app: &App, headers: &HeaderMap, csrf: Csrf) -> Result<Caller, Refusal> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return session_caller(app, headers, csrf).await;
    };
    let value = value.to_str().map_err(|_| {
        app_refusal(AppError::Unauthenticated(
            "the Authorization header is not text".to_owned(),
        ))
    })?;
    let token = attest_auth::bearer_token(value)
        .map_err(|error| app_refusal(AppError::Unauthenticated(error.to_string())))?;
    let principal = app
        .authenticate_api_token(token)
        .await
        .map_err(app_refusal)?;
    Ok(Caller {
        principal: Some(principal),
        renewed: None,
    })
}

fn is_json(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || mime.eq_ignore_ascii_case("application/graphql-response+json")
        })
}

async fn read_body(mut payload: web::Payload, limit: usize) -> Result<web::BytesMut, Refusal> {
    let too_large = || {
        Refusal::bad_input(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            Refusal::bad_input(
                StatusCode::BAD_REQUEST,
                "the request body could not be read",
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn parse_batch(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, Refusal> {
    let malformed = |error: serde_json::Error| {
        Refusal::bad_input(
            StatusCode::BAD_REQUEST,
            format!(
                "the body is not a GraphQL request: {error} (line {}, column {})",
                error.line(),
                error.column()
            ),
        )
    };
    let value: serde_json::Value = serde_json::from_slice(bytes).map_err(malformed)?;
    match value {
        serde_json::Value::Array(items) => {
            if max_batch == 0 {
                return Err(Refusal::bad_input(
                    StatusCode::BAD_REQUEST,
                    "batched requests are turned off on this server",
                ));
            }
            if items.is_empty() || items.len() > max_batch {
                return Err(Refusal::bad_input(
                    StatusCode::BAD_REQUEST,
                    format!(
                        "a batch holds 1 to {max_batch} requests; this one has {}",
                        items.len()
                    ),
                ));
            }
            let requests = items
                .into_iter()
                .map(|item| {
                    serde_json::from_value::<Body>(item)
                        .map_err(malformed)
                        .and_then(Body::into_request)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(BatchRequest::Batch(requests))
        }
        single => serde_json::from_value::<Body>(single)
            .map_err(malformed)?
            .into_request()
            .map(BatchRequest::Single),
    }
}

/// A staff member's session cookie, accepted only with the session's CSRF token in the
/// `X-CSRF-Token` header: a page of ours can send it, a form on another site cannot.
async fn session_caller(app: &App, headers: &HeaderMap, csrf: Csrf) -> Result<Caller, Refusal> {
    let session = headers
        .get_all(header::COOKIE)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == super::sso::SESSION_COOKIE)
        .map(|(_, value)| value.to_owned());
    let Some(token) = session else {
        return Ok(Caller::default());
    };
    let context = app.session(&token).await.map_err(app_refusal)?;
    let Csrf::Required { secure } = csrf else {
        return Ok(Caller {
            principal: Some(context.principal),
            renewed: None,
        });
    };
    let presented = headers
        .get("x-csrf-token")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    if !app.check_csrf(&context, presented) {
        return Err(app_refusal(AppError::forbidden(
            "a request with the session cookie needs the page's X-CSRF-Token header",
        )));
    }
    Ok(Caller {
        renewed: super::sso::renewed_session_cookie(app, &context, secure),
        principal: Some(context.principal),
    })
}

/// Where a request came from, kept with signatures as evidence: the peer address, or
/// behind one of the operator's trusted proxies the client it forwarded for (never a
/// header from anyone else, which any client can write).
pub(crate) fn origin_of(request: &HttpRequest) -> attest_app::Origin {
    attest_app::Origin {
        ip: super::client_ip(request).map(|ip| ip.to_string()),
        user_agent: request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
    }
}

async fn execute(
    schema: &AttestSchema,
    app: &App,
    (metrics, limits): (&Metrics, &DocumentLimits),
    (principal, origin): (Option<Principal>, attest_app::Origin),
    batch: BatchRequest,
) -> GraphQLResponse {
    let run = |mut request: Request| {
        let principal = principal.clone();
        let origin = origin.clone();
        async move {
            // Costed and checked for a caller before the schema validates anything.
            if let Err(refused) = admit(&mut request, principal.is_none(), limits) {
                return refused;
            }
            request.data = request_data(app, principal, origin);
            ensure_error_codes(schema.execute(request).await)
        }
    };
    let response = match batch {
        BatchRequest::Single(request) => BatchResponse::Single(run(request).await),
        BatchRequest::Batch(requests) => {
            let mut responses = Vec::with_capacity(requests.len());
            for request in requests {
                responses.push(run(request).await);
            }
            BatchResponse::Batch(responses)
        }
    };
    let responses: Vec<&async_graphql::Response> = match &response {
        BatchResponse::Single(response) => vec![response],
        BatchResponse::Batch(responses) => responses.iter().collect(),
    };
    let codes: Vec<String> = responses
        .into_iter()
        .flat_map(|response| response.errors.iter())
        .filter_map(|error| {
            error
                .extensions
                .as_ref()?
                .get("code")
                .map(|code| code.to_string().trim_matches('"').to_owned())
        })
        .collect();
    metrics.graphql_outcome(&codes);
    GraphQLResponse::from(response)
}

type Answer = Either<CustomizeResponder<GraphQLResponse>, HttpResponse>;

fn answer(result: Result<(GraphQLResponse, Caller), Refusal>) -> Answer {
    match result {
        Ok((response, caller)) => {
            let mut response = response.customize();
            // GraphQL use keeps a page's session alive as page loads do.
            if let Some(renewed) = caller.renewed {
                response = response.insert_header((header::SET_COOKIE, renewed.to_string()));
            }
            Either::Left(response)
        }
        Err(refused) => Either::Right(refused.into_response()),
    }
}

pub async fn post(
    request: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    settings: web::Data<GraphqlHttp>,
    sign_in: web::Data<SignIn>,
) -> Answer {
    let secure = sign_in.secure_cookies;
    answer(post_inner(request, payload, schema, app, metrics, (settings, secure)).await)
}

async fn post_inner(
    request: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    (settings, secure): (web::Data<GraphqlHttp>, bool),
) -> Result<(GraphQLResponse, Caller), Refusal> {
    if !is_json(&request) {
        return Err(Refusal::bad_input(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the request as Content-Type: application/json",
        ));
    }
    if let Some(length) = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<usize>().ok())
        && length > settings.max_body_bytes
    {
        return Err(Refusal::bad_input(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} bytes",
                settings.max_body_bytes
            ),
        ));
    }
    let body = read_body(payload, settings.max_body_bytes).await?;
    let batch = parse_batch(&body, settings.max_batch)?;
    let mut caller = caller(&app, &request, Csrf::Required { secure }).await?;
    let principal = caller.principal.take();
    let response = execute(
        &schema,
        &app,
        (&metrics, &settings.document_limits),
        (principal, origin_of(&request)),
        batch,
    )
    .await;
    Ok((response, caller))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct GetParams {
    query: String,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// Queries only: a GET must never change anything (it may be prefetched or cached).
/// Only a document the guard would admit is parsed (the parser recurses); the others
/// are refused by the guard when executed.
fn is_mutation(query: &str, operation_name: Option<&str>, limits: &DocumentLimits) -> bool {
    let Ok(costed) = attest_api::cost_document(query, limits) else {
        return false;
    };
    let document = costed.document;
    match document.operations {
        DocumentOperations::Single(operation) => operation.node.ty != OperationType::Query,
        DocumentOperations::Multiple(operations) => match operation_name {
            Some(name) => operations
                .get(name)
                .is_some_and(|operation| operation.node.ty != OperationType::Query),
            None => operations
                .values()
                .any(|operation| operation.node.ty != OperationType::Query),
        },
    }
}

pub async fn get(
    request: HttpRequest,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    settings: web::Data<GraphqlHttp>,
    sign_in: web::Data<SignIn>,
) -> Answer {
    let secure = sign_in.secure_cookies;
    answer(get_inner(request, schema, app, metrics, (settings, secure)).await)
}

async fn get_inner(
    request: HttpRequest,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    (settings, secure): (web::Data<GraphqlHttp>, bool),
) -> Result<(GraphQLResponse, Caller), Refusal> {
    let params = web::Query::<GetParams>::from_query(request.query_string()).map_err(|error| {
        Refusal::bad_input(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {error}; send ?query=…"),
        )
    })?;
    if is_mutation(
        &params.query,
        params.operation_name.as_deref(),
        &settings.document_limits,
    ) {
        return Err(Refusal::bad_input(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
        ));
    }
    let parse_json =
        |field: &str, raw: &Option<String>| -> Result<Option<serde_json::Value>, Refusal> {
            raw.as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|error| {
                    Refusal::bad_input(
                        StatusCode::BAD_REQUEST,
                        format!("{field} is not JSON: {error}"),
                    )
                })
        };
    let params = params.into_inner();
    let body = Body {
        variables: parse_json("variables", &params.variables)?,
        extensions: match parse_json("extensions", &params.extensions)? {
            Some(serde_json::Value::Object(map)) => Some(map),
            _ => None,
        },
        query: params.query,
        operation_name: params.operation_name,
    };
    let request_body = body.into_request()?;
    let mut caller = caller(&app, &request, Csrf::Required { secure }).await?;
    let principal = caller.principal.take();
    let response = execute(
        &schema,
        &app,
        (&metrics, &settings.document_limits),
        (principal, origin_of(&request)),
        BatchRequest::Single(request_body),
    )
    .await;
    Ok((response, caller))
}

pub async fn graphiql() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .title("attest GraphiQL")
                .finish(),
        )
}

#[cfg(test)]
mod tests {
    use super::{DocumentLimits, is_mutation};

    #[test]
    fn mutations_are_recognised_for_the_get_rule() {
        let limits = DocumentLimits::default();
        assert!(!is_mutation("{ viewer { actorKind } }", None, &limits));
        assert!(!is_mutation(
            "query Q { viewer { actorKind } }",
            Some("Q"),
            &limits
        ));
        assert!(is_mutation(
            "mutation { revokeApiToken(id: \"x\") { id } }",
            None,
            &limits
        ));
        let both = "query Q { viewer { actorKind } } mutation M { revokeRole(id: \"x\") { id } }";
        assert!(!is_mutation(both, Some("Q"), &limits));
        assert!(is_mutation(both, Some("M"), &limits));
        assert!(is_mutation(both, None, &limits));
        assert!(
            !is_mutation("not graphql", None, &limits),
            "syntax errors are reported by execution"
        );
    }
}
