//! Finding what a command names: a school by its slug, URN or id.

use anyhow::Context as _;
use attest_app::App;
use attest_domain::{Principal, SchoolId};

/// The school of `operator`'s trust whose slug, URN or id is `wanted`.
pub async fn school_id(
    app: &App,
    operator: &Principal,
    trust: &str,
    wanted: &str,
) -> anyhow::Result<SchoolId> {
    Ok(app
        .schools(operator)
        .await?
        .into_iter()
        .find(|school| {
            school.slug.as_str() == wanted
                || school
                    .urn
                    .as_ref()
                    .is_some_and(|urn| urn.as_str() == wanted)
                || school.id.to_string() == wanted
        })
        .with_context(|| format!("trust '{trust}' has no school '{wanted}'"))?
        .id)
}
