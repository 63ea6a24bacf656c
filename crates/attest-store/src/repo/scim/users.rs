//! Provisioned users.

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use serde_json::Map;

use super::{Scim, ScimKey, ScimRecord};
use crate::StoreError;
use crate::repo::raw::bind_list;

const COLUMNS: &str = "id, resource, version, created_at, updated_at";

/// A user as written: its resource and the columns lookups use.
pub struct ScimUserRow<'a> {
    pub id: uuid::Uuid,
    pub user_name: &'a str,
    pub external_id: Option<&'a str>,
    pub resource: &'a Map<String, serde_json::Value>,
}

fn taken(user_name: &str) -> String {
    format!("userName '{user_name}' is already provisioned in this trust")
}

impl<C: ConnectionTrait> Scim<'_, C> {
    pub async fn insert_user(
        &self,
        row: &ScimUserRow<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute_raw(self.statement(
                "INSERT INTO scim_users (id, trust_id, user_name, user_name_key, external_id, resource, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
                vec![
                    row.id.into(),
                    self.trust(),
                    row.user_name.into(),
                    row.user_name.to_lowercase().into(),
                    row.external_id.map(str::to_owned).into(),
                    serde_json::Value::Object(row.resource.clone()).to_string().into(),
                    at.into(),
                ],
            ))
            .await
            .map_err(StoreError::on_unique(|| taken(row.user_name)))?;
        Ok(())
    }

    /// Saves a changed user; `false` when it is gone or its version moved on since read.
    pub async fn update_user(
        &self,
        row: &ScimUserRow<'_>,
        read_version: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = self
            .conn
            .execute_raw(self.statement(
                "UPDATE scim_users SET user_name = $1, user_name_key = $2, external_id = $3, resource = $4, \
                 version = version + 1, updated_at = $5 WHERE trust_id = $6 AND id = $7 AND version = $8",
                vec![
                    row.user_name.into(),
                    row.user_name.to_lowercase().into(),
                    row.external_id.map(str::to_owned).into(),
                    serde_json::Value::Object(row.resource.clone()).to_string().into(),
                    at.into(),
                    self.trust(),
                    row.id.into(),
                    read_version.into(),
                ],
            ))
            .await
            .map_err(StoreError::on_unique(|| taken(row.user_name)))?;
        Ok(changed.rows_affected() == 1)
    }

    pub async fn user(&self, id: uuid::Uuid) -> Result<Option<ScimRecord>, StoreError> {
        Ok(self
            .records(
                &format!("SELECT {COLUMNS} FROM scim_users WHERE trust_id = $1 AND id = $2"),
                vec![self.trust(), id.into()],
            )
            .await?
            .pop())
    }

    pub async fn users_by(&self, key: ScimKey, value: &str) -> Result<Vec<ScimRecord>, StoreError> {
        let (column, value) = match key {
            ScimKey::Name => ("user_name_key", value.to_lowercase()),
            ScimKey::ExternalId => ("external_id", value.to_owned()),
        };
        self.records(
            &format!("SELECT {COLUMNS} FROM scim_users WHERE trust_id = $1 AND {column} = $2 ORDER BY created_at, id"),
            vec![self.trust(), value.into()],
        )
        .await
    }

    pub async fn users(&self) -> Result<Vec<ScimRecord>, StoreError> {
        self.records(
            &format!(
                "SELECT {COLUMNS} FROM scim_users WHERE trust_id = $1 ORDER BY created_at, id"
            ),
            vec![self.trust()],
        )
        .await
    }

    pub async fn users_by_ids(&self, ids: &[uuid::Uuid]) -> Result<Vec<ScimRecord>, StoreError> {
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut values = vec![self.trust()];
            let list = bind_list(&mut values, chunk.iter().copied());
            found.extend(
                self.records(
                    &format!(
                        "SELECT {COLUMNS} FROM scim_users WHERE trust_id = $1 AND id IN ({list})"
                    ),
                    values,
                )
                .await?,
            );
        }
        Ok(found)
    }

    /// Which of `ids` are users of this trust.
    pub async fn existing_users(&self, ids: &[uuid::Uuid]) -> Result<Vec<uuid::Uuid>, StoreError> {
        #[derive(FromQueryResult)]
        struct IdRow {
            id: uuid::Uuid,
        }
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut values = vec![self.trust()];
            let list = bind_list(&mut values, chunk.iter().copied());
            found.extend(
                IdRow::find_by_statement(self.statement(
                    &format!("SELECT id FROM scim_users WHERE trust_id = $1 AND id IN ({list})"),
                    values,
                ))
                .all(self.conn)
                .await?
                .into_iter()
                .map(|row| row.id),
            );
        }
        Ok(found)
    }

    /// Deletes a user and its group memberships; `false` when there was none.
    pub async fn delete_user(&self, id: uuid::Uuid) -> Result<bool, StoreError> {
        self.execute(
            "DELETE FROM scim_group_members WHERE trust_id = $1 AND user_id = $2",
            vec![self.trust(), id.into()],
        )
        .await?;
        Ok(self
            .execute(
                "DELETE FROM scim_users WHERE trust_id = $1 AND id = $2",
                vec![self.trust(), id.into()],
            )
            .await?
            == 1)
    }

    pub async fn count_users(&self) -> Result<u64, StoreError> {
        #[derive(FromQueryResult)]
        struct CountRow {
            count: i64,
        }
        let row = CountRow::find_by_statement(self.statement(
            "SELECT COUNT(*) AS count FROM scim_users WHERE trust_id = $1",
            vec![self.trust()],
        ))
        .one(self.conn)
        .await?;
        Ok(row.map_or(0, |row| u64::try_from(row.count).unwrap_or_default()))
    }
}
