//! Schools: trust admins create them; a school admin may update their own.

use attest_domain::{Principal, School, SchoolId, SchoolName, Slug, Urn};
use attest_store::{NewSchool, Schools, TransactionTrait};

use crate::audit::{Change, record};
use crate::{App, AppError};

pub struct SchoolInput {
    pub name: String,
    /// Derived from the name when not given.
    pub slug: Option<String>,
    pub urn: Option<String>,
}

/// Fields left `None` keep their value; `urn: Some(None)` clears the URN.
#[derive(Default)]
pub struct SchoolChanges {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub urn: Option<Option<String>>,
}

impl App {
    pub async fn schools(&self, principal: &Principal) -> Result<Vec<School>, AppError> {
        Ok(Schools::new(&self.db, &principal.scope()).list().await?)
    }

    pub async fn school(&self, principal: &Principal, id: SchoolId) -> Result<School, AppError> {
        Ok(Schools::new(&self.db, &principal.scope()).get(id).await?)
    }

    pub async fn schools_by_ids(
        &self,
        principal: &Principal,
        ids: &[SchoolId],
    ) -> Result<Vec<School>, AppError> {
        Ok(Schools::new(&self.db, &principal.scope())
            .by_ids(ids)
            .await?)
    }

    pub async fn create_school(
        &self,
        principal: &Principal,
        input: SchoolInput,
    ) -> Result<School, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden("only a trust admin can create schools"));
        }
        let name = SchoolName::parse(&input.name)?;
        let slug = match input.slug {
            Some(slug) => Slug::parse(&slug)?,
            None => Slug::from_name(name.as_str())?,
        };
        let urn = input.urn.as_deref().map(Urn::parse).transpose()?;
        let at = self.now();
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let school = Schools::new(&txn, &scope)
            .insert(NewSchool {
                name,
                slug,
                urn,
                at,
            })
            .await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "school.create",
                subject_type: "school",
                subject_id: school.id.as_uuid(),
                before: None,
                after: Some(&school),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(school)
    }

    pub async fn update_school(
        &self,
        principal: &Principal,
        id: SchoolId,
        changes: SchoolChanges,
    ) -> Result<School, AppError> {
        let scope = principal.scope();
        let txn = self.db.begin().await?;
        let before = Schools::new(&txn, &scope).get(id).await?;
        if !principal.can_manage_school(id) {
            return Err(AppError::forbidden("you cannot change this school"));
        }
        let mut school = before.clone();
        if let Some(name) = changes.name {
            school.name = SchoolName::parse(&name)?;
        }
        if let Some(slug) = changes.slug {
            school.slug = Slug::parse(&slug)?;
        }
        if let Some(urn) = changes.urn {
            school.urn = urn.as_deref().map(Urn::parse).transpose()?;
        }
        let at = self.now();
        let school = Schools::new(&txn, &scope).update(&school, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "school.update",
                subject_type: "school",
                subject_id: id.as_uuid(),
                before: Some(&before),
                after: Some(&school),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(school)
    }
}
