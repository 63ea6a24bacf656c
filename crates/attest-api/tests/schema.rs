//! `docs/schema.graphql` is the published contract: this fails when it is stale.
//! Regenerate with `ATTEST_UPDATE_SCHEMA=1 cargo nextest run -p attest-api`
//! (or `attest schema print > docs/schema.graphql`).

use std::path::PathBuf;

#[test]
fn the_checked_in_schema_is_current() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/schema.graphql");
    let current = attest_api::sdl();
    if std::env::var_os("ATTEST_UPDATE_SCHEMA").is_some() {
        std::fs::write(&path, &current).expect("write docs/schema.graphql");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == current,
        "docs/schema.graphql is stale; regenerate it with ATTEST_UPDATE_SCHEMA=1 cargo nextest run -p attest-api"
    );
}

#[test]
fn the_schema_has_the_contracted_operations() {
    let sdl = attest_api::sdl();
    for field in [
        "viewer:",
        "trust:",
        "schools:",
        "school(id:",
        "people(",
        "createSchool(",
        "updateSchool(",
        "upsertPerson(",
        "addMembership(",
        "endMembership(",
        "grantRole(",
        "revokeRole(",
        "issueApiToken(",
        "revokeApiToken(",
        "syncPlan:",
        "applySync(",
        "connectDirectory(",
        "setSyncRules(",
        "directoryConnection:",
        "syncRuns(",
    ] {
        assert!(sdl.contains(field), "missing {field}");
    }
}
