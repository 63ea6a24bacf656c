//! Liveness and readiness.

use actix_web::{HttpResponse, web};
use attest_app::App;
use attest_app::bootstrap::DatabaseHealth;
use serde_json::json;

/// The process is up and serving.
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({ "status": "ok" }))
}

/// The database answers and its schema is current: safe to route traffic here.
pub async fn readyz(app: web::Data<App>) -> HttpResponse {
    let unavailable = |body: serde_json::Value| HttpResponse::ServiceUnavailable().json(body);
    match app.database_health().await {
        DatabaseHealth::Ready => HttpResponse::Ok().json(json!({ "status": "ready" })),
        DatabaseHealth::Unreachable => {
            unavailable(json!({ "status": "unavailable", "reason": "database does not answer" }))
        }
        DatabaseHealth::MigrationsPending(pending) => unavailable(
            json!({ "status": "unavailable", "reason": "migrations pending", "pending": pending }),
        ),
        DatabaseHealth::Unknown => {
            unavailable(json!({ "status": "unavailable", "reason": "cannot read migration state" }))
        }
    }
}
