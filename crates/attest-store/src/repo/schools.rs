//! Schools of the scope's trust, limited to the schools the scope may see.

use attest_domain::{School, SchoolId, SchoolName, Slug, TenantScope, TrustId, Urn};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Select,
    Set,
};

use crate::StoreError;
use crate::entities::school;

pub struct NewSchool {
    pub name: SchoolName,
    pub slug: Slug,
    pub urn: Option<Urn>,
    pub at: DateTime<Utc>,
}

pub struct Schools<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> Schools<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn visible(&self) -> Select<school::Entity> {
        let query =
            school::Entity::find().filter(school::Column::TrustId.eq(self.scope.trust().as_uuid()));
        match self.scope.schools().restricted_to() {
            None => query,
            Some(allowed) => {
                query.filter(school::Column::Id.is_in(allowed.iter().map(SchoolId::as_uuid)))
            }
        }
    }

    pub async fn list(&self) -> Result<Vec<School>, StoreError> {
        let models = self
            .visible()
            .order_by_asc(school::Column::Name)
            .all(self.conn)
            .await?;
        models.into_iter().map(to_school).collect()
    }

    pub async fn get(&self, id: SchoolId) -> Result<School, StoreError> {
        self.visible()
            .filter(school::Column::Id.eq(id.as_uuid()))
            .one(self.conn)
            .await?
            .ok_or(StoreError::NotFound("school"))
            .and_then(to_school)
    }

    pub async fn by_ids(&self, ids: &[SchoolId]) -> Result<Vec<School>, StoreError> {
        let models = self
            .visible()
            .filter(school::Column::Id.is_in(ids.iter().map(SchoolId::as_uuid)))
            .all(self.conn)
            .await?;
        models.into_iter().map(to_school).collect()
    }

    pub async fn insert(&self, new: NewSchool) -> Result<School, StoreError> {
        let model = school::ActiveModel {
            id: Set(SchoolId::generate().as_uuid()),
            trust_id: Set(self.scope.trust().as_uuid()),
            name: Set(new.name.to_string()),
            slug: Set(new.slug.to_string()),
            urn: Set(new.urn.as_ref().map(ToString::to_string)),
            created_at: Set(new.at),
            updated_at: Set(new.at),
        }
        .insert(self.conn)
        .await
        .map_err(StoreError::on_unique(|| clash(&new.slug, new.urn.as_ref())))?;
        to_school(model)
    }

    /// Saves a changed school. The row must be in the scope: the filter is in the
    /// UPDATE itself, so an id from another trust changes nothing.
    pub async fn update(&self, school: &School, at: DateTime<Utc>) -> Result<School, StoreError> {
        let result = school::Entity::update_many()
            .col_expr(school::Column::Name, school.name.as_str().into())
            .col_expr(school::Column::Slug, school.slug.as_str().into())
            .col_expr(
                school::Column::Urn,
                school.urn.as_ref().map(|urn| urn.to_string()).into(),
            )
            .col_expr(school::Column::UpdatedAt, at.into())
            .filter(school::Column::TrustId.eq(self.scope.trust().as_uuid()))
            .filter(school::Column::Id.eq(school.id.as_uuid()))
            .exec(self.conn)
            .await
            .map_err(StoreError::on_unique(|| {
                clash(&school.slug, school.urn.as_ref())
            }))?;
        if result.rows_affected == 0 {
            return Err(StoreError::NotFound("school"));
        }
        self.get(school.id).await
    }
}

fn clash(slug: &Slug, urn: Option<&Urn>) -> String {
    match urn {
        Some(urn) => {
            format!("a school with slug '{slug}' or URN {urn} already exists in this trust")
        }
        None => format!("a school with slug '{slug}' already exists in this trust"),
    }
}

fn to_school(model: school::Model) -> Result<School, StoreError> {
    Ok(School {
        id: SchoolId::from_uuid(model.id),
        trust: TrustId::from_uuid(model.trust_id),
        name: SchoolName::parse(&model.name).map_err(StoreError::corrupt("school name"))?,
        slug: Slug::parse(&model.slug).map_err(StoreError::corrupt("school slug"))?,
        urn: model
            .urn
            .as_deref()
            .map(Urn::parse)
            .transpose()
            .map_err(StoreError::corrupt("school URN"))?,
        created_at: model.created_at,
        updated_at: model.updated_at,
    })
}
