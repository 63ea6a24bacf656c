//! Per-request batch loading, so a page of people with their memberships and schools
//! costs a fixed number of queries, not one per row.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use attest_app::{App, AppError};
use attest_domain::{Membership, PersonId, Principal, RoleGrant, School, SchoolId};

pub struct DirectoryLoader {
    app: App,
    principal: Principal,
}

impl DirectoryLoader {
    pub fn new(app: App, principal: Principal) -> Self {
        Self { app, principal }
    }
}

/// Memberships of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MembershipsOf(pub PersonId);

/// Versions of one policy, newest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionsOf(pub attest_domain::PolicyId);

impl Loader<VersionsOf> for DirectoryLoader {
    type Value = Vec<attest_app::PolicyVersion>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[VersionsOf],
    ) -> Result<HashMap<VersionsOf, Self::Value>, Self::Error> {
        let policies: Vec<attest_domain::PolicyId> = keys.iter().map(|key| key.0).collect();
        let versions = self
            .app
            .versions_of_policies(&self.principal, &policies)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<VersionsOf, Self::Value> = HashMap::new();
        for version in versions {
            grouped
                .entry(VersionsOf(version.policy))
                .or_default()
                .push(version);
        }
        Ok(grouped)
    }
}

/// Active role grants of one person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GrantsOf(pub PersonId);

impl Loader<SchoolId> for DirectoryLoader {
    type Value = School;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[SchoolId]) -> Result<HashMap<SchoolId, School>, Self::Error> {
        let schools = self
            .app
            .schools_by_ids(&self.principal, keys)
            .await
            .map_err(Arc::new)?;
        Ok(schools
            .into_iter()
            .map(|school| (school.id, school))
            .collect())
    }
}

impl Loader<PersonId> for DirectoryLoader {
    type Value = attest_domain::Person;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[PersonId]) -> Result<HashMap<PersonId, Self::Value>, Self::Error> {
        let people = self
            .app
            .people_by_ids(&self.principal, keys)
            .await
            .map_err(Arc::new)?;
        Ok(people
            .into_iter()
            .map(|person| (person.id, person))
            .collect())
    }
}

impl Loader<MembershipsOf> for DirectoryLoader {
    type Value = Vec<Membership>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[MembershipsOf],
    ) -> Result<HashMap<MembershipsOf, Self::Value>, Self::Error> {
        let people: Vec<PersonId> = keys.iter().map(|key| key.0).collect();
        let memberships = self
            .app
            .memberships_for_people(&self.principal, &people)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<MembershipsOf, Vec<Membership>> = HashMap::new();
        for membership in memberships {
            grouped
                .entry(MembershipsOf(membership.person))
                .or_default()
                .push(membership);
        }
        Ok(grouped)
    }
}

impl Loader<GrantsOf> for DirectoryLoader {
    type Value = Vec<RoleGrant>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[GrantsOf]) -> Result<HashMap<GrantsOf, Self::Value>, Self::Error> {
        let people: Vec<PersonId> = keys.iter().map(|key| key.0).collect();
        let grants = self
            .app
            .role_grants_for_people(&self.principal, &people)
            .await
            .map_err(Arc::new)?;
        let mut grouped: HashMap<GrantsOf, Vec<RoleGrant>> = HashMap::new();
        for grant in grants {
            grouped
                .entry(GrantsOf(grant.person))
                .or_default()
                .push(grant);
        }
        Ok(grouped)
    }
}
