//! Counts by school, policy and status: a dashboard's column per obligation.

use attest_domain::{ComplianceStatus, PolicyId, SchoolId};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use super::Obligations;
use super::read::{Revision, Selection, selection, status};
use crate::StoreError;
use crate::repo::compliance::ComplianceQuery;
use crate::repo::raw::Params;

/// How many of a school's people are in a status for one policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyCount {
    pub school: SchoolId,
    pub policy: PolicyId,
    pub status: ComplianceStatus,
    pub count: u64,
}

#[derive(FromQueryResult)]
struct Row {
    school_id: Uuid,
    policy_id: Uuid,
    status: String,
    n: i64,
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// Counts by school, policy and status, now or at the instant asked about.
    pub async fn counts_by_policy(
        &self,
        query: &ComplianceQuery,
        revision: Revision,
    ) -> Result<Vec<PolicyCount>, StoreError> {
        let mut params = Params(Vec::new());
        let Selection { filter, day } = selection(self.scope, query, Some(revision), &mut params);
        let status = status(&day);
        let sql = format!(
            "SELECT o.school_id, o.policy_id, {status} AS status, COUNT(*) AS n \
             FROM obligations o WHERE {filter} \
             GROUP BY o.school_id, o.policy_id, {status}"
        );
        Row::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?
            .into_iter()
            .map(|row| {
                Ok(PolicyCount {
                    school: SchoolId::from_uuid(row.school_id),
                    policy: PolicyId::from_uuid(row.policy_id),
                    status: crate::repo::compliance::parse_status(&row.status)?,
                    count: u64::try_from(row.n).unwrap_or_default(),
                })
            })
            .collect()
    }
}
