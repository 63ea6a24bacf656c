//! Fixtures for the store's own tests, made directly through the repositories (the
//! repositories are what those tests test; everything else builds through `TestWorld`).

use attest_domain::{School, SchoolName, Slug, TenantScope, Trust, TrustName, Urn};
use attest_store::{Database, NewSchool, NewTrust, Schools, Trusts};
use chrono::{DateTime, Utc};

/// A trust with the slug (and name) `slug`, and the server's scope over it.
pub async fn store_trust(db: &Database, slug: &str, at: DateTime<Utc>) -> (Trust, TenantScope) {
    let trust = Trusts::create(
        db,
        NewTrust {
            slug: Slug::parse(slug).expect("a valid slug"),
            name: TrustName::parse(slug).expect("a valid trust name"),
            created_at: at,
        },
    )
    .await
    .expect("the trust is created");
    let scope = crate::principals::operator(trust.id).scope();
    (trust, scope)
}

/// A school of the scope's trust.
pub async fn store_school(
    db: &Database,
    scope: &TenantScope,
    (name, slug, urn): (&str, &str, Option<&str>),
    at: DateTime<Utc>,
) -> School {
    Schools::new(db, scope)
        .insert(NewSchool {
            name: SchoolName::parse(name).expect("a valid school name"),
            slug: Slug::parse(slug).expect("a valid slug"),
            urn: urn.map(|urn| Urn::parse(urn).expect("a valid URN")),
            at,
        })
        .await
        .expect("the school is created")
}
