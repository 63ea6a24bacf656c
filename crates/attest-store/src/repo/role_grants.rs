//! Roles granted to people. Grants are revoked, never deleted, so who could do what,
//! and when, stays answerable.

use attest_domain::{
    PersonId, RoleAssignment, RoleGrant, RoleGrantId, SchoolId, TenantScope, TrustId,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    Set,
};

use super::stored_assignment;
use crate::StoreError;
use crate::entities::role_grant;

pub struct NewRoleGrant {
    pub person: PersonId,
    pub assignment: RoleAssignment,
    pub at: DateTime<Utc>,
}

pub struct RoleGrants<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> RoleGrants<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<role_grant::Entity> {
        let query = role_grant::Entity::find()
            .filter(role_grant::Column::TrustId.eq(self.scope.trust().as_uuid()));
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => query
                .filter(role_grant::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
        }
    }

    pub async fn get(&self, id: RoleGrantId) -> Result<RoleGrant, StoreError> {
        self.visible()
            .filter(role_grant::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("role grant"))
            .and_then(to_grant)
    }

    /// Grants currently in force for these people.
    pub async fn active_for_people(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<RoleGrant>, StoreError> {
        let models = self
            .visible()
            .filter(role_grant::Column::PersonId.is_in(people.iter().map(PersonId::as_uuid)))
            .filter(role_grant::Column::RevokedAt.is_null())
            .order_by_asc(role_grant::Column::GrantedAt)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_grant).collect()
    }

    /// Grants of `role` in force at `school` (or trust-wide when `None`).
    pub async fn active_with_role(
        &self,
        role: attest_domain::Role,
        school: Option<attest_domain::SchoolId>,
    ) -> Result<Vec<RoleGrant>, StoreError> {
        let mut query = self
            .visible()
            .filter(role_grant::Column::Role.eq(role.as_str()))
            .filter(role_grant::Column::RevokedAt.is_null());
        query = match school {
            Some(school) => query.filter(role_grant::Column::SchoolId.eq(school.as_uuid())),
            None => query.filter(role_grant::Column::SchoolId.is_null()),
        };
        let models = query.all(self.conn).await?;
        models.into_iter().map(to_grant).collect()
    }

    /// Every school's live grants of `role` (the scope's schools), read together.
    pub async fn active_at_schools(
        &self,
        role: attest_domain::Role,
    ) -> Result<Vec<RoleGrant>, StoreError> {
        let models = self
            .visible()
            .filter(role_grant::Column::Role.eq(role.as_str()))
            .filter(role_grant::Column::RevokedAt.is_null())
            .filter(role_grant::Column::SchoolId.is_not_null())
            .all(self.conn)
            .await?;
        models.into_iter().map(to_grant).collect()
    }

    pub async fn insert(&self, new: NewRoleGrant) -> Result<RoleGrant, StoreError> {
        if let Some(school) = new.assignment.school()
            && !self.scope.schools().allows(school)
        {
            return Err(StoreError::NotFound("school"));
        }
        let model = role_grant::ActiveModel {
            id: Set(RoleGrantId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            person_id: Set(new.person.as_uuid()),
            role: Set(new.assignment.role().as_str().to_owned()),
            school_id: Set(new.assignment.school().map(|school| school.as_uuid())),
            granted_at: Set(new.at),
            revoked_at: Set(None),
        }
        .insert(self.conn)
        .await?;
        to_grant(model)
    }

    pub async fn revoke(
        &self,
        id: RoleGrantId,
        at: DateTime<Utc>,
    ) -> Result<RoleGrant, StoreError> {
        let result = role_grant::Entity::update_many()
            .col_expr(role_grant::Column::RevokedAt, Some(at).into())
            .filter(role_grant::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(role_grant::Column::Id.eq(id.as_uuid()))
            .filter(role_grant::Column::RevokedAt.is_null())
            .exec(self.conn)
            .await?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("active role grant"));
        }
        self.get(id).await
    }
}

fn to_grant(model: role_grant::Model) -> Result<RoleGrant, StoreError> {
    Ok(RoleGrant {
        id: RoleGrantId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        person: PersonId::from_uuid(model.person_id),
        assignment: stored_assignment(&model.role, model.school_id)?,
        granted_at: model.granted_at,
        revoked_at: model.revoked_at,
    })
}
