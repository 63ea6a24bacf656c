//! The request log: one line per request with its route pattern, never its raw target.
//! Targets hold secrets (`/sign/ml_…`, an OIDC callback's `code` and `state`, GET query
//! strings), and a log is read by more people than the database is.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing::field::Empty;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

pub struct RedactedSpans;

impl RootSpanBuilder for RedactedSpans {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let route = request.match_pattern();
        let target = redacted_target(route.as_deref(), request.query_string());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %super::metrics::method_label(request.method()),
            http.route = %route.as_deref().unwrap_or("unmatched"),
            http.target = %target,
            http.status_code = Empty,
            otel.status_code = Empty,
            request_id = %request_id,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

/// The route pattern (`/sign/{token}`), or `unmatched`, with each query parameter's
/// value replaced: which parameters came is useful, what they held is not ours to log.
pub(crate) fn redacted_target(route: Option<&str>, query: &str) -> String {
    let mut target = route.unwrap_or("unmatched").to_owned();
    let names: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .take(20)
        .map(|(name, _)| {
            name.chars()
                .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
                .take(40)
                .collect::<String>()
        })
        .map(|name| format!("{name}=…"))
        .collect();
    if !names.is_empty() {
        target.push('?');
        target.push_str(&names.join("&"));
    }
    target
}

#[cfg(test)]
mod tests {
    use super::redacted_target;

    #[test]
    fn secrets_in_paths_and_queries_never_reach_the_log() {
        assert_eq!(redacted_target(Some("/sign/{token}"), ""), "/sign/{token}");
        let callback = redacted_target(
            Some("/auth/{trust}/{provider}/callback"),
            "code=SECRETCODE&state=SECRETSTATE",
        );
        assert_eq!(callback, "/auth/{trust}/{provider}/callback?code=…&state=…");
        assert!(!callback.contains("SECRET"));
        let unmatched = redacted_target(None, "query=%7Bviewer%7D&x%3Cscript=1");
        assert_eq!(unmatched, "unmatched?query=…&xscript=…");
    }
}
