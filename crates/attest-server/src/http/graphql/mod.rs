//! `POST /graphql` and `GET /graphql`: GraphQL over HTTP with JSON only.
//!
//! The body is read here rather than by an extractor so that every refusal (wrong
//! content type 415, too large 413, malformed JSON 400, bad token 401, mutation over
//! GET 405) answers in the same GraphQL error shape with a stable code.

use actix_web::http::StatusCode;
mod body;

use actix_web::http::header;
use actix_web::{
    CustomizeResponder, Either, FromRequest, HttpRequest, HttpResponse, Responder, ResponseError,
    web,
};
use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Request};
use async_graphql_actix_web::GraphQLResponse;
use attest_api::{
    AttestSchema, DocumentLimits, ErrorCode, admit, ensure_error_codes, request_data,
};
use attest_app::App;
use attest_domain::Principal;

use super::caller::Caller;
use super::metrics::Metrics;
use super::origin_of;
use super::web_error::WebError;
use body::{Body, GetParams, is_json, parse_batch, read_body};

/// Request-handling settings that are not part of the schema.
#[derive(Debug, Clone)]
pub struct GraphqlHttp {
    pub max_body_bytes: usize,
    pub max_batch: usize,
    /// What a document may cost before validation (see `attest_api::guard`).
    pub document_limits: attest_api::DocumentLimits,
}

async fn execute(
    schema: &AttestSchema,
    app: &App,
    (metrics, limits): (&Metrics, &DocumentLimits),
    (principal, origin): (Option<Principal>, attest_app::Origin),
    batch: BatchRequest,
) -> Executed {
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
    Executed {
        busy: codes
            .iter()
            .any(|code| code == ErrorCode::Unavailable.as_str()),
        response: GraphQLResponse::from(response),
    }
}

/// A GraphQL answer, and whether the server was too busy to give all of it: then the
/// HTTP status is 503 with Retry-After, so clients and load balancers back off.
struct Executed {
    response: GraphQLResponse,
    busy: bool,
}

type Answer = Either<CustomizeResponder<GraphQLResponse>, HttpResponse>;

fn answer(result: Result<(Executed, Caller), WebError>) -> Answer {
    match result {
        Ok((Executed { response, busy }, caller)) => {
            let mut response = response.customize();
            if busy {
                response = response
                    .with_status(StatusCode::SERVICE_UNAVAILABLE)
                    .insert_header((header::RETRY_AFTER, "1"));
            }
            // GraphQL use keeps a page's session alive as page loads do.
            if let Some(renewed) = caller.renewed() {
                response = response.insert_header((header::SET_COOKIE, renewed.to_string()));
            }
            Either::Left(response)
        }
        Err(refused) => Either::Right(refused.error_response()),
    }
}

/// The caller, found only once the request itself has been accepted (so a malformed
/// request is answered as such whoever sends it).
async fn caller_of(request: &HttpRequest) -> Result<(Caller, Option<Principal>), WebError> {
    let caller = Caller::extract(request).await?;
    let principal = caller.principal()?.cloned();
    Ok((caller, principal))
}

pub async fn post(
    request: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    settings: web::Data<GraphqlHttp>,
) -> Answer {
    answer(post_inner(request, payload, schema, app, metrics, settings).await)
}

async fn post_inner(
    request: HttpRequest,
    payload: web::Payload,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    settings: web::Data<GraphqlHttp>,
) -> Result<(Executed, Caller), WebError> {
    if !is_json(&request) {
        return Err(WebError::graphql_body(
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
        return Err(WebError::graphql_body(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the request body is larger than {} bytes",
                settings.max_body_bytes
            ),
        ));
    }
    let body = read_body(payload, settings.max_body_bytes).await?;
    let batch = parse_batch(&body, settings.max_batch)?;
    let (caller, principal) = caller_of(&request).await?;
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
) -> Answer {
    answer(get_inner(request, schema, app, metrics, settings).await)
}

async fn get_inner(
    request: HttpRequest,
    schema: web::Data<AttestSchema>,
    app: web::Data<App>,
    metrics: web::Data<Metrics>,
    settings: web::Data<GraphqlHttp>,
) -> Result<(Executed, Caller), WebError> {
    let params = web::Query::<GetParams>::from_query(request.query_string()).map_err(|error| {
        WebError::graphql_body(
            StatusCode::BAD_REQUEST,
            format!("bad query string: {error}; send ?query=…"),
        )
    })?;
    if is_mutation(
        &params.query,
        params.operation_name.as_deref(),
        &settings.document_limits,
    ) {
        return Err(WebError::graphql_body(
            StatusCode::METHOD_NOT_ALLOWED,
            "mutations must be sent with POST",
        ));
    }
    let parse_json =
        |field: &str, raw: &Option<String>| -> Result<Option<serde_json::Value>, WebError> {
            raw.as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|error| {
                    WebError::graphql_body(
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
    let (caller, principal) = caller_of(&request).await?;
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
