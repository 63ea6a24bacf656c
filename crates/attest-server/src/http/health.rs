//! Liveness and readiness.

use actix_web::{HttpResponse, web};
use attest_app::App;
use serde_json::json;

/// The process is up and serving.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers and its schema is current: safe to route traffic here.
pub async fn readyz(app: web::Data<App>) -> HttpResponse {
    if let Err(error) = app.db().ping().await {
        tracing::warn!(%error, "readiness: database does not answer");
        return HttpResponse::ServiceUnavailable()
            .json(json!({ "status": "unavailable", "reason": "database does not answer" }));
    }
    match attest_store::pending_migrations(app.db()).await {
        Ok(pending) if pending.is_empty() => HttpResponse::Ok().json(json!({ "status": "ready" })),
        Ok(pending) => HttpResponse::ServiceUnavailable().json(
            json!({ "status": "unavailable", "reason": "migrations pending", "pending": pending }),
        ),
        Err(error) => {
            tracing::warn!(%error, "readiness: cannot read migrations");
            HttpResponse::ServiceUnavailable()
                .json(json!({ "status": "unavailable", "reason": "cannot read migration state" }))
        }
    }
}
