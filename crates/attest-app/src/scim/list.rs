//! Listing and searching (GET with `filter`, POST `/.search`): an equality on an indexed
//! attribute (`userName`, `externalId`, `id`, a group's `displayName`) is looked up,
//! anything else is filtered over the trust's resources; pages by `startIndex`/`count`.

use std::collections::HashMap;

use attest_domain::Principal;
use attest_domain::scim::{Filter, LIST_SCHEMA, ResourceKind};
use attest_store::{Scim, ScimKey, ScimRecord};
use serde_json::{Value, json};

use super::groups::{filter_reads_members, render_group};
use super::users::render;
use super::{ScimProjection, admit};
use crate::{App, AppError};

/// Most resources one page returns, and the page when none is asked for.
pub const MAX_RESULTS: usize = 1000;
pub const DEFAULT_COUNT: usize = 100;

#[derive(Debug, Clone, Default)]
pub struct ScimListQuery {
    pub filter: Option<String>,
    /// 1-based; below 1 counts as 1.
    pub start_index: Option<i64>,
    pub count: Option<i64>,
    pub projection: ScimProjection,
}

async fn candidates(
    scim: &Scim<'_, impl attest_store::ConnectionTrait>,
    kind: ResourceKind,
    filter: Option<&Filter>,
) -> Result<Vec<ScimRecord>, AppError> {
    let (name, lookup_name) = match kind {
        ResourceKind::User => ("userName", ScimKey::Name),
        ResourceKind::Group => ("displayName", ScimKey::Name),
    };
    let by = |key: ScimKey, value: String| async move {
        match kind {
            ResourceKind::User => scim.users_by(key, &value).await,
            ResourceKind::Group => scim.groups_by(key, &value).await,
        }
    };
    if let Some(filter) = filter {
        if let Some(value) = filter.equality_on(name) {
            return Ok(by(lookup_name, value.to_owned()).await?);
        }
        if let Some(value) = filter.equality_on("externalId") {
            return Ok(by(ScimKey::ExternalId, value.to_owned()).await?);
        }
        if let Some(value) = filter.equality_on("id") {
            let Ok(id) = uuid::Uuid::parse_str(value) else {
                return Ok(Vec::new());
            };
            let found = match kind {
                ResourceKind::User => scim.user(id).await?,
                ResourceKind::Group => scim.group(id).await?,
            };
            return Ok(found.into_iter().collect());
        }
    }
    Ok(match kind {
        ResourceKind::User => scim.users().await?,
        ResourceKind::Group => scim.groups().await?,
    })
}

impl App {
    /// `kinds`: the resource types searched (both at the root's `/.search`).
    pub async fn scim_list(
        &self,
        principal: &Principal,
        kinds: &[ResourceKind],
        query: &ScimListQuery,
        base: &str,
    ) -> Result<Value, AppError> {
        let scope = admit(self, principal)?;
        let filter = query
            .filter
            .as_deref()
            .filter(|raw| !raw.trim().is_empty())
            .map(Filter::parse)
            .transpose()
            .map_err(AppError::Scim)?;
        let scim = Scim::new(&self.db, &scope);
        let mut matched = Vec::new();
        for kind in kinds {
            let records = candidates(&scim, *kind, filter.as_ref()).await?;
            let mut members = HashMap::new();
            if *kind == ResourceKind::Group
                && (query.projection.wants("members")
                    || filter_reads_members(filter.as_ref(), query.filter.as_deref()))
            {
                let ids: Vec<uuid::Uuid> = records.iter().map(|record| record.id).collect();
                members = scim.members(&ids).await?;
            }
            for record in records {
                let full = ScimProjection::default();
                let served = match kind {
                    ResourceKind::User => render(&record, &full, base),
                    ResourceKind::Group => {
                        render_group(&record, members.remove(&record.id), &full, base)
                    }
                };
                if filter
                    .as_ref()
                    .is_none_or(|filter| filter.matches(*kind, &served))
                {
                    matched.push((*kind, served));
                }
            }
        }
        let total = matched.len();
        let start = usize::try_from(query.start_index.unwrap_or(1).max(1)).unwrap_or(1);
        let count = usize::try_from(query.count.unwrap_or(DEFAULT_COUNT as i64).max(0))
            .unwrap_or(DEFAULT_COUNT)
            .min(MAX_RESULTS);
        let page: Vec<Value> = matched
            .into_iter()
            .skip(start - 1)
            .take(count)
            .map(|(kind, served)| {
                attest_domain::scim::project(
                    kind,
                    served,
                    &query.projection.attributes,
                    &query.projection.excluded,
                )
            })
            .collect();
        Ok(json!({
            "schemas": [LIST_SCHEMA],
            "totalResults": total,
            "startIndex": start,
            "itemsPerPage": page.len(),
            "Resources": page,
        }))
    }
}
