//! Users: create, read, replace, patch and delete; each write provisions the person.

use attest_domain::scim::{Meta, ResourceKind, ScimError, apply_patch, parse_patch, project};
use attest_domain::{Principal, TenantScope};
use attest_store::{Scim, ScimRecord, ScimUserRow, TransactionTrait};
use serde_json::{Map, Value};

use super::{ScimProjection, ScimWrite, admit, changed_meanwhile, not_found, parse_id, text_of};
use crate::audit::{Change, record};
use crate::{App, AppError};

pub(super) fn meta(record: &ScimRecord) -> Meta {
    Meta {
        created: record.created_at,
        last_modified: record.updated_at,
        version: record.version,
    }
}

fn row<'a>(id: uuid::Uuid, resource: &'a Map<String, Value>) -> Result<ScimUserRow<'a>, AppError> {
    let user_name = resource
        .get("userName")
        .and_then(Value::as_str)
        .ok_or_else(|| AppError::Scim(ScimError::invalid_value("userName: is required")))?;
    Ok(ScimUserRow {
        id,
        user_name,
        external_id: resource.get("externalId").and_then(Value::as_str),
        resource,
    })
}

impl App {
    pub async fn scim_create_user(
        &self,
        principal: &Principal,
        body: &Value,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        let resource = ResourceKind::User.clean(body).map_err(AppError::Scim)?;
        let id = uuid::Uuid::now_v7();
        let at = self.now();
        let txn = self.db.begin().await?;
        Scim::new(&txn, &scope)
            .insert_user(&row(id, &resource)?, at)
            .await
            .map_err(|error| match error {
                attest_store::StoreError::Conflict(message) => {
                    AppError::Scim(ScimError::uniqueness(message))
                }
                other => other.into(),
            })?;
        audit(
            &txn,
            (principal, at),
            "scim.user_created",
            id,
            None,
            Some(&resource),
        )
        .await?;
        self.provision_pushed(&txn, principal, &[id], "POST /Users")
            .await?;
        txn.commit().await?;
        self.read_user(&scope, id, &ScimProjection::default(), base)
            .await
    }

    pub async fn scim_user(
        &self,
        principal: &Principal,
        id: &str,
        projection: &ScimProjection,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        self.read_user(&scope, parse_id(id, "user")?, projection, base)
            .await
    }

    /// A user as served, read after a write without counting the request twice.
    async fn read_user(
        &self,
        scope: &TenantScope,
        id: uuid::Uuid,
        projection: &ScimProjection,
        base: &str,
    ) -> Result<Value, AppError> {
        let record = Scim::new(&self.db, scope)
            .user(id)
            .await?
            .ok_or_else(|| not_found("user", id))?;
        Ok(render(&record, projection, base))
    }

    /// PUT: the resource becomes what was sent (attributes left out are cleared).
    pub async fn scim_replace_user(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
        write: &ScimWrite<'_>,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "user")?;
        let resource = ResourceKind::User.clean(body).map_err(AppError::Scim)?;
        self.save_user(principal, &scope, id, write, "scim.user_replaced", |_| {
            Ok(resource)
        })
        .await?;
        self.read_user(&scope, id, &ScimProjection::default(), base)
            .await
    }

    pub async fn scim_patch_user(
        &self,
        principal: &Principal,
        id: &str,
        body: &Value,
        write: &ScimWrite<'_>,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "user")?;
        let operations = parse_patch(body).map_err(AppError::Scim)?;
        self.save_user(
            principal,
            &scope,
            id,
            write,
            "scim.user_patched",
            |stored| apply_patch(ResourceKind::User, stored, &operations).map_err(AppError::Scim),
        )
        .await?;
        self.read_user(&scope, id, &ScimProjection::default(), base)
            .await
    }

    async fn save_user(
        &self,
        principal: &Principal,
        scope: &attest_domain::TenantScope,
        id: uuid::Uuid,
        write: &ScimWrite<'_>,
        action: &'static str,
        change: impl FnOnce(&Map<String, Value>) -> Result<Map<String, Value>, AppError>,
    ) -> Result<(), AppError> {
        let at = self.now();
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, scope);
        let before = scim.user(id).await?.ok_or_else(|| not_found("user", id))?;
        write.check(before.version)?;
        let after = change(&before.resource)?;
        if after == before.resource {
            return Ok(());
        }
        let saved = scim
            .update_user(&row(id, &after)?, before.version, at)
            .await
            .map_err(|error| match error {
                attest_store::StoreError::Conflict(message) => {
                    AppError::Scim(ScimError::uniqueness(message))
                }
                other => other.into(),
            })?;
        if !saved {
            return Err(changed_meanwhile());
        }
        audit(
            &txn,
            (principal, at),
            action,
            id,
            Some(&before.resource),
            Some(&after),
        )
        .await?;
        let what = format!(
            "{} /Users ({})",
            if action == "scim.user_patched" {
                "PATCH"
            } else {
                "PUT"
            },
            text_of(&after, "userName").unwrap_or_default()
        );
        self.provision_pushed(&txn, principal, &[id], &what).await?;
        txn.commit().await?;
        Ok(())
    }

    /// DELETE: the resource goes; the person stays, and their memberships end.
    pub async fn scim_delete_user(
        &self,
        principal: &Principal,
        id: &str,
        write: &ScimWrite<'_>,
    ) -> Result<(), AppError> {
        let scope = admit(self, principal)?;
        let id = parse_id(id, "user")?;
        let txn = self.db.begin().await?;
        let scim = Scim::new(&txn, &scope);
        let before = scim.user(id).await?.ok_or_else(|| not_found("user", id))?;
        write.check(before.version)?;
        if !scim.delete_user(id).await? {
            return Err(not_found("user", id));
        }
        audit(
            &txn,
            (principal, self.now()),
            "scim.user_deleted",
            id,
            Some(&before.resource),
            None,
        )
        .await?;
        self.provision_pushed(&txn, principal, &[id], "DELETE /Users")
            .await?;
        txn.commit().await?;
        Ok(())
    }
}

pub(super) fn render(record: &ScimRecord, projection: &ScimProjection, base: &str) -> Value {
    let full = ResourceKind::User.render(
        &record.id.to_string(),
        &record.resource,
        &meta(record),
        base,
    );
    project(
        ResourceKind::User,
        full,
        &projection.attributes,
        &projection.excluded,
    )
}

pub(super) async fn audit(
    txn: &impl attest_store::ConnectionTrait,
    (principal, at): (&Principal, chrono::DateTime<chrono::Utc>),
    action: &'static str,
    id: uuid::Uuid,
    before: Option<&Map<String, Value>>,
    after: Option<&Map<String, Value>>,
) -> Result<(), AppError> {
    let as_value =
        |resource: Option<&Map<String, Value>>| resource.map(|r| Value::Object(r.clone()));
    let (before, after) = (as_value(before), as_value(after));
    record(
        txn,
        principal,
        at,
        Change {
            action,
            subject_type: if action.starts_with("scim.user") {
                "scim_user"
            } else {
                "scim_group"
            },
            subject_id: id,
            before: before.as_ref(),
            after: after.as_ref(),
        },
    )
    .await
}
