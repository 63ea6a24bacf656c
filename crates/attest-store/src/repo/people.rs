//! People of the scope's trust. A school-restricted scope sees only people who have
//! (or had) a membership in one of its schools.

use attest_domain::{Email, Person, PersonId, PersonName, SchoolId, TenantScope, TrustId};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SelectStatement};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Select, Set,
};

use crate::StoreError;
use crate::entities::{membership, person};

pub struct NewPerson {
    pub full_name: PersonName,
    pub email: Option<Email>,
    pub at: DateTime<Utc>,
}

pub struct People<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub use attest_domain::{PeopleFilter, PeoplePage, PersonCursor, Reach};

impl<'a, C: ConnectionTrait> People<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn memberships_query(&self) -> SelectStatement {
        let mut query = Query::select();
        query
            .column(membership::Column::PersonId)
            .from(membership::Entity)
            .and_where(membership::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(allowed) = self.scope.schools().restricted_to() {
            query.and_where(
                membership::Column::SchoolId.is_in(allowed.iter().map(SchoolId::as_uuid)),
            );
        }
        query
    }

    fn visible(&self) -> Select<person::Entity> {
        let mut query =
            person::Entity::find().filter(person::Column::TrustId.eq(self.scope.trust().as_uuid()));
        if let Some(only) = self.scope.person() {
            query = query.filter(person::Column::Id.eq(only.as_uuid()));
        }
        if self.scope.schools().restricted_to().is_some() {
            query.filter(person::Column::Id.in_subquery(self.memberships_query()))
        } else {
            query
        }
    }

    pub async fn get(&self, id: PersonId) -> Result<Person, StoreError> {
        self.visible()
            .filter(person::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("person"))
            .and_then(to_person)
    }

    /// The people in reach who have no email address (few: one indexed read).
    pub async fn without_email(&self) -> Result<std::collections::HashSet<PersonId>, StoreError> {
        let ids: Vec<uuid::Uuid> = self
            .visible()
            .filter(person::Column::Email.is_null())
            .select_only()
            .column(person::Column::Id)
            .into_tuple()
            .all(self.conn)
            .await?;
        Ok(ids.into_iter().map(PersonId::from_uuid).collect())
    }

    pub async fn by_ids(&self, ids: &[PersonId]) -> Result<Vec<Person>, StoreError> {
        let models = self
            .visible()
            .filter(person::Column::Id.is_in(ids.iter().map(PersonId::as_uuid)))
            .all(self.conn)
            .await?;
        models.into_iter().map(to_person).collect()
    }

    /// Whether a person this scope sees also reaches beyond it: an active membership
    /// (open on `today`) at a school the scope does not allow, or any role held now.
    /// A school admin may change only people for whom this is false; it answers yes or
    /// no and reveals nothing of the other schools. Always false for an unrestricted
    /// scope.
    pub async fn reaches_beyond_scope(
        &self,
        person: PersonId,
        today: NaiveDate,
    ) -> Result<Reach, StoreError> {
        let Some(allowed) = self.scope.schools().restricted_to() else {
            return Ok(Reach::default());
        };
        let trust = self.scope.trust().as_uuid();
        let elsewhere = membership::Entity::find()
            .filter(membership::Column::TrustId.eq(trust))
            .filter(membership::Column::PersonId.eq(person.as_uuid()))
            .filter(membership::Column::SchoolId.is_not_in(allowed.iter().map(SchoolId::as_uuid)))
            .filter(
                Condition::any()
                    .add(membership::Column::EndedOn.is_null())
                    .add(membership::Column::EndedOn.gt(today)),
            )
            .one(self.conn)
            .await?
            .is_some();
        let holds_role = crate::entities::role_grant::Entity::find()
            .filter(crate::entities::role_grant::Column::TrustId.eq(trust))
            .filter(crate::entities::role_grant::Column::PersonId.eq(person.as_uuid()))
            .filter(crate::entities::role_grant::Column::RevokedAt.is_null())
            .one(self.conn)
            .await?
            .is_some();
        Ok(Reach {
            works_elsewhere: elsewhere,
            holds_role,
        })
    }

    pub async fn find_by_email(&self, email: &Email) -> Result<Option<Person>, StoreError> {
        self.visible()
            .filter(person::Column::Email.eq(email.as_str()))
            .one(self.conn)
            .await?
            .map(to_person)
            .transpose()
    }

    /// One page of people, ordered by name, starting after `after`.
    pub async fn list(
        &self,
        filter: &PeopleFilter,
        first: u64,
        after: Option<&PersonCursor>,
    ) -> Result<PeoplePage, StoreError> {
        let mut query = self.visible();
        if filter.school.is_some() || filter.kind.is_some() {
            let mut members = self.memberships_query();
            if let Some(school) = filter.school {
                members.and_where(membership::Column::SchoolId.eq(school.as_uuid()));
            }
            if let Some(kind) = filter.kind {
                members.and_where(membership::Column::Kind.eq(kind.as_str()));
            }
            if let (false, Some(today)) = (filter.include_left, filter.today) {
                members.and_where(membership::Column::StartedOn.lte(today));
                members.and_where(
                    membership::Column::EndedOn
                        .is_null()
                        .or(membership::Column::EndedOn.gt(today)),
                );
            }
            query = query.filter(person::Column::Id.in_subquery(members));
        }
        if let Some(search) = filter
            .search
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            let pattern = format!("%{}%", escape_like(&search.to_lowercase()));
            query = query.filter(
                Condition::any()
                    .add(
                        Expr::expr(Func::lower(Expr::col(person::Column::FullName)))
                            .like(LikeExpr::new(pattern.clone()).escape('\\')),
                    )
                    .add(
                        Expr::expr(Func::lower(Expr::col(person::Column::Email)))
                            .like(LikeExpr::new(pattern).escape('\\')),
                    ),
            );
        }
        if let Some(cursor) = after {
            query = query.filter(
                Condition::any()
                    .add(person::Column::FullName.gt(cursor.full_name.as_str()))
                    .add(
                        Condition::all()
                            .add(person::Column::FullName.eq(cursor.full_name.as_str()))
                            .add(person::Column::Id.gt(cursor.id.as_uuid())),
                    ),
            );
        }
        let mut models = query
            .order_by_asc(person::Column::FullName)
            .order_by_asc(person::Column::Id)
            .limit(first.saturating_add(1))
            .all(self.conn)
            .await?;
        let has_next_page = models.len() as u64 > first;
        models.truncate(usize::try_from(first).unwrap_or(usize::MAX));
        Ok(PeoplePage {
            people: models
                .into_iter()
                .map(to_person)
                .collect::<Result<_, _>>()?,
            has_next_page,
        })
    }

    pub async fn insert(&self, new: NewPerson) -> Result<Person, StoreError> {
        let email = new.email.clone();
        let model = person::ActiveModel {
            id: Set(PersonId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            full_name: Set(new.full_name.to_string()),
            email: Set(new.email.as_ref().map(ToString::to_string)),
            created_at: Set(new.at),
            updated_at: Set(new.at),
        }
        .insert(self.conn)
        .await
        .map_err(StoreError::on_unique(|| email_clash(email.as_ref())))?;
        to_person(model)
    }

    pub async fn update(&self, person: &Person, at: DateTime<Utc>) -> Result<Person, StoreError> {
        let mut update = person::Entity::update_many()
            .col_expr(person::Column::FullName, person.full_name.as_str().into())
            .col_expr(
                person::Column::Email,
                person.email.as_ref().map(|e| e.to_string()).into(),
            )
            .col_expr(person::Column::UpdatedAt, at.into())
            .filter(person::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(person::Column::Id.eq(person.id.as_uuid()));
        if !self.scope.reaches_person(person.id) {
            return Err(StoreError::NotFound("person"));
        }
        if self.scope.schools().restricted_to().is_some() {
            update = update.filter(person::Column::Id.in_subquery(self.memberships_query()));
        }
        let result = update
            .exec(self.conn)
            .await
            .map_err(StoreError::on_unique(|| email_clash(person.email.as_ref())))?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("person"));
        }
        self.get(person.id).await
    }
}

fn email_clash(email: Option<&Email>) -> String {
    match email {
        Some(email) => format!("a person with email {email} already exists in this trust"),
        None => "this person clashes with one already stored".to_owned(),
    }
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

fn to_person(model: person::Model) -> Result<Person, StoreError> {
    Ok(Person {
        id: PersonId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        full_name: PersonName::parse(&model.full_name)
            .map_err(StoreError::corrupt("person name"))?,
        email: model
            .email
            .as_deref()
            .map(Email::parse)
            .transpose()
            .map_err(StoreError::corrupt("person email"))?,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::escape_like(r"100%_a\b"), r"100\%\_a\\b");
    }
}
