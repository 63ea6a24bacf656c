//! Groups: create, read, replace, patch and delete. Members are kept one row each, so
//! adding or removing a few members of a large group touches only them; members whose
//! group a mapping rule names are provisioned again.

use std::collections::{BTreeSet, HashMap};

use attest_domain::scim::{Filter, ResourceKind, apply_patch, parse_patch, project};
use attest_domain::{Principal, TenantScope};
use attest_store::{Scim, ScimRecord, TransactionTrait};
use serde_json::{Map, Value, json};

use super::members::{Members, group_row, membership_only, split_members};
use super::users::{audit, meta};
use super::{ScimProjection, ScimWrite, admit, changed_meanwhile, not_found, parse_id, text_of};
use crate::{App, AppError};

impl App {
    pub async fn scim_create_group(
        &self,
        principal: &Principal,
        body: &Value,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        let cleaned = ResourceKind::Group.clean(body).map_err(AppError::Scim)?;
        let id = uuid::Uuid::now_v7();
        let at = self.now();
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, &scope);
        let (resource, members) = split_members(&scim, cleaned).await?;
        scim.insert_group(&group_row(id, &resource)?, at).await?;
        scim.add_members(id, &members).await?;
        audit(
            &txn,
            (principal, at),
            "scim.group_created",
            id,
            None,
            Some(&summary(&resource, members.len(), 0)),
        )
        .await?;
        let name = text_of(&resource, "displayName").unwrap_or_default();
        if self
            .rules_name_groups(&txn, principal.trust(), &[&name])
            .await?
        {
            let touched: Vec<uuid::Uuid> = members.iter().map(|(user, _)| *user).collect();
            self.provision_pushed(&txn, principal, &touched, &format!("POST /Groups ({name})"))
                .await?;
        }
        txn.commit().await?;
        self.read_group(&scope, id, &ScimProjection::default(), base)
            .await
    }

    pub async fn scim_group(
        &self,
        principal: &Principal,
        id: &str,
        projection: &ScimProjection,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        self.read_group(&scope, parse_id(id, "group")?, projection, base)
            .await
    }

    /// A group as served, read after a write without counting the request twice.
    async fn read_group(
        &self,
        scope: &TenantScope,
        id: uuid::Uuid,
        projection: &ScimProjection,
        base: &str,
    ) -> Result<Value, AppError> {
        let scim = Scim::new(&self.db, scope);
        let record = scim
            .group(id)
            .await?
            .ok_or_else(|| not_found("group", id))?;
        let mut members = if projection.wants("members") {
            scim.members(&[id]).await?
        } else {
            HashMap::new()
        };
        Ok(render_group(&record, members.remove(&id), projection, base))
    }

    pub async fn scim_replace_group(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
        write: &ScimWrite<'_>,
        base: &str,
    ) -> Result<Value, AppError> {
        let cleaned = ResourceKind::Group.clean(body).map_err(AppError::Scim)?;
        let (scope, id) = self
            .save_group(principal, id, write, "scim.group_replaced", move |_| {
                Ok(cleaned)
            })
            .await?;
        self.read_group(&scope, id, &ScimProjection::default(), base)
            .await
    }

    /// PATCH; `None` (answered 204) when it only changed members.
    pub async fn scim_patch_group(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
        write: &ScimWrite<'_>,
        base: &str,
    ) -> Result<Option<Value>, AppError> {
        let operations = parse_patch(body).map_err(AppError::Scim)?;
        if let Some((added, removed)) = membership_only(&operations) {
            self.change_members(principal, id, write, added, removed)
                .await?;
            return Ok(None);
        }
        let (scope, id) = self
            .save_group(principal, id, write, "scim.group_patched", |full| {
                apply_patch(ResourceKind::Group, full, &operations).map_err(AppError::Scim)
            })
            .await?;
        Ok(Some(
            self.read_group(&scope, id, &ScimProjection::default(), base)
                .await?,
        ))
    }

    async fn change_members(
        &self,
        principal: &Principal,
        id: &str,
        write: &ScimWrite<'_>,
        added: Vec<Value>,
        removed: Vec<String>,
    ) -> Result<(), AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "group")?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, &scope);
        let record = scim
            .group(id)
            .await?
            .ok_or_else(|| not_found("group", id))?;
        write.check(record.version)?;
        let cleaned = ResourceKind::Group
            .clean(&json!({"displayName": "members", "members": added}))
            .map_err(AppError::Scim)?;
        let (_, added) = split_members(&scim, cleaned).await?;
        let removed: Vec<uuid::Uuid> = removed
            .iter()
            .filter_map(|value| uuid::Uuid::parse_str(value).ok())
            .collect();
        scim.add_members(id, &added).await?;
        scim.remove_members(id, &removed).await?;
        if !scim
            .update_group(&group_row(id, &record.resource)?, record.version, at)
            .await?
        {
            return Err(changed_meanwhile());
        }
        audit(
            &txn,
            (principal, at),
            "scim.group_patched",
            id,
            None,
            Some(&summary(&record.resource, added.len(), removed.len())),
        )
        .await?;
        let name = text_of(&record.resource, "displayName").unwrap_or_default();
        if self
            .rules_name_groups(&txn, principal.trust(), &[&name])
            .await?
        {
            let touched: Vec<uuid::Uuid> =
                added.iter().map(|(user, _)| *user).chain(removed).collect();
            self.provision_pushed(
                &txn,
                principal,
                &touched,
                &format!("PATCH /Groups ({name})"),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    async fn save_group(
        &self,
        principal: &Principal,
        id: &str,
        write: &ScimWrite<'_>,
        action: &'static str,
        change: impl FnOnce(&Map<String, Value>) -> Result<Map<String, Value>, AppError>,
    ) -> Result<(TenantScope, uuid::Uuid), AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "group")?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, &scope);
        let record = scim
            .group(id)
            .await?
            .ok_or_else(|| not_found("group", id))?;
        write.check(record.version)?;
        let before_members = scim.members(&[id]).await?.remove(&id).unwrap_or_default();
        let mut full = record.resource.clone();
        if !before_members.is_empty() {
            full.insert(
                "members".to_owned(),
                Value::Array(
                    before_members
                        .iter()
                        .map(|(_, entry)| entry.clone())
                        .collect(),
                ),
            );
        }
        let changed = ResourceKind::Group
            .clean(&Value::Object(change(&full)?))
            .map_err(AppError::Scim)?;
        let (resource, after_members) = split_members(&scim, changed).await?;
        let before_ids: BTreeSet<uuid::Uuid> =
            before_members.iter().map(|(user, _)| *user).collect();
        let after_ids: BTreeSet<uuid::Uuid> = after_members.iter().map(|(user, _)| *user).collect();
        let gone: Vec<uuid::Uuid> = before_ids.difference(&after_ids).copied().collect();
        let new: Members = after_members
            .iter()
            .filter(|(user, _)| !before_ids.contains(user))
            .cloned()
            .collect();
        scim.remove_members(id, &gone).await?;
        scim.add_members(id, &new).await?;
        if !scim
            .update_group(&group_row(id, &resource)?, record.version, at)
            .await?
        {
            return Err(changed_meanwhile());
        }
        audit(
            &txn,
            (principal, at),
            action,
            id,
            None,
            Some(&summary(&resource, new.len(), gone.len())),
        )
        .await?;
        let old_name = text_of(&record.resource, "displayName").unwrap_or_default();
        let new_name = text_of(&resource, "displayName").unwrap_or_default();
        if self
            .rules_name_groups(&txn, principal.trust(), &[&old_name, &new_name])
            .await?
        {
            // A rename can move every member; otherwise only those added or removed.
            let touched: Vec<uuid::Uuid> = if old_name.eq_ignore_ascii_case(&new_name) {
                new.iter().map(|(user, _)| *user).chain(gone).collect()
            } else {
                before_ids.union(&after_ids).copied().collect()
            };
            self.provision_pushed(
                &txn,
                principal,
                &touched,
                &format!(
                    "{} /Groups ({new_name})",
                    if action == "scim.group_patched" {
                        "PATCH"
                    } else {
                        "PUT"
                    }
                ),
            )
            .await?;
        }
        txn.commit().await?;
        Ok((scope, id))
    }

    /// DELETE: the group and its memberships go; people and their memberships follow
    /// the rules (a group a rule names no longer places its members).
    pub async fn scim_delete_group(
        &self,
        principal: &Principal,
        id: &str,
        write: &ScimWrite<'_>,
    ) -> Result<(), AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "group")?;
        let at = self.now();
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, &scope);
        let record = scim
            .group(id)
            .await?
            .ok_or_else(|| not_found("group", id))?;
        write.check(record.version)?;
        let members = scim
            .delete_group(id)
            .await?
            .ok_or_else(|| not_found("group", id))?;
        audit(
            &txn,
            (principal, at),
            "scim.group_deleted",
            id,
            Some(&summary(&record.resource, 0, members.len())),
            None,
        )
        .await?;
        let name = text_of(&record.resource, "displayName").unwrap_or_default();
        if self
            .rules_name_groups(&txn, principal.trust(), &[&name])
            .await?
        {
            self.provision_pushed(
                &txn,
                principal,
                &members,
                &format!("DELETE /Groups ({name})"),
            )
            .await?;
        }
        txn.commit().await?;
        Ok(())
    }
}

/// What the audit log keeps of a group change: its name and how many members moved.
fn summary(resource: &Map<String, Value>, added: usize, removed: usize) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        "displayName".to_owned(),
        resource.get("displayName").cloned().unwrap_or(Value::Null),
    );
    out.insert("membersAdded".to_owned(), json!(added));
    out.insert("membersRemoved".to_owned(), json!(removed));
    out
}

pub(super) fn render_group(
    record: &ScimRecord,
    members: Option<Vec<(uuid::Uuid, Value)>>,
    projection: &ScimProjection,
    base: &str,
) -> Value {
    let mut resource = record.resource.clone();
    if let Some(members) = members.filter(|members| !members.is_empty()) {
        resource.insert(
            "members".to_owned(),
            Value::Array(members.into_iter().map(|(_, entry)| entry).collect()),
        );
    }
    let full = ResourceKind::Group.render(&record.id.to_string(), &resource, &meta(record), base);
    project(
        ResourceKind::Group,
        full,
        &projection.attributes,
        &projection.excluded,
    )
}

/// Whether a filter could look at members (they are read for it only then).
pub(super) fn filter_reads_members(filter: Option<&Filter>, raw: Option<&str>) -> bool {
    filter.is_some() && raw.is_some_and(|raw| raw.to_ascii_lowercase().contains("members"))
}
