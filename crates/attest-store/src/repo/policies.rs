//! Policies of the scope's trust. A school-restricted scope sees its schools' own
//! policies and the trust's policies (which apply to every school).

use attest_domain::{
    ObligationKind, PolicyId, PolicyKind, ResignSchedule, SchoolId, TenantScope, TrustId,
};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{ExprTrait, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    Set,
};

use crate::StoreError;
use crate::entities::policy;

pub struct NewPolicy {
    pub school: Option<SchoolId>,
    pub kind: PolicyKind,
    pub title: String,
    pub template: Option<PolicyId>,
    pub at: DateTime<Utc>,
}

pub struct Policies<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::Policy;

/// `policy.id IN (policies this scope can see)`, for other tables' filters.
pub(crate) fn visible_policy_ids(scope: &TenantScope) -> SelectStatement {
    let mut query = Query::select();
    query
        .column(policy::Column::Id)
        .from(policy::Entity)
        .and_where(policy::Column::TrustId.eq(scope.trust().as_uuid()));
    if let Some(allowed) = scope.schools().restricted_to() {
        if allowed.is_empty() {
            query.and_where(policy::Column::Id.is_null());
        }
        query.and_where(
            policy::Column::SchoolId
                .is_null()
                .or(policy::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
        );
    }
    query
}

impl<'a, C: ConnectionTrait> Policies<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<policy::Entity> {
        let query =
            policy::Entity::find().filter(policy::Column::TrustId.eq(self.scope.trust().as_uuid()));
        match self.scope.schools().restricted_to() {
            None => query,
            // Staff with no school role read the policies they owe through their own
            // records, never the trust's drafts and templates.
            Some(allowed) if allowed.is_empty() => query.filter(policy::Column::Id.is_null()),
            Some(allowed) => query.filter(
                policy::Column::SchoolId
                    .is_null()
                    .or(policy::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
            ),
        }
    }

    pub async fn get(&self, id: PolicyId) -> Result<Policy, StoreError> {
        self.visible()
            .filter(policy::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("policy"))
            .and_then(to_policy)
    }

    pub async fn by_ids(&self, ids: &[PolicyId]) -> Result<Vec<Policy>, StoreError> {
        let models = self
            .visible()
            .filter(policy::Column::Id.is_in(ids.iter().map(PolicyId::as_uuid)))
            .all(self.conn)
            .await?;
        models.into_iter().map(to_policy).collect()
    }

    /// Policies visible to the scope; with `school`, those that apply to that school
    /// (its own and the trust's).
    pub async fn list(&self, school: Option<SchoolId>) -> Result<Vec<Policy>, StoreError> {
        let mut query = self.visible();
        if let Some(school) = school {
            query = query.filter(
                policy::Column::SchoolId
                    .is_null()
                    .or(policy::Column::SchoolId.eq(school.as_uuid())),
            );
        }
        let models = query
            .order_by_asc(policy::Column::Title)
            .order_by_asc(policy::Column::Id)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_policy).collect()
    }

    /// The school's adopted copy of a template, if it has one.
    pub async fn adopted(
        &self,
        template: PolicyId,
        school: SchoolId,
    ) -> Result<Option<Policy>, StoreError> {
        self.visible()
            .filter(policy::Column::TemplatePolicyId.eq(template.as_uuid()))
            .filter(policy::Column::SchoolId.eq(school.as_uuid()))
            .one(self.conn)
            .await?
            .map(to_policy)
            .transpose()
    }

    pub async fn insert(&self, new: NewPolicy) -> Result<Policy, StoreError> {
        if let Some(school) = new.school
            && !self.scope.schools().allows(school)
        {
            return Err(StoreError::NotFound("school"));
        }
        let model = policy::ActiveModel {
            id: Set(PolicyId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            school_id: Set(new.school.map(|school| school.as_uuid())),
            kind: Set(new.kind.as_str().to_owned()),
            title: Set(new.title),
            template_policy_id: Set(new.template.map(|template| template.as_uuid())),
            created_at: Set(new.at),
            updated_at: Set(new.at),
            retired_at: Set(None),
            resign_schedule: Set(schedule_text(ResignSchedule::EveryMonths { months: 12 })),
            grace_days: Set(14),
            obligation: Set(ObligationKind::Sign.as_str().to_owned()),
        }
        .insert(self.conn)
        .await?;
        to_policy(model)
    }

    /// Marks the policy retired (and renames it when `title` is given).
    pub async fn update(
        &self,
        id: PolicyId,
        title: Option<&str>,
        retired_at: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<Policy, StoreError> {
        let mut update = policy::Entity::update_many()
            .col_expr(policy::Column::UpdatedAt, at.into())
            .filter(policy::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy::Column::Id.eq(id.as_uuid()))
            .filter(policy::Column::Id.in_subquery(visible_policy_ids(self.scope)));
        if let Some(title) = title {
            update = update.col_expr(policy::Column::Title, title.into());
        }
        if let Some(retired_at) = retired_at {
            update = update.col_expr(policy::Column::RetiredAt, Some(retired_at).into());
        }
        if update.exec(self.conn).await?.rows_affected == 0 {
            return Err(StoreError::NotFound("policy"));
        }
        self.get(id).await
    }

    /// Sets what each member of staff must do (only before the first publication: the
    /// caller checks).
    pub async fn set_obligation(
        &self,
        id: PolicyId,
        obligation: ObligationKind,
        at: DateTime<Utc>,
    ) -> Result<Policy, StoreError> {
        let result = policy::Entity::update_many()
            .col_expr(policy::Column::UpdatedAt, at.into())
            .col_expr(policy::Column::Obligation, obligation.as_str().into())
            .filter(policy::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy::Column::Id.eq(id.as_uuid()))
            .filter(policy::Column::Id.in_subquery(visible_policy_ids(self.scope)))
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("policy"));
        }
        self.get(id).await
    }

    /// Sets how often the policy is signed again and the grace before overdue.
    pub async fn set_signing_rules(
        &self,
        id: PolicyId,
        schedule: ResignSchedule,
        grace_days: u32,
        at: DateTime<Utc>,
    ) -> Result<Policy, StoreError> {
        let result = policy::Entity::update_many()
            .col_expr(policy::Column::UpdatedAt, at.into())
            .col_expr(
                policy::Column::ResignSchedule,
                schedule_text(schedule).into(),
            )
            .col_expr(
                policy::Column::GraceDays,
                i32::try_from(grace_days).unwrap_or(i32::MAX).into(),
            )
            .filter(policy::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(policy::Column::Id.eq(id.as_uuid()))
            .filter(policy::Column::Id.in_subquery(visible_policy_ids(self.scope)))
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("policy"));
        }
        self.get(id).await
    }
}

fn schedule_text(schedule: ResignSchedule) -> String {
    serde_json::to_string(&schedule).unwrap_or_default()
}

fn to_policy(model: policy::Model) -> Result<Policy, StoreError> {
    Ok(Policy {
        id: PolicyId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        school: model.school_id.map(SchoolId::from_uuid),
        kind: model
            .kind
            .parse()
            .map_err(StoreError::corrupt("policy kind"))?,
        title: model.title,
        template: model.template_policy_id.map(PolicyId::from_uuid),
        created_at: model.created_at,
        updated_at: model.updated_at,
        retired_at: model.retired_at,
        resign_schedule: serde_json::from_str(&model.resign_schedule).map_err(|error| {
            StoreError::Corrupt {
                what: "resign schedule",
                detail: error.to_string(),
            }
        })?,
        grace_days: u32::try_from(model.grace_days).unwrap_or_default(),
        obligation: model
            .obligation
            .parse()
            .map_err(StoreError::corrupt("obligation kind"))?,
    })
}
