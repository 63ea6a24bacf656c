//! Memberships of people in the scope's schools.

use attest_domain::{
    Membership, MembershipId, MembershipKind, PersonId, SchoolId, TenantScope, TrustId,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Select, Set,
};

use crate::StoreError;
use crate::entities::membership;

pub struct NewMembership {
    pub person: PersonId,
    pub school: SchoolId,
    pub kind: MembershipKind,
    pub job_title: Option<String>,
    pub started_on: NaiveDate,
    pub at: DateTime<Utc>,
}

pub struct Memberships<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Memberships<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<membership::Entity> {
        let mut query = membership::Entity::find()
            .filter(membership::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(only) = self.scope.person() {
            query = query.filter(membership::Column::PersonId.eq(only.as_uuid()));
        }
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => query
                .filter(membership::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid))),
        }
    }

    pub async fn get(&self, id: MembershipId) -> Result<Membership, StoreError> {
        self.visible()
            .filter(membership::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("membership"))
            .and_then(to_membership)
    }

    /// Every visible membership of these people, current and past, oldest first.
    pub async fn for_people(&self, people: &[PersonId]) -> Result<Vec<Membership>, StoreError> {
        let models = self
            .visible()
            .filter(membership::Column::PersonId.is_in(people.iter().map(PersonId::as_uuid)))
            .order_by_asc(membership::Column::StartedOn)
            .order_by_asc(membership::Column::Id)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_membership).collect()
    }

    /// The person's membership of this kind at this school that is open on `day`, if any.
    pub async fn open_on(
        &self,
        person: PersonId,
        school: SchoolId,
        kind: MembershipKind,
        day: NaiveDate,
    ) -> Result<Option<Membership>, StoreError> {
        self.visible()
            .filter(membership::Column::PersonId.eq(person.as_uuid()))
            .filter(membership::Column::SchoolId.eq(school.as_uuid()))
            .filter(membership::Column::Kind.eq(kind.as_str()))
            .filter(
                Condition::any()
                    .add(membership::Column::EndedOn.is_null())
                    .add(membership::Column::EndedOn.gt(day)),
            )
            .one(self.conn)
            .await?
            .map(to_membership)
            .transpose()
    }

    pub async fn insert(&self, new: NewMembership) -> Result<Membership, StoreError> {
        if !self.scope.schools().allows(new.school) || !self.scope.reaches_person(new.person) {
            return Err(StoreError::NotFound("school"));
        }
        let model = membership::ActiveModel {
            id: Set(MembershipId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            person_id: Set(new.person.as_uuid()),
            school_id: Set(new.school.as_uuid()),
            kind: Set(new.kind.as_str().to_owned()),
            job_title: Set(new.job_title),
            started_on: Set(new.started_on),
            ended_on: Set(None),
            created_at: Set(new.at),
            updated_at: Set(new.at),
        }
        .insert(self.conn)
        .await?;
        to_membership(model)
    }

    /// Ends an open membership. Ending one that has already ended is a no-op that
    /// returns NotFound, so a caller cannot move an end date by accident.
    pub async fn end(
        &self,
        id: MembershipId,
        ended_on: NaiveDate,
        at: DateTime<Utc>,
    ) -> Result<Membership, StoreError> {
        let mut update = membership::Entity::update_many()
            .col_expr(membership::Column::EndedOn, Some(ended_on).into())
            .col_expr(membership::Column::UpdatedAt, at.into())
            .filter(membership::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(membership::Column::Id.eq(id.as_uuid()))
            .filter(membership::Column::EndedOn.is_null());
        if let Some(only) = self.scope.person() {
            update = update.filter(membership::Column::PersonId.eq(only.as_uuid()));
        }
        if let Some(allowed) = self.scope.schools().restricted_to() {
            update = update
                .filter(membership::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid)));
        }
        if update.exec(self.conn).await?.rows_affected == 0 {
            return Err(StoreError::NotFound("open membership"));
        }
        self.get(id).await
    }
}

fn to_membership(model: membership::Model) -> Result<Membership, StoreError> {
    Ok(Membership {
        id: MembershipId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        person: PersonId::from_uuid(model.person_id),
        school: SchoolId::from_uuid(model.school_id),
        kind: model
            .kind
            .parse()
            .map_err(StoreError::corrupt("membership kind"))?,
        job_title: model.job_title,
        started_on: model.started_on,
        ended_on: model.ended_on,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
