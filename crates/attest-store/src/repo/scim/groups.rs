//! Provisioned groups and their members.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Value};
use serde_json::Map;

use super::{Scim, ScimKey, ScimRecord};
use crate::StoreError;
use crate::repo::raw::bind_list;

const COLUMNS: &str = "id, resource, version, created_at, updated_at";

/// A group as written (its members apart).
pub struct ScimGroupRow<'a> {
    pub id: uuid::Uuid,
    pub display_name: &'a str,
    pub external_id: Option<&'a str>,
    pub resource: &'a Map<String, serde_json::Value>,
}

#[derive(FromQueryResult)]
struct MemberRow {
    group_id: uuid::Uuid,
    user_id: uuid::Uuid,
    member: String,
}

impl<C: ConnectionTrait> Scim<'_, C> {
    pub async fn insert_group(
        &self,
        row: &ScimGroupRow<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.execute(
            "INSERT INTO scim_groups (id, trust_id, display_name, display_name_key, external_id, resource, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            vec![
                row.id.into(),
                self.trust(),
                row.display_name.into(),
                row.display_name.to_lowercase().into(),
                row.external_id.map(str::to_owned).into(),
                serde_json::Value::Object(row.resource.clone()).to_string().into(),
                at.into(),
            ],
        )
        .await?;
        Ok(())
    }

    /// Saves a changed group; `false` when it is gone or its version moved on since read.
    pub async fn update_group(
        &self,
        row: &ScimGroupRow<'_>,
        read_version: i64,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(self
            .execute(
                "UPDATE scim_groups SET display_name = $1, display_name_key = $2, external_id = $3, resource = $4, \
                 version = version + 1, updated_at = $5 WHERE trust_id = $6 AND id = $7 AND version = $8",
                vec![
                    row.display_name.into(),
                    row.display_name.to_lowercase().into(),
                    row.external_id.map(str::to_owned).into(),
                    serde_json::Value::Object(row.resource.clone()).to_string().into(),
                    at.into(),
                    self.trust(),
                    row.id.into(),
                    read_version.into(),
                ],
            )
            .await?
            == 1)
    }

    pub async fn group(&self, id: uuid::Uuid) -> Result<Option<ScimRecord>, StoreError> {
        Ok(self
            .records(
                &format!("SELECT {COLUMNS} FROM scim_groups WHERE trust_id = $1 AND id = $2"),
                vec![self.trust(), id.into()],
            )
            .await?
            .pop())
    }

    pub async fn groups_by(
        &self,
        key: ScimKey,
        value: &str,
    ) -> Result<Vec<ScimRecord>, StoreError> {
        let (column, value) = match key {
            ScimKey::Name => ("display_name_key", value.to_lowercase()),
            ScimKey::ExternalId => ("external_id", value.to_owned()),
        };
        self.records(
            &format!("SELECT {COLUMNS} FROM scim_groups WHERE trust_id = $1 AND {column} = $2 ORDER BY created_at, id"),
            vec![self.trust(), value.into()],
        )
        .await
    }

    pub async fn groups(&self) -> Result<Vec<ScimRecord>, StoreError> {
        self.records(
            &format!(
                "SELECT {COLUMNS} FROM scim_groups WHERE trust_id = $1 ORDER BY created_at, id"
            ),
            vec![self.trust()],
        )
        .await
    }

    /// Deletes a group and its memberships, returning who were members.
    pub async fn delete_group(
        &self,
        id: uuid::Uuid,
    ) -> Result<Option<Vec<uuid::Uuid>>, StoreError> {
        let members: Vec<uuid::Uuid> = self
            .members(&[id])
            .await?
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|(user, _)| user)
            .collect();
        self.execute(
            "DELETE FROM scim_group_members WHERE trust_id = $1 AND group_id = $2",
            vec![self.trust(), id.into()],
        )
        .await?;
        let deleted = self
            .execute(
                "DELETE FROM scim_groups WHERE trust_id = $1 AND id = $2",
                vec![self.trust(), id.into()],
            )
            .await?;
        Ok((deleted == 1).then_some(members))
    }

    /// Each group's members (user id and the member entry as sent), in the order added.
    pub async fn members(
        &self,
        groups: &[uuid::Uuid],
    ) -> Result<HashMap<uuid::Uuid, Vec<(uuid::Uuid, serde_json::Value)>>, StoreError> {
        let mut out: HashMap<uuid::Uuid, Vec<(uuid::Uuid, serde_json::Value)>> = HashMap::new();
        for chunk in groups.chunks(500) {
            let mut values = vec![self.trust()];
            let list = bind_list(&mut values, chunk.iter().copied());
            let rows = MemberRow::find_by_statement(self.statement(
                &format!(
                    "SELECT group_id, user_id, member FROM scim_group_members WHERE trust_id = $1 AND group_id IN ({list}) \
                     ORDER BY group_id, user_id"
                ),
                values,
            ))
            .all(self.conn)
            .await?;
            for row in rows {
                let member = serde_json::from_str(&row.member)
                    .map_err(StoreError::corrupt("SCIM member"))?;
                out.entry(row.group_id)
                    .or_default()
                    .push((row.user_id, member));
            }
        }
        Ok(out)
    }

    pub async fn add_members(
        &self,
        group: uuid::Uuid,
        members: &[(uuid::Uuid, serde_json::Value)],
    ) -> Result<(), StoreError> {
        for chunk in members.chunks(200) {
            let mut sql = String::from(
                "INSERT INTO scim_group_members (trust_id, group_id, user_id, member) VALUES ",
            );
            let mut values = Vec::with_capacity(chunk.len() * 4);
            for (index, (user, member)) in chunk.iter().enumerate() {
                if index > 0 {
                    sql.push_str(", ");
                }
                let row: [Value; 4] = [
                    self.trust(),
                    group.into(),
                    (*user).into(),
                    member.to_string().into(),
                ];
                sql.push_str(&format!("({})", bind_list(&mut values, row)));
            }
            sql.push_str(" ON CONFLICT (group_id, user_id) DO NOTHING");
            self.execute(&sql, values).await?;
        }
        Ok(())
    }

    pub async fn remove_members(
        &self,
        group: uuid::Uuid,
        users: &[uuid::Uuid],
    ) -> Result<(), StoreError> {
        for chunk in users.chunks(500) {
            let mut values = vec![self.trust(), group.into()];
            let list = bind_list(&mut values, chunk.iter().copied());
            self.execute(
                &format!(
                    "DELETE FROM scim_group_members WHERE trust_id = $1 AND group_id = $2 AND user_id IN ({list})"
                ),
                values,
            )
            .await?;
        }
        Ok(())
    }

    /// The names of the groups each of `users` is a member of.
    pub async fn group_names_of(
        &self,
        users: &[uuid::Uuid],
    ) -> Result<HashMap<uuid::Uuid, Vec<String>>, StoreError> {
        #[derive(FromQueryResult)]
        struct NameRow {
            user_id: uuid::Uuid,
            display_name: String,
        }
        let mut out: HashMap<uuid::Uuid, Vec<String>> = HashMap::new();
        let all = users.is_empty();
        let chunks: Vec<&[uuid::Uuid]> = if all {
            vec![&[]]
        } else {
            users.chunks(500).collect()
        };
        for chunk in chunks {
            let mut values = vec![self.trust()];
            let list = bind_list(&mut values, chunk.iter().copied());
            let among = if all {
                String::new()
            } else {
                format!(" AND m.user_id IN ({list})")
            };
            let rows = NameRow::find_by_statement(self.statement(
                &format!(
                    "SELECT m.user_id, g.display_name FROM scim_group_members m \
                     JOIN scim_groups g ON g.trust_id = m.trust_id AND g.id = m.group_id \
                     WHERE m.trust_id = $1{among} ORDER BY g.display_name"
                ),
                values,
            ))
            .all(self.conn)
            .await?;
            for row in rows {
                out.entry(row.user_id).or_default().push(row.display_name);
            }
        }
        Ok(out)
    }
}
