//! Reading a GraphQL-over-HTTP request: JSON only, bounded in size, unknown fields
//! refused, and a batch only where the server allows one.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, web};
use async_graphql::{BatchRequest, Request, Variables};
use futures_util::StreamExt;
use serde::Deserialize;

use crate::http::web_error::WebError;

/// The GraphQL-over-HTTP request body. Unknown fields are refused rather than ignored,
/// so a misspelt `operationName` is an error, not a silent surprise.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct Body {
    pub(super) query: String,
    #[serde(default)]
    pub(super) operation_name: Option<String>,
    #[serde(default)]
    pub(super) variables: Option<serde_json::Value>,
    #[serde(default)]
    pub(super) extensions: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Body {
    pub(super) fn into_request(self) -> Result<Request, WebError> {
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
                return Err(WebError::graphql_body(
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

pub(super) fn is_json(request: &HttpRequest) -> bool {
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

pub(super) async fn read_body(
    mut payload: web::Payload,
    limit: usize,
) -> Result<web::BytesMut, WebError> {
    let too_large = || {
        WebError::graphql_body(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the request body is larger than {limit} bytes"),
        )
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| {
            WebError::graphql_body(
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

pub(super) fn parse_batch(bytes: &[u8], max_batch: usize) -> Result<BatchRequest, WebError> {
    let malformed = |error: serde_json::Error| {
        WebError::graphql_body(
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
                return Err(WebError::graphql_body(
                    StatusCode::BAD_REQUEST,
                    "batched requests are turned off on this server",
                ));
            }
            if items.is_empty() || items.len() > max_batch {
                return Err(WebError::graphql_body(
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct GetParams {
    pub(super) query: String,
    pub(super) operation_name: Option<String>,
    pub(super) variables: Option<String>,
    pub(super) extensions: Option<String>,
}
