//! A group's members as sent: each checked to be a user of the trust, and the PATCHes
//! that do nothing but add and remove members recognised, so they touch only those.

use std::collections::BTreeSet;

use attest_domain::scim::{Op, PatchOperation, ScimError, field};
use attest_store::{Scim, ScimGroupRow};
use serde_json::{Map, Value};

use crate::AppError;

pub(super) type Members = Vec<(uuid::Uuid, Value)>;

/// Splits a cleaned group into its resource and its members, each checked to be a user
/// of this trust.
pub(super) async fn split_members(
    scim: &Scim<'_, impl attest_store::ConnectionTrait>,
    mut resource: Map<String, Value>,
) -> Result<(Map<String, Value>, Members), AppError> {
    let entries = match resource.remove("members") {
        Some(Value::Array(entries)) => entries,
        _ => Vec::new(),
    };
    let members = member_entries(entries)?;
    check_users(scim, &members).await?;
    Ok((resource, members))
}

fn member_entries(entries: Vec<Value>) -> Result<Members, AppError> {
    entries
        .into_iter()
        .map(|entry| {
            let value = field(&entry, "value")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let user = uuid::Uuid::parse_str(value).map_err(|_| {
                AppError::Scim(ScimError::invalid_value(format!(
                    "members: '{value}' is not the id of a user of this trust"
                )))
            })?;
            Ok((user, entry))
        })
        .collect()
}

async fn check_users(
    scim: &Scim<'_, impl attest_store::ConnectionTrait>,
    members: &Members,
) -> Result<(), AppError> {
    let wanted: Vec<uuid::Uuid> = members.iter().map(|(user, _)| *user).collect();
    let found: BTreeSet<uuid::Uuid> = scim.existing_users(&wanted).await?.into_iter().collect();
    if let Some((missing, _)) = members.iter().find(|(user, _)| !found.contains(user)) {
        return Err(AppError::Scim(ScimError::invalid_value(format!(
            "members: no user of this trust has the id {missing}"
        ))));
    }
    Ok(())
}

pub(super) fn group_row(
    id: uuid::Uuid,
    resource: &Map<String, Value>,
) -> Result<ScimGroupRow<'_>, AppError> {
    Ok(ScimGroupRow {
        id,
        display_name: resource
            .get("displayName")
            .and_then(Value::as_str)
            .ok_or_else(|| AppError::Scim(ScimError::invalid_value("displayName: is required")))?,
        external_id: resource.get("externalId").and_then(Value::as_str),
        resource,
    })
}

/// The members a PATCH adds and removes when it does nothing else: what Entra ID and
/// Okta send to change a group's membership. `None` when the PATCH does more.
pub(super) fn membership_only(operations: &[PatchOperation]) -> Option<(Vec<Value>, Vec<String>)> {
    let mut added = Vec::new();
    let mut removed = Vec::new();
    for operation in operations {
        let path = operation.path.as_ref()?;
        if !path.attr.attr.eq_ignore_ascii_case("members")
            || path.attr.sub.is_some()
            || path.sub.is_some()
        {
            return None;
        }
        match (operation.op, &path.filter, &operation.value) {
            (Op::Add, None, Some(value)) => match value {
                Value::Array(entries) => added.extend(entries.iter().cloned()),
                entry => added.push(entry.clone()),
            },
            (Op::Remove, None, Some(value)) => {
                let entries = match value {
                    Value::Array(entries) => entries.clone(),
                    entry => vec![entry.clone()],
                };
                for entry in entries {
                    removed.push(field(&entry, "value")?.as_str()?.to_owned());
                }
            }
            (Op::Remove, Some(filter), None) => {
                removed.push(filter.equality_on("value")?.to_owned())
            }
            _ => return None,
        }
    }
    Some((added, removed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use attest_domain::scim::parse_patch;
    use serde_json::json;

    #[test]
    fn membership_patches_are_recognised_and_nothing_else() {
        let ops = |value: Value| parse_patch(&json!({"Operations": value})).expect("ops");
        let (added, removed) = membership_only(&ops(json!([
            {"op": "Add", "path": "members", "value": [{"value": "a"}]},
            {"op": "Remove", "path": "members", "value": [{"value": "b"}]},
            {"op": "remove", "path": "members[value eq \"c\"]"},
        ])))
        .expect("members only");
        assert_eq!(added, [json!({"value": "a"})]);
        assert_eq!(removed, ["b", "c"]);
        assert!(
            membership_only(&ops(json!([
                {"op": "replace", "path": "displayName", "value": "x"},
            ])))
            .is_none()
        );
        assert!(membership_only(&ops(json!([{"op": "remove", "path": "members"}]))).is_none());
        assert!(
            membership_only(&ops(json!([
                {"op": "remove", "path": "members[display co \"x\"]"},
            ])))
            .is_none()
        );
    }
}
