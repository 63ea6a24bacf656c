//! A trust's attributes, the spans each person held them, and the conditions policies
//! put on them. A person's attribute is never overwritten: setting it closes the open
//! span or opens a new one, so a past instant's obligations can be recomputed.

use std::collections::BTreeMap;

use attest_domain::{Attribute, PersonId, PolicyId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::raw::Raw;
use crate::StoreError;
use crate::repo::raw::bind_list;

pub struct Attributes<'a, C> {
    raw: Raw<'a, C>,
}

#[derive(FromQueryResult)]
struct AttributeRecord {
    key: String,
    label: String,
    description: Option<String>,
    directory_rule: Option<String>,
}

#[derive(FromQueryResult)]
struct HeldRow {
    person_id: uuid::Uuid,
    attribute: String,
}

#[derive(FromQueryResult)]
struct RuleRecord {
    policy_id: uuid::Uuid,
    attribute: String,
    held: bool,
}

/// Where a person's attribute came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeSource {
    Hand,
    File,
    Directory,
}

impl AttributeSource {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Hand => "hand",
            Self::File => "file",
            Self::Directory => "directory",
        }
    }
}

impl<'a, C: ConnectionTrait> Attributes<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// Adds the attribute, or changes its label, description and rule.
    pub async fn save(&self, attribute: &Attribute, at: DateTime<Utc>) -> Result<(), StoreError> {
        let rule = attribute
            .directory_rule
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(StoreError::corrupt("directory rule"))?;
        let changed = self.raw
            .execute(
                "UPDATE trust_attributes SET label = $1, description = $2, directory_rule = $3, updated_at = $4 \
                 WHERE trust_id = $5 AND key = $6",
                vec![
                    attribute.label.clone().into(),
                    attribute.description.clone().into(),
                    rule.clone().into(),
                    at.into(),
                    self.raw.trust(),
                    attribute.key.clone().into(),
                ],
            )
            .await?;
        if changed == 0 {
            self.raw.execute(
                "INSERT INTO trust_attributes (trust_id, key, label, description, directory_rule, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6)",
                vec![
                    self.raw.trust(),
                    attribute.key.clone().into(),
                    attribute.label.clone().into(),
                    attribute.description.clone().into(),
                    rule.into(),
                    at.into(),
                ],
            )
            .await?;
        }
        Ok(())
    }

    pub async fn list(&self) -> Result<Vec<Attribute>, StoreError> {
        AttributeRecord::find_by_statement(self.raw.statement(
            "SELECT key, label, description, directory_rule FROM trust_attributes WHERE trust_id = $1 ORDER BY key",
            vec![self.raw.trust()],
        ))
        .all(self.raw.conn)
        .await?
        .into_iter()
        .map(|row| {
            Ok(Attribute {
                key: row.key,
                label: row.label,
                description: row.description,
                directory_rule: row
                    .directory_rule
                    .map(|rule| serde_json::from_str(&rule))
                    .transpose()
                    .map_err(StoreError::corrupt("directory rule"))?,
            })
        })
        .collect()
    }

    /// Sets whether `person` holds `key` from `at`; `false` when it already was so.
    pub async fn set(
        &self,
        person: PersonId,
        key: &str,
        held: bool,
        source: AttributeSource,
        by: Option<uuid::Uuid>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        if held {
            // Opens a span only where none is open: one statement, and two writers at
            // once cannot open two.
            let opened = self.raw.execute(
                "INSERT INTO person_attributes (id, trust_id, person_id, attribute, source, held_from, set_by) \
                 SELECT $1, $2, $3, $4, $5, $6, $7 WHERE NOT EXISTS (\
                 SELECT 1 FROM person_attributes WHERE trust_id = $2 AND person_id = $3 \
                 AND attribute = $4 AND held_until IS NULL)",
                vec![
                    uuid::Uuid::new_v4().into(),
                    self.raw.trust(),
                    person.as_uuid().into(),
                    key.into(),
                    source.as_str().into(),
                    at.into(),
                    by.into(),
                ],
            )
            .await?;
            Ok(opened > 0)
        } else {
            let closed = self.raw
                .execute(
                    "UPDATE person_attributes SET held_until = $1 WHERE trust_id = $2 AND person_id = $3 \
                     AND attribute = $4 AND held_until IS NULL",
                    vec![at.into(), self.raw.trust(), person.as_uuid().into(), key.into()],
                )
                .await?;
            Ok(closed > 0)
        }
    }

    /// The attributes each of `people` holds now.
    pub async fn held_by(
        &self,
        people: &[PersonId],
    ) -> Result<BTreeMap<PersonId, Vec<String>>, StoreError> {
        let mut held: BTreeMap<PersonId, Vec<String>> = BTreeMap::new();
        for chunk in people.chunks(500) {
            let mut values = vec![self.raw.trust()];
            let marks = bind_list(&mut values, chunk.iter().map(|person| person.as_uuid()));
            let rows = HeldRow::find_by_statement(self.raw.statement(
                &format!(
                    "SELECT person_id, attribute FROM person_attributes WHERE trust_id = $1 \
                     AND held_until IS NULL AND person_id IN ({marks}) ORDER BY attribute"
                ),
                values,
            ))
            .all(self.raw.conn)
            .await?;
            for row in rows {
                held.entry(PersonId::from_uuid(row.person_id))
                    .or_default()
                    .push(row.attribute);
            }
        }
        Ok(held)
    }

    /// Replaces `policy`'s attribute conditions.
    pub async fn set_rules(
        &self,
        policy: PolicyId,
        rules: &[(String, bool)],
    ) -> Result<(), StoreError> {
        self.raw
            .execute(
                "DELETE FROM policy_attribute_rules WHERE trust_id = $1 AND policy_id = $2",
                vec![self.raw.trust(), policy.as_uuid().into()],
            )
            .await?;
        for (key, held) in rules {
            self.raw.execute(
                "INSERT INTO policy_attribute_rules (trust_id, policy_id, attribute, held) VALUES ($1, $2, $3, $4)",
                vec![self.raw.trust(), policy.as_uuid().into(), key.clone().into(), (*held).into()],
            )
            .await?;
        }
        Ok(())
    }

    /// The conditions of each of `policies` (all the trust's with an empty list).
    pub async fn rules(
        &self,
        policies: &[PolicyId],
    ) -> Result<BTreeMap<PolicyId, Vec<(String, bool)>>, StoreError> {
        let mut values = vec![self.raw.trust()];
        let mut filter = String::new();
        if !policies.is_empty() {
            let marks = bind_list(&mut values, policies.iter().map(|policy| policy.as_uuid()));
            filter = format!(" AND policy_id IN ({marks})");
        }
        let rows = RuleRecord::find_by_statement(self.raw.statement(
            &format!(
                "SELECT policy_id, attribute, held FROM policy_attribute_rules WHERE trust_id = $1{filter} ORDER BY attribute"
            ),
            values,
        ))
        .all(self.raw.conn)
        .await?;
        let mut rules: BTreeMap<PolicyId, Vec<(String, bool)>> = BTreeMap::new();
        for row in rows {
            rules
                .entry(PolicyId::from_uuid(row.policy_id))
                .or_default()
                .push((row.attribute, row.held));
        }
        Ok(rules)
    }
}
