//! Each school's settings for a policy: its values for the placeholders.

use attest_domain::{PolicyId, SchoolId, TenantScope};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Select, Set};
use serde::Serialize;

use crate::StoreError;
use crate::entities::policy_school_setting as setting;

pub struct PolicySettings<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::SchoolPolicySettings;

impl<'a, C: ConnectionTrait> PolicySettings<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<setting::Entity> {
        let query = setting::Entity::find()
            .filter(setting::Column::TrustId.eq(self.scope.trust().as_uuid()));
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => {
                query.filter(setting::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid)))
            }
        }
    }

    /// The school's settings; empty when it has none yet.
    pub async fn get(
        &self,
        policy: PolicyId,
        school: SchoolId,
    ) -> Result<SchoolPolicySettings, StoreError> {
        let model = self
            .visible()
            .filter(setting::Column::PolicyId.eq(policy.as_uuid()))
            .filter(setting::Column::SchoolId.eq(school.as_uuid()))
            .one(self.conn)
            .await?;
        match model {
            Some(model) => to_settings(model),
            None => Ok(SchoolPolicySettings {
                policy: Some(policy),
                school: Some(school),
                ..SchoolPolicySettings::default()
            }),
        }
    }

    /// Every school's settings for the policy that the scope can see.
    pub async fn for_policy(
        &self,
        policy: PolicyId,
    ) -> Result<Vec<SchoolPolicySettings>, StoreError> {
        let models = self
            .visible()
            .filter(setting::Column::PolicyId.eq(policy.as_uuid()))
            .all(self.conn)
            .await?;
        models.into_iter().map(to_settings).collect()
    }

    pub async fn save(
        &self,
        settings: &SchoolPolicySettings,
        at: DateTime<Utc>,
    ) -> Result<SchoolPolicySettings, StoreError> {
        let (Some(policy), Some(school)) = (settings.policy, settings.school) else {
            return Err(StoreError::NotFound("policy settings"));
        };
        if !self.scope.schools().allows(school) {
            return Err(StoreError::NotFound("school"));
        }
        let variables = encode(&settings.variables, "variables")?;
        let audience = encode(&settings.audience, "audience")?;
        let adaptations = encode(&settings.adaptations, "adaptations")?;
        let model = setting::ActiveModel {
            trust_id: Set(self.scope.trust().as_uuid()),
            policy_id: Set(policy.as_uuid()),
            school_id: Set(school.as_uuid()),
            variables: Set(variables),
            audience: Set(audience),
            adaptations: Set(adaptations),
            updated_at: Set(at),
        };
        setting::Entity::insert(model)
            .on_conflict(
                OnConflict::columns([
                    setting::Column::TrustId,
                    setting::Column::PolicyId,
                    setting::Column::SchoolId,
                ])
                .update_columns([
                    setting::Column::Variables,
                    setting::Column::Audience,
                    setting::Column::Adaptations,
                    setting::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec(self.conn)
            .await?;
        self.get(policy, school).await
    }
}

fn encode<T: Serialize>(value: &T, what: &'static str) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(value).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

fn decode<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
    what: &'static str,
) -> Result<T, StoreError> {
    serde_json::from_value(value).map_err(|e| StoreError::Corrupt {
        what,
        detail: e.to_string(),
    })
}

fn to_settings(model: setting::Model) -> Result<SchoolPolicySettings, StoreError> {
    Ok(SchoolPolicySettings {
        policy: Some(PolicyId::from_uuid(model.policy_id)),
        school: Some(SchoolId::from_uuid(model.school_id)),
        variables: decode(model.variables, "variables")?,
        audience: decode(model.audience, "audience")?,
        adaptations: decode(model.adaptations, "adaptations")?,
        updated_at: Some(model.updated_at),
    })
}
