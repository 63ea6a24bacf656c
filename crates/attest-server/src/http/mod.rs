//! The HTTP server: routes, middleware, and starting and stopping it.

mod access_log;
mod caller;
mod chain_keys;
mod client_address;
mod downloads;
pub mod graphql;
mod health;
mod metrics;
mod pages;
mod policy_source;
mod scim;
mod session_cookie;
pub(crate) mod sso;
mod templates;
mod web_error;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, DefaultHeaders, from_fn};
use actix_web::{App as ActixApp, HttpServer, web};
use attest_api::{SchemaLimits, build_schema};
use attest_app::App;
use tracing_actix_web::TracingLogger;

pub use client_address::TrustedProxies;
pub use graphql::GraphqlHttp;
pub use metrics::Metrics;

use crate::config::GraphqlConfig;

/// How the server runs, beyond the application it serves.
#[derive(Debug, Clone)]
pub struct ServerSettings {
    pub graphql: GraphqlConfig,
    /// 0: one per core.
    pub workers: usize,
    /// Let SIGTERM / Ctrl-C stop the server gracefully (off in tests).
    pub handle_signals: bool,
    /// Mark cookies `Secure` (off only when staff reach the server over plain http).
    pub secure_cookies: bool,
    /// Proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
}

/// The caller's address for per-address limits: the TCP peer. `X-Forwarded-For` is not
/// read, since any client can write it.
pub(crate) fn client_address(request: &actix_web::HttpRequest) -> String {
    client_ip(request).map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}

/// The caller's address: the TCP peer, or behind a trusted proxy the address it
/// forwarded for (see `client_address`'s module).
pub(crate) fn client_ip(request: &actix_web::HttpRequest) -> Option<std::net::IpAddr> {
    match request.app_data::<web::Data<TrustedProxies>>() {
        Some(proxies) => proxies.client(request),
        None => request.peer_addr().map(|addr| addr.ip()),
    }
}

/// Where a request came from, kept with signatures as evidence: the peer address, or
/// behind one of the operator's trusted proxies the client it forwarded for (never a
/// header from anyone else, which any client can write).
pub(crate) fn origin_of(request: &actix_web::HttpRequest) -> attest_app::Origin {
    attest_app::Origin {
        ip: client_ip(request).map(|ip| ip.to_string()),
        user_agent: request
            .headers()
            .get(actix_web::http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned),
    }
}

/// Headers every response carries, HTML or not: no framing (the DPO's forms cannot be
/// clickjacked), no MIME sniffing, no referrer (signing links are secrets), and HSTS
/// where the server is reached over https (its cookies are Secure).
fn security_headers(secure_cookies: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"));
    if secure_cookies {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}

/// Starts serving on `listener`; await the returned `Server` to run until shutdown.
/// Shutdown (SIGTERM, Ctrl-C or `ServerHandle::stop(true)`) finishes in-flight requests.
pub fn start(app: App, settings: ServerSettings, listener: TcpListener) -> std::io::Result<Server> {
    let limits = SchemaLimits {
        max_depth: settings.graphql.max_depth,
        max_complexity: settings.graphql.max_complexity,
        introspection: settings.graphql.introspection,
    };
    let schema = web::Data::new(build_schema(Some(app.clone()), &limits));
    let sign_in = web::Data::new(sso::SignIn::new(settings.secure_cookies, app.egress())?);
    let app_data = web::Data::new(app);
    let cookies = web::Data::new(session_cookie::CookiePolicy {
        secure: settings.secure_cookies,
    });
    let metrics = web::Data::from(Metrics::new());
    let http = web::Data::new(GraphqlHttp {
        max_body_bytes: settings.graphql.max_body_bytes,
        max_batch: settings.graphql.max_batch,
        document_limits: attest_api::DocumentLimits {
            max_depth: settings.graphql.max_depth,
            max_bytes: settings.graphql.max_document_bytes,
            max_tokens: settings.graphql.max_tokens,
            max_aliases: settings.graphql.max_aliases,
            max_fields: settings.graphql.max_fields,
            // Brackets nest one deeper than fields, plus arguments: keep room above the
            // depth an operator allows.
            max_nesting: (settings.graphql.max_depth + 28).max(40),
            ..attest_api::DocumentLimits::default()
        },
    });
    let graphiql = settings.graphql.graphiql;
    let proxies = web::Data::new(settings.trusted_proxies.clone());
    let secure_cookies = settings.secure_cookies;
    let mut server = HttpServer::new(move || {
        let mut service = ActixApp::new()
            .app_data(schema.clone())
            .app_data(app_data.clone())
            .app_data(sign_in.clone())
            .app_data(cookies.clone())
            .app_data(metrics.clone())
            .app_data(http.clone())
            .app_data(proxies.clone())
            .wrap(security_headers(secure_cookies))
            .wrap(Compress::default())
            .wrap(from_fn(metrics::observe))
            .wrap(TracingLogger::<access_log::RedactedSpans>::new())
            // The API first: routes are tried in order, and the ones with path
            // parameters each cost a pattern match.
            .service(
                web::resource("/graphql")
                    .route(web::post().to(graphql::post))
                    .route(web::get().to(graphql::get)),
            )
            .configure(scim::routes)
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .route("/metrics", web::get().to(metrics::metrics))
            .route(
                "/exports/compliance.csv",
                web::get().to(downloads::compliance_csv),
            )
            .route(
                "/exports/acceptances.csv",
                web::get().to(downloads::acceptances_csv),
            )
            .route("/auth/{trust}/{provider}/login", web::get().to(sso::login))
            .route(
                "/auth/{trust}/{provider}/callback",
                web::get().to(sso::callback),
            )
            .route("/auth/logout", web::post().to(sso::logout))
            .route("/", web::get().to(pages::front::front_door))
            .route(
                "/sign-in/{trust}",
                web::get().to(pages::front::trust_sign_in),
            )
            .route(
                "/sign-in/{trust}/email",
                web::post().to(pages::front::request_email_link),
            )
            .service(
                web::resource("/sign-in/email/{token}")
                    .route(web::get().to(pages::front::email_link_page))
                    .route(web::post().to(pages::front::email_link_submit)),
            )
            .route("/me", web::get().to(pages::me::me))
            .service(
                web::resource("/me/sign/{version}")
                    .route(web::get().to(pages::me::my_signing_page))
                    .route(web::post().to(pages::me::my_signing_submit)),
            )
            .route(
                "/schools/{id}",
                web::get().to(pages::school::school_dashboard),
            )
            .route(
                "/schools/{id}/remind",
                web::post().to(pages::school::remind_school),
            )
            .service(
                web::resource("/schools/{id}/paper")
                    .route(web::get().to(pages::school::paper_form))
                    .route(web::post().to(pages::school::paper_submit)),
            )
            .route("/trust", web::get().to(pages::trust::trust_overview))
            .route("/breaches", web::get().to(pages::breaches::breach_desk))
            .service(
                web::resource("/breaches/new")
                    .route(web::get().to(pages::breach_report::report_form))
                    .route(web::post().to(pages::breach_report::report_submit)),
            )
            .route(
                "/breaches/board-report",
                web::get().to(pages::breach_board::board_report),
            )
            .route(
                "/breaches/{id}",
                web::get().to(pages::breaches::breach_page),
            )
            .route(
                "/breaches/{id}/ico-pack",
                web::get().to(pages::breach_actions::ico_pack),
            )
            .service(
                web::resource("/breaches/{id}/correct")
                    .route(web::get().to(pages::breach_report::correct_form))
                    .route(web::post().to(pages::breach_report::correct_submit)),
            )
            .route(
                "/breaches/{id}/evidence",
                web::post().to(pages::breach_evidence::attach_evidence),
            )
            .route(
                "/exports/breaches/{id}/evidence/{file}",
                web::get().to(pages::breach_evidence::download_evidence),
            )
            .route(
                "/breaches/{id}/{action}",
                web::post().to(pages::breach_actions::breach_action),
            )
            .service(
                web::resource("/requests")
                    .route(web::get().to(pages::requests::request_register))
                    .route(web::post().to(pages::requests::log_request)),
            )
            .route(
                "/requests/{id}",
                web::get().to(pages::requests::request_page),
            )
            .route(
                "/requests/{id}/documents",
                web::post().to(pages::request_documents::attach_document),
            )
            .route(
                "/exports/requests/{id}/documents/{file}",
                web::get().to(pages::request_documents::download_document),
            )
            .route(
                "/requests/{id}/{action}",
                web::post().to(pages::requests::request_action),
            )
            .route("/records", web::get().to(pages::records::records_page))
            .route(
                "/records/{what}",
                web::post().to(pages::records::records_submit),
            )
            .service(
                web::resource("/calendar")
                    .route(web::get().to(pages::records::calendar_page))
                    .route(web::post().to(pages::records::calendar_submit)),
            )
            .route("/reviews", web::get().to(pages::reviews::reviews))
            .route("/reviews/{id}", web::get().to(pages::reviews::review_page))
            .route(
                "/reviews/{id}/{action}",
                web::post().to(pages::reviews::review_action),
            )
            .route(
                "/exports/policy-versions/{id}/source",
                web::get().to(policy_source::download_source),
            )
            .route(
                "/exports/breaches.csv",
                web::get().to(downloads::breaches_csv),
            )
            .route(
                "/exports/requests.csv",
                web::get().to(downloads::requests_csv),
            )
            .route(
                "/exports/processing-activities.csv",
                web::get().to(downloads::processing_activities_csv),
            )
            .route(
                "/schools/{id}/obligations",
                web::get().to(pages::obligations::school_obligations),
            )
            .route(
                "/exports/schools/{id}/obligations.csv",
                web::get().to(downloads::school_obligations_csv),
            )
            .route(
                "/exports/training/certificates/{id}",
                web::get().to(downloads::training_certificate),
            )
            .route(
                "/exports/people/{id}/evidence.txt",
                web::get().to(downloads::person_evidence),
            )
            .route(
                "/.well-known/attest-chain-keys.json",
                web::get().to(chain_keys::chain_keys),
            )
            .route(
                "/sign/views/{view}/{marker}",
                web::get().to(pages::signing::view_marker),
            )
            .route("/receipts/{id}.txt", web::get().to(downloads::receipt_file))
            .route("/receipts/{id}", web::get().to(downloads::receipt_page))
            .service(
                web::resource("/sign/{token}")
                    .route(web::get().to(pages::signing::sign_page))
                    .route(web::post().to(pages::signing::sign_submit)),
            );
        if graphiql {
            service = service.route("/graphiql", web::get().to(graphql::graphiql));
        }
        service
    })
    .listen(listener)?
    // Longer than the idle timeout of the proxies put in front of us (nginx and the
    // cloud load balancers use 60 s), so a proxy never reuses a connection we just closed.
    .keep_alive(std::time::Duration::from_secs(75))
    .shutdown_timeout(30);
    if settings.workers > 0 {
        server = server.workers(settings.workers);
    }
    if !settings.handle_signals {
        server = server.disable_signals();
    }
    Ok(server.run())
}

#[cfg(test)]
mod tests {
    use actix_web::{App as ActixApp, HttpResponse, test, web};

    use super::security_headers;

    #[actix_web::test]
    async fn hsts_is_sent_only_where_cookies_are_secure() {
        for secure in [true, false] {
            let service = test::init_service(
                ActixApp::new()
                    .wrap(security_headers(secure))
                    .route("/", web::get().to(HttpResponse::Ok)),
            )
            .await;
            let response =
                test::call_service(&service, test::TestRequest::get().uri("/").to_request()).await;
            let headers = response.headers();
            assert_eq!(
                headers.get("x-frame-options").map(|v| v.as_bytes()),
                Some(&b"DENY"[..])
            );
            assert_eq!(headers.contains_key("strict-transport-security"), secure);
        }
    }
}
