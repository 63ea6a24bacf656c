//! The HTTP server: routes, middleware, and starting and stopping it.

mod evidence;
pub mod graphql;
mod health;
mod metrics;
mod pages;
mod portal;
pub(crate) mod sso;

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::middleware::{Compress, from_fn};
use actix_web::{App as ActixApp, HttpServer, web};
use attest_api::{SchemaLimits, build_schema};
use attest_app::App;
use tracing_actix_web::TracingLogger;

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
    let app_data = web::Data::new(app);
    let sign_in = web::Data::new(sso::SignIn::new(settings.secure_cookies)?);
    let metrics = web::Data::from(Metrics::new());
    let http = web::Data::new(GraphqlHttp {
        max_body_bytes: settings.graphql.max_body_bytes,
        max_batch: settings.graphql.max_batch,
    });
    let graphiql = settings.graphql.graphiql;
    let mut server = HttpServer::new(move || {
        let mut service = ActixApp::new()
            .app_data(schema.clone())
            .app_data(app_data.clone())
            .app_data(sign_in.clone())
            .app_data(metrics.clone())
            .app_data(http.clone())
            .wrap(Compress::default())
            .wrap(from_fn(metrics::observe))
            .wrap(TracingLogger::default())
            .route("/healthz", web::get().to(health::healthz))
            .route("/readyz", web::get().to(health::readyz))
            .route("/metrics", web::get().to(metrics::metrics))
            .route(
                "/exports/compliance.csv",
                web::get().to(evidence::compliance_csv),
            )
            .route(
                "/exports/acceptances.csv",
                web::get().to(evidence::acceptances_csv),
            )
            .route("/auth/{trust}/{provider}/login", web::get().to(sso::login))
            .route(
                "/auth/{trust}/{provider}/callback",
                web::get().to(sso::callback),
            )
            .route("/auth/logout", web::post().to(sso::logout))
            .route("/me", web::get().to(sso::me))
            .service(
                web::resource("/me/sign/{version}")
                    .route(web::get().to(portal::my_signing_page))
                    .route(web::post().to(portal::my_signing_submit)),
            )
            .route("/schools/{id}", web::get().to(portal::school_dashboard))
            .route(
                "/schools/{id}/remind",
                web::post().to(portal::remind_school),
            )
            .service(
                web::resource("/schools/{id}/paper")
                    .route(web::get().to(portal::paper_form))
                    .route(web::post().to(portal::paper_submit)),
            )
            .route("/trust", web::get().to(portal::trust_overview))
            .route("/breaches", web::get().to(portal::breach_desk))
            .service(
                web::resource("/breaches/new")
                    .route(web::get().to(portal::report_form))
                    .route(web::post().to(portal::report_submit)),
            )
            .route("/breaches/{id}", web::get().to(portal::breach_page))
            .route(
                "/breaches/{id}/{action}",
                web::post().to(portal::breach_action),
            )
            .route(
                "/exports/breaches.csv",
                web::get().to(evidence::breaches_csv),
            )
            .route(
                "/exports/people/{id}/evidence.txt",
                web::get().to(evidence::person_evidence),
            )
            .route("/receipts/{id}.txt", web::get().to(evidence::receipt_file))
            .route("/receipts/{id}", web::get().to(evidence::receipt_page))
            .service(
                web::resource("/sign/{token}")
                    .route(web::get().to(pages::sign_page))
                    .route(web::post().to(pages::sign_submit)),
            )
            .service(
                web::resource("/graphql")
                    .route(web::post().to(graphql::post))
                    .route(web::get().to(graphql::get)),
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
