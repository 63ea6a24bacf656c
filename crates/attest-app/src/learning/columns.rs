//! A dashboard's column per obligation: for each school, how many of its people are
//! compliant, due, overdue or exempt with each of the trust's obligations. A school's
//! adopted copy of a trust template counts in the template's column; a school's own
//! readings and courses are grouped by title (schools name a course alike), and each
//! school's own signed policies share one column.

use std::collections::BTreeMap;

use attest_domain::{ComplianceStatus, ObligationKind, PolicyId, Principal, SchoolId};
use attest_store::{Obligations, Policies};
use chrono::{DateTime, Utc};

use crate::{App, AppError, ComplianceFilter, Tally};

/// Which column a policy counts in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnKey {
    /// A trust policy, or the template a school's copy was adopted from.
    Trust(PolicyId),
    /// Schools' own readings or courses of this title.
    Titled(ObligationKind, String),
    /// The school's own signed policies.
    SchoolOwn,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationHeading {
    pub key: ColumnKey,
    pub title: String,
    pub obligation: ObligationKind,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ObligationColumns {
    pub as_of: DateTime<Utc>,
    pub headings: Vec<ObligationHeading>,
    /// Per school, a tally per heading (in the headings' order; empty where nothing is owed).
    pub schools: BTreeMap<SchoolId, Vec<Tally>>,
}

impl App {
    pub async fn compliance_by_obligation(
        &self,
        principal: &Principal,
        school: Option<SchoolId>,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ObligationColumns, AppError> {
        let filter = ComplianceFilter {
            school,
            as_of,
            ..ComplianceFilter::default()
        };
        let (query, revision) = self.compliance_query(&principal.scope(), &filter).await?;
        let scope = principal.scope();
        let counts = Obligations::new(&self.db, &scope)
            .counts_by_policy(&query, revision)
            .await?;
        let policies = Policies::new(&self.db, &scope).list(None).await?;
        let by_id: BTreeMap<PolicyId, &attest_store::Policy> =
            policies.iter().map(|policy| (policy.id, policy)).collect();
        let key_of = |policy: PolicyId| -> Option<ColumnKey> {
            let found = by_id.get(&policy)?;
            Some(match (found.school, found.template, found.obligation) {
                (None, _, _) => ColumnKey::Trust(policy),
                (Some(_), Some(template), _) => ColumnKey::Trust(template),
                (Some(_), None, ObligationKind::Sign) => ColumnKey::SchoolOwn,
                (Some(_), None, kind) => ColumnKey::Titled(kind, found.title.trim().to_lowercase()),
            })
        };
        let mut headings: Vec<ObligationHeading> = Vec::new();
        for count in &counts {
            let Some(key) = key_of(count.policy) else {
                continue;
            };
            if headings.iter().any(|heading| heading.key == key) {
                continue;
            }
            let (title, obligation) = match &key {
                ColumnKey::Trust(id) => by_id
                    .get(id)
                    .map(|policy| (policy.title.clone(), policy.obligation))
                    .unwrap_or_default(),
                ColumnKey::Titled(kind, _) => by_id
                    .get(&count.policy)
                    .map(|policy| (policy.title.clone(), *kind))
                    .unwrap_or_default(),
                ColumnKey::SchoolOwn => {
                    ("The school's own policies".to_owned(), ObligationKind::Sign)
                }
            };
            headings.push(ObligationHeading {
                key,
                title,
                obligation,
            });
        }
        headings.sort_by_key(|heading| {
            let rank = match heading.obligation {
                ObligationKind::Read => 0,
                ObligationKind::Training => 1,
                ObligationKind::Sign => 2,
            };
            (
                rank,
                heading.key == ColumnKey::SchoolOwn,
                heading.title.to_lowercase(),
            )
        });
        let mut schools: BTreeMap<SchoolId, Vec<Tally>> = BTreeMap::new();
        for count in counts {
            let Some(key) = key_of(count.policy) else {
                continue;
            };
            let Some(index) = headings.iter().position(|heading| heading.key == key) else {
                continue;
            };
            let tallies = schools
                .entry(count.school)
                .or_insert_with(|| vec![Tally::default(); headings.len()]);
            tallies[index].add_status(count.status, count.count);
        }
        Ok(ObligationColumns {
            as_of: query.as_of,
            headings,
            schools,
        })
    }
}

impl Tally {
    pub(crate) fn add_status(&mut self, status: ComplianceStatus, count: u64) {
        *self.by_status.entry(crate::status_key(status)).or_default() += count;
    }
}
