//! Attributes set from the directory at each sync: an attribute with a rule is held
//! exactly when the account's field matches (the directory is then its source of truth).

use std::collections::BTreeMap;

use attest_domain::{DirectoryUser, PersonId, TenantScope};
use attest_store::{AttributeSource, Attributes, ConnectionTrait};
use chrono::{DateTime, Utc};

use crate::AppError;

/// Brings every ruled attribute of the synced accounts' people in line with their
/// directory fields; answers with the people whose attributes changed.
pub(crate) async fn apply_directory_rules(
    conn: &impl ConnectionTrait,
    scope: &TenantScope,
    accounts: &[(PersonId, &DirectoryUser)],
    at: DateTime<Utc>,
) -> Result<Vec<PersonId>, AppError> {
    let attributes = Attributes::new(conn, scope);
    let ruled: Vec<_> = attributes
        .list()
        .await?
        .into_iter()
        .filter_map(|attribute| Some((attribute.key, attribute.directory_rule?)))
        .collect();
    if ruled.is_empty() || accounts.is_empty() {
        return Ok(Vec::new());
    }
    let people: Vec<PersonId> = accounts.iter().map(|(person, _)| *person).collect();
    let held: BTreeMap<PersonId, Vec<String>> = attributes.held_by(&people).await?;
    let mut changed = Vec::new();
    for (person, user) in accounts {
        let mut person_changed = false;
        for (key, rule) in &ruled {
            let should = rule.holds(user.job_title.as_deref(), user.department.as_deref());
            let has = held
                .get(person)
                .is_some_and(|keys| keys.iter().any(|k| k == key));
            if should != has {
                attributes
                    .set(*person, key, should, AttributeSource::Directory, None, at)
                    .await?;
                person_changed = true;
            }
        }
        if person_changed {
            changed.push(*person);
        }
    }
    Ok(changed)
}
