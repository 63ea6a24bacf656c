//! Identity providers as trust IT manages them: checked settings (a Microsoft provider
//! pinned to the trust's own tenant, Google to its domains), the client secret sealed
//! at rest and never returned, the URLs to register, and one trust never seeing or
//! removing another's.

use attest_domain::Slug;
use attest_store::ConnectionTrait;
use attest_tests::{TestApp, error_code, error_message};
use serde_json::json;

use crate::access::token;

const ADD: &str = "mutation($input: IdentityProviderInput!) { addIdentityProvider(input: $input) { slug kind issuer tenantId domains loginUrl callbackUrl clientId } }";
const LIST: &str = "{ identityProviders { slug kind issuer } }";

fn microsoft(tenant: &str) -> serde_json::Value {
    json!({ "input": {
        "kind": "microsoft", "slug": "staff", "displayName": "Sign in with Microsoft",
        "clientId": "11111111-2222-3333-4444-555555555555", "clientSecret": "s3cret~value-from-entra",
        "tenantId": tenant
    }})
}

#[tokio::test]
async fn providers_are_checked_sealed_and_kept_to_their_trust() {
    let test = TestApp::spawn().await;
    let alpha = test.trust("alpha").await;
    let beta = test.trust("beta").await;

    let added = test
        .data(
            &alpha.admin,
            ADD,
            microsoft("72f988bf-86f1-41af-91ab-2d7cd011db47"),
        )
        .await["addIdentityProvider"]
        .clone();
    assert_eq!(
        added["issuer"],
        "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/v2.0"
    );
    assert_eq!(
        added["callbackUrl"],
        "http://localhost:8080/auth/alpha/staff/callback"
    );
    assert!(
        !added.to_string().contains("s3cret"),
        "the secret is never returned"
    );

    let any_tenant = test
        .graphql(Some(&alpha.admin), ADD, microsoft("common"))
        .await;
    assert_eq!(error_code(&any_tenant), "BAD_USER_INPUT");
    assert!(
        error_message(&any_tenant).starts_with("tenantId: 'common' is not a directory (tenant) id"),
        "{any_tenant}"
    );
    let again = test
        .graphql(
            Some(&alpha.admin),
            ADD,
            microsoft("72f988bf-86f1-41af-91ab-2d7cd011db47"),
        )
        .await;
    assert_eq!(error_code(&again), "CONFLICT");
    let google = test
        .data(&alpha.admin, ADD, json!({ "input": { "kind": "google", "slug": "google", "displayName": "Google", "clientId": "abc.apps.googleusercontent.com", "clientSecret": "g", "domains": ["Riverside.sch.uk"] } }))
        .await;
    assert_eq!(
        google["addIdentityProvider"]["domains"],
        json!(["riverside.sch.uk"])
    );

    // Sealed at rest: the database holds no plain secret, and it opens for the sign-in flow.
    let stored: Vec<String> = test
        .db
        .query_all_raw(attest_store::Statement::from_string(
            test.db.get_database_backend(),
            "SELECT sealed_secret FROM identity_providers",
        ))
        .await
        .expect("rows")
        .into_iter()
        .map(|row| row.try_get::<String>("", "sealed_secret").expect("text"))
        .collect();
    assert_eq!(stored.len(), 2);
    assert!(
        stored
            .iter()
            .all(|s| s.starts_with("v1:") && !s.contains("s3cret")),
        "{stored:?}"
    );
    let trust = test
        .app
        .operator_for("alpha")
        .await
        .expect("operator")
        .trust();
    assert_eq!(
        test.app
            .provider_client_secret(trust, &Slug::parse("staff").expect("slug"))
            .await
            .expect("opens"),
        "s3cret~value-from-entra"
    );

    // Another trust sees none of it and can remove none of it; only trust admins manage.
    assert_eq!(
        test.data(&beta.admin, LIST, json!({})).await["identityProviders"],
        json!([])
    );
    let removed = test
        .graphql(
            Some(&beta.admin),
            "mutation { removeIdentityProvider(slug: \"staff\") }",
            json!({}),
        )
        .await;
    assert_eq!(error_code(&removed), "NOT_FOUND");
    let dpo = token(&test, &alpha.admin, "DPO", None).await;
    assert_eq!(
        error_code(&test.graphql(Some(&dpo), LIST, json!({})).await),
        "FORBIDDEN"
    );
    test.data(
        &alpha.admin,
        "mutation { removeIdentityProvider(slug: \"staff\") }",
        json!({}),
    )
    .await;
    let left = test.data(&alpha.admin, LIST, json!({})).await;
    assert_eq!(
        left["identityProviders"],
        json!([{ "slug": "google", "kind": "google", "issuer": "https://accounts.google.com" }])
    );
    let audit = test
        .data(
            &alpha.admin,
            "{ auditLog(first: 10) { action } }",
            json!({}),
        )
        .await
        .to_string();
    assert!(
        audit.contains("sso.provider.add") && audit.contains("sso.provider.remove"),
        "{audit}"
    );
}
