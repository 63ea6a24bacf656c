//! What a reminder tick reads: the rows owing an answer now, with or without names.

use attest_domain::{Owing, PersonId, PolicyId, PolicyVersionId, SchoolId, TenantScope};
use chrono::NaiveDate;
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use super::Obligations;
use super::read::{Revision, Selection, selection, status};
use crate::StoreError;
use crate::repo::compliance::{ComplianceQuery, ComplianceRow};
use crate::repo::raw::Params;

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// Every row owing a signature now (due or overdue), in no order: what a reminder
    /// tick works through.
    pub async fn owing(&self, query: &ComplianceQuery) -> Result<Vec<ComplianceRow>, StoreError> {
        let mut params = Params(Vec::new());
        let Selection { filter, day } = owing_now(self.scope, query, &mut params);
        self.rows_where((&status(&day), &filter, false), "", params)
            .await
    }

    /// What `owing` finds, without names or titles: what a tick decides on (a repeat
    /// tick usually finds that nobody needs an email, and reads no names at all).
    pub async fn owing_keys(&self, query: &ComplianceQuery) -> Result<Vec<Owing>, StoreError> {
        #[derive(FromQueryResult)]
        struct OwingRow {
            person_id: Uuid,
            school_id: Uuid,
            policy_id: Uuid,
            current_version_id: Uuid,
            due_on: NaiveDate,
            grace_days: i64,
        }
        let mut params = Params(Vec::new());
        let Selection { filter, .. } = owing_now(self.scope, query, &mut params);
        let sql = format!(
            "SELECT o.person_id, o.school_id, o.policy_id, o.current_version_id, o.due_on, \
             CAST(o.grace_days AS BIGINT) AS grace_days FROM obligations o WHERE {filter}"
        );
        let rows = OwingRow::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| Owing {
                person: PersonId::from_uuid(row.person_id),
                school: SchoolId::from_uuid(row.school_id),
                policy: PolicyId::from_uuid(row.policy_id),
                current_version_id: PolicyVersionId::from_uuid(row.current_version_id),
                due_on: row.due_on,
                grace_days: u32::try_from(row.grace_days).unwrap_or_default(),
            })
            .collect())
    }
}

/// The current rows `query` selects that owe an answer on its day: due, and not exempt.
fn owing_now(scope: &TenantScope, query: &ComplianceQuery, params: &mut Params) -> Selection {
    let Selection { mut filter, day } = selection(scope, query, Some(Revision::Current), params);
    filter.push_str(&format!(
        " AND o.due_on <= {day} AND (o.exempt_until IS NULL OR o.exempt_until < {day})"
    ));
    Selection { filter, day }
}
