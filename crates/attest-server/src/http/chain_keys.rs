//! `GET /.well-known/attest-chain-keys.json`: every public key that has signed (or now
//! signs) a chain head or anchor, so that anyone can check a signature without asking
//! attest.

use actix_web::{HttpResponse, web};
use attest_app::App;

pub async fn chain_keys(app: web::Data<App>) -> HttpResponse {
    match app.published_chain_keys().await {
        Ok(keys) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "public, max-age=300"))
            .json(serde_json::json!({
                "keys": keys,
                "statement": "attest chain head v1\\ntrust: <uuid>\\nseq: <n>\\nhash: <hex>\\nat: <RFC 3339, seconds, Z>\\n",
            })),
        Err(error) => {
            tracing::error!(%error, "the chain keys could not be read");
            HttpResponse::ServiceUnavailable().finish()
        }
    }
}
