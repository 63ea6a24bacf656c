//! Exemptions from signing (e.g. long-term leave), each with a reason and an end date.

use attest_domain::{ExemptionId, PersonId, PolicyId, TenantScope, TrustId};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::ExprTrait;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
};

use crate::StoreError;
use crate::entities::exemption;

pub struct NewExemption {
    pub person: PersonId,
    pub policy: Option<PolicyId>,
    pub reason: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub granted_by_kind: &'static str,
    pub granted_by: Option<uuid::Uuid>,
    pub at: DateTime<Utc>,
}

pub struct Exemptions<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::Exemption;

impl<'a, C: ConnectionTrait> Exemptions<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    /// The caller checks the person is within the scope's schools.
    pub async fn insert(&self, new: NewExemption) -> Result<Exemption, StoreError> {
        let model = exemption::ActiveModel {
            id: Set(ExemptionId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            person_id: Set(new.person.as_uuid()),
            policy_id: Set(new.policy.map(|policy| policy.as_uuid())),
            reason: Set(new.reason),
            starts_on: Set(new.starts_on),
            ends_on: Set(new.ends_on),
            granted_by_kind: Set(new.granted_by_kind.to_owned()),
            granted_by: Set(new.granted_by),
            created_at: Set(new.at),
        }
        .insert(self.conn)
        .await?;
        Ok(to_exemption(model))
    }

    pub async fn for_person(&self, person: PersonId) -> Result<Vec<Exemption>, StoreError> {
        let mut query = exemption::Entity::find()
            .filter(exemption::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(exemption::Column::PersonId.eq(person.as_uuid()));
        if self.scope.schools().restricted_to().is_some() {
            // A school admin sees exemptions from every policy and from the policies
            // their schools have, never those of another school's own policies.
            query = query.filter(
                exemption::Column::PolicyId
                    .is_null()
                    .or(exemption::Column::PolicyId
                        .in_subquery(super::policies::visible_policy_ids(self.scope))),
            );
        }
        let models = query
            .order_by_asc(exemption::Column::StartsOn)
            .all(self.conn)
            .await?;
        Ok(models.into_iter().map(to_exemption).collect())
    }
}

fn to_exemption(model: exemption::Model) -> Exemption {
    Exemption {
        id: ExemptionId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        person: PersonId::from_uuid(model.person_id),
        policy: model.policy_id.map(PolicyId::from_uuid),
        reason: model.reason,
        starts_on: model.starts_on,
        ends_on: model.ends_on,
        granted_by_kind: model.granted_by_kind,
        granted_by: model.granted_by,
        created_at: model.created_at,
    }
}
