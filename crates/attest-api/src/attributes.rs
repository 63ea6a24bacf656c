//! The trust's attributes, people's attributes and policies' attribute conditions.

use std::collections::BTreeMap;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use attest_domain::{DirectoryRule, PersonId, PolicyId};
use uuid::Uuid;

use crate::context::{app, principal};
use crate::error::OrGraphql;

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(remote = "attest_domain::DirectoryField")]
pub enum DirectoryField {
    JobTitle,
    Department,
}

/// Sets an attribute at each directory sync: held when the field contains any of the
/// words or phrases (case-insensitive).
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "DirectoryRuleInput")]
pub struct DirectoryRuleView {
    pub field: DirectoryField,
    pub contains_any: Vec<String>,
}

/// An attribute the trust defines to say who owes what.
#[derive(SimpleObject)]
pub struct AttributeView {
    /// Heads its column in attribute files and names it in conditions.
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub directory_rule: Option<DirectoryRuleView>,
}

impl From<attest_domain::Attribute> for AttributeView {
    fn from(attribute: attest_domain::Attribute) -> Self {
        Self {
            key: attribute.key,
            label: attribute.label,
            description: attribute.description,
            directory_rule: attribute.directory_rule.map(|rule| DirectoryRuleView {
                field: rule.field.into(),
                contains_any: rule.contains_any,
            }),
        }
    }
}

#[derive(InputObject)]
pub struct DefineAttributeInput {
    pub key: String,
    pub label: String,
    pub description: Option<String>,
    pub directory_rule: Option<DirectoryRuleView>,
}

/// An attribute held (`held: true`) or not.
#[derive(SimpleObject, InputObject)]
#[graphql(input_name = "AttributeValueInput")]
pub struct AttributeValue {
    pub key: String,
    pub held: bool,
}

#[derive(SimpleObject)]
pub struct AttributesImported {
    pub lines: u32,
    pub people_changed: u32,
    pub values_changed: u32,
}

fn values(input: Vec<AttributeValue>) -> BTreeMap<String, bool> {
    input
        .into_iter()
        .map(|value| (value.key.trim().to_lowercase(), value.held))
        .collect()
}

#[derive(Default)]
pub struct AttributesQuery;

#[Object]
impl AttributesQuery {
    /// The trust's attributes.
    async fn attributes(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AttributeView>> {
        app(ctx)?
            .attributes(principal(ctx)?)
            .await
            .map(|found| found.into_iter().map(Into::into).collect())
            .gql()
    }

    /// The attributes a person holds now.
    async fn person_attributes(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
    ) -> async_graphql::Result<Vec<String>> {
        app(ctx)?
            .person_attributes(principal(ctx)?, PersonId::from_uuid(person_id))
            .await
            .gql()
    }

    /// A policy's attribute conditions (none: everyone its audience reaches).
    async fn policy_conditions(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
    ) -> async_graphql::Result<Vec<AttributeValue>> {
        let policy = PolicyId::from_uuid(policy_id);
        let app = app(ctx)?;
        let principal = principal(ctx)?;
        app.policy(principal, policy).await.gql()?;
        let mut found = app.policy_conditions(principal, &[policy]).await.gql()?;
        Ok(found
            .remove(&policy)
            .unwrap_or_default()
            .into_iter()
            .map(|(key, held)| AttributeValue { key, held })
            .collect())
    }
}

#[derive(Default)]
pub struct AttributesMutation;

#[Object]
impl AttributesMutation {
    /// Adds an attribute to the trust, or changes its label, description and rule.
    async fn define_attribute(
        &self,
        ctx: &Context<'_>,
        input: DefineAttributeInput,
    ) -> async_graphql::Result<AttributeView> {
        let rule = input
            .directory_rule
            .map(|rule| DirectoryRule::new(rule.field.into(), rule.contains_any))
            .transpose()
            .map_err(attest_app::AppError::from)
            .gql()?;
        app(ctx)?
            .define_attribute(
                principal(ctx)?,
                &input.key,
                &input.label,
                input.description.as_deref(),
                rule,
            )
            .await
            .map(Into::into)
            .gql()
    }

    /// Sets (or clears) a person's attributes from now; answers with those they hold.
    async fn set_person_attributes(
        &self,
        ctx: &Context<'_>,
        person_id: Uuid,
        values: Vec<AttributeValue>,
    ) -> async_graphql::Result<Vec<String>> {
        app(ctx)?
            .set_person_attributes(
                principal(ctx)?,
                PersonId::from_uuid(person_id),
                self::values(values),
            )
            .await
            .gql()
    }

    /// Sets attributes for many people from a CSV: an `email` column and a yes/no
    /// column per attribute key (blank keeps what is set). Checked whole first.
    async fn import_person_attributes(
        &self,
        ctx: &Context<'_>,
        csv: String,
    ) -> async_graphql::Result<AttributesImported> {
        let imported = app(ctx)?
            .import_person_attributes(principal(ctx)?, csv.as_bytes())
            .await
            .gql()?;
        Ok(AttributesImported {
            lines: imported.lines,
            people_changed: imported.people_changed,
            values_changed: imported.values_changed,
        })
    }

    /// Sets the attributes a person must hold (or not hold) to owe the policy.
    async fn set_policy_conditions(
        &self,
        ctx: &Context<'_>,
        policy_id: Uuid,
        requires: Vec<AttributeValue>,
    ) -> async_graphql::Result<Vec<AttributeValue>> {
        app(ctx)?
            .set_policy_conditions(
                principal(ctx)?,
                PolicyId::from_uuid(policy_id),
                values(requires),
            )
            .await
            .map(|set| {
                set.into_iter()
                    .map(|(key, held)| AttributeValue { key, held })
                    .collect()
            })
            .gql()
    }
}
