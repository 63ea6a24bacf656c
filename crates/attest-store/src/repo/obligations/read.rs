//! Reading the model: a page of rows or counts, now or at a past instant. A status is
//! a comparison of the row's dates with the day asked about.

use std::collections::BTreeMap;

use attest_domain::TenantScope;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};
use uuid::Uuid;

use super::Obligations;
use crate::StoreError;
use crate::repo::compliance::{
    ComplianceCount, ComplianceCursor, ComplianceQuery, ComplianceRow, RawCount, RawRow,
    after_cursor, status_text, to_count, to_row, worst_status,
};
use crate::repo::raw::Params;

/// Which rows answer a query: the current ones, or those in force at a past instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revision {
    Current,
    AsOf,
}

/// `WHERE` for `o.`: the trust, the revision, the caller's reach and the query's
/// filters (not status), binding `$1` to the trust and the day as `{day}`.
/// `WHERE` for `o.` (the trust, the rows in force now or at the instant asked
/// about, the caller's reach and the query's filters but not status) and the day's
/// parameter.
pub(super) fn selection(
    scope: &TenantScope,
    query: &ComplianceQuery,
    revision: Option<Revision>,
    params: &mut Params,
) -> Selection {
    let trust = params.bind(scope.trust().as_uuid());
    let day = params.bind(query.as_of_day);
    let mut sql = format!("o.trust_id = {trust}");
    match revision {
        // The caller says which revisions (a chart joins several instants).
        None => {}
        Some(Revision::Current) => sql.push_str(" AND o.valid_to IS NULL"),
        Some(Revision::AsOf) => {
            let at = params.bind(query.as_of);
            sql.push_str(&format!(
                " AND o.valid_from <= {at} AND (o.valid_to IS NULL OR o.valid_to > {at})"
            ));
        }
    }
    sql.push_str(&params.school_filter(scope, "o.school_id"));
    for (column, value) in [
        ("school_id", query.school.map(|s| s.as_uuid())),
        ("person_id", scope.person().map(|p| p.as_uuid())),
        ("person_id", query.person.map(|p| p.as_uuid())),
        ("policy_id", query.policy.map(|p| p.as_uuid())),
    ] {
        if let Some(value) = value {
            sql.push_str(&format!(" AND o.{column} = {}", params.bind(value)));
        }
    }
    if let Some(kind) = query.kind {
        sql.push_str(&format!(" AND o.kind = {}", params.bind(kind.as_str())));
    }
    Selection { filter: sql, day }
}

pub(super) struct Selection {
    pub(super) filter: String,
    pub(super) day: String,
}

/// The status on `day` of an `o.` row: `attest_domain::ObligationState::status_on`.
pub(super) fn status(day: &str) -> String {
    format!(
        "CASE WHEN o.exempt_until IS NOT NULL AND o.exempt_until >= {day} THEN 'exempt' \
              WHEN o.due_on IS NULL OR o.due_on > {day} THEN 'compliant' \
              WHEN o.overdue_after < {day} THEN 'overdue' ELSE 'due' END"
    )
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// Which rows answer a question about `at`: the current ones when nothing in the
    /// trust's model has opened or closed since (they are then exactly the rows in force
    /// at `at`, and their small index is read), else the history. Two index probes.
    pub async fn revision_at(&self, at: DateTime<Utc>) -> Result<Revision, StoreError> {
        let row = self
            .conn
            .query_one_raw(self.statement(
                "SELECT (SELECT valid_from FROM obligations WHERE trust_id = $1 \
                         ORDER BY valid_from DESC LIMIT 1) AS opened, \
                        (SELECT valid_to FROM obligations WHERE trust_id = $1 \
                         AND valid_to IS NOT NULL ORDER BY valid_to DESC LIMIT 1) AS closed",
                vec![self.scope.trust().as_uuid().into()],
            ))
            .await?;
        let (opened, closed): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = match row {
            Some(row) => (row.try_get("", "opened")?, row.try_get("", "closed")?),
            None => (None, None),
        };
        let changed = opened.max(closed);
        Ok(if changed.is_none_or(|changed| changed <= at) {
            Revision::Current
        } else {
            Revision::AsOf
        })
    }
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// A page of rows ordered by person name, after `after`.
    pub async fn page(
        &self,
        query: &ComplianceQuery,
        revision: Revision,
        after: Option<&ComplianceCursor>,
        limit: u64,
    ) -> Result<Vec<ComplianceRow>, StoreError> {
        let mut params = Params(Vec::new());
        let Selection { mut filter, day } =
            selection(self.scope, query, Some(revision), &mut params);
        let status = status(&day);
        if let Some(wanted) = query.status {
            filter.push_str(&format!(
                " AND {status} = {}",
                params.bind(status_text(wanted))
            ));
        }
        let cursor = after
            .map(|cursor| after_cursor(cursor, "o", &mut params))
            .unwrap_or_default();
        let limit = params.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        // A school's rows are few: find them first, then their people. Across the
        // trust, walking people in name order finds a page soonest.
        let narrowed = query.school.is_some() || self.scope.schools().restricted_to().is_some();
        self.rows_where(
            (&status, &filter, narrowed),
            &format!(
                "{cursor} ORDER BY pe.full_name, o.person_id, o.policy_id, o.school_id LIMIT {limit}"
            ),
            params,
        )
        .await
    }

    /// Rows matching `filter` (on `o.` alone), with their status, joined to their people
    /// and policies; `then` adds conditions on those and the order. With `first`, the
    /// rows are found before their people are.
    pub(super) async fn rows_where(
        &self,
        (status, filter, first): (&str, &str, bool),
        then: &str,
        params: Params,
    ) -> Result<Vec<ComplianceRow>, StoreError> {
        let (with, status, from) = if first {
            (
                format!(
                    "WITH o AS MATERIALIZED (SELECT o.*, {status} AS status_then \
                     FROM obligations o WHERE {filter}) "
                ),
                "o.status_then".to_owned(),
                "o".to_owned(),
            )
        } else {
            (String::new(), status.to_owned(), "obligations o".to_owned())
        };
        let filter = if first { "1 = 1" } else { filter };
        let sql = format!(
            "{with}SELECT o.person_id, pe.full_name, pe.email, o.school_id, o.kind, o.policy_id,
                    p.title, p.obligation, {status} AS status, o.due_on, o.obliged_since,
                    CAST(o.current_number AS BIGINT) AS current_number, o.current_version_id,
                    CAST(o.grace_days AS BIGINT) AS grace_days, o.acceptance_id, o.signed_at,
                    o.exempt_until, o.declined_at, o.decline_reason
             FROM {from}
             JOIN people pe ON pe.trust_id = o.trust_id AND pe.id = o.person_id
             JOIN policies p ON p.trust_id = o.trust_id AND p.id = o.policy_id
             WHERE {filter}{then}"
        );
        let rows = RawRow::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?;
        rows.into_iter().map(to_row).collect()
    }

    /// Counts by school, membership kind and status; with `trust_wide`, also the
    /// trust's counts (a person owed a trust policy at two schools counted once, at
    /// their worst status), as rows whose school is `None`. One pass over an index in
    /// its own order: each status is a sum, not a grouping key.
    pub async fn counts(
        &self,
        query: &ComplianceQuery,
        revision: Revision,
        trust_wide: bool,
    ) -> Result<Vec<ComplianceCount>, StoreError> {
        let mut params = Params(Vec::new());
        let Selection { filter, day } = selection(self.scope, query, Some(revision), &mut params);
        let sql = format!(
            "SELECT o.school_id, o.kind, o.trust_kind, o.counts_for_trust, {} \
             FROM obligations o WHERE {filter} \
             GROUP BY o.school_id, o.kind, o.trust_kind, o.counts_for_trust",
            status_sums(&day)
        );
        let rows = SumRow::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?;
        let mut counts: BTreeMap<(Option<Uuid>, String, &'static str), i64> = BTreeMap::new();
        // The flag marks one row per (person, policy) among all of them: it counts the
        // trust when nothing narrows the rows read; otherwise people are grouped.
        let whole_trust = self.scope.schools().restricted_to().is_none()
            && self.scope.person().is_none()
            && query.school.is_none()
            && query.person.is_none()
            && query.kind.is_none();
        for row in &rows {
            for (status, n) in row.by_status() {
                *counts
                    .entry((Some(row.school_id), row.kind.clone(), status))
                    .or_default() += n;
                if trust_wide && whole_trust && row.counts_for_trust {
                    *counts
                        .entry((None, row.trust_kind.clone(), status))
                        .or_default() += n;
                }
            }
        }
        let mut found: Vec<ComplianceCount> = counts
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|((school_id, kind, status), n)| {
                to_count(RawCount {
                    school_id,
                    kind,
                    status: status.to_owned(),
                    n,
                })
            })
            .collect::<Result<_, _>>()?;
        if trust_wide && !whole_trust {
            found.extend(self.grouped_trust_counts(query, revision).await?);
        }
        Ok(found)
    }

    /// The trust's counts over a narrowed set of rows: each person's rows for a policy
    /// grouped, at their smallest kind and worst status.
    async fn grouped_trust_counts(
        &self,
        query: &ComplianceQuery,
        revision: Revision,
    ) -> Result<Vec<ComplianceCount>, StoreError> {
        let mut params = Params(Vec::new());
        let Selection { filter, day } = selection(self.scope, query, Some(revision), &mut params);
        let worst = worst_status(&status(&day));
        let sql = format!(
            "SELECT NULL AS school_id, kind, status, COUNT(*) AS n FROM (
                SELECT MIN(o.kind) AS kind, {worst} AS status
                FROM obligations o WHERE {filter} GROUP BY o.person_id, o.policy_id
            ) t GROUP BY kind, status"
        );
        let rows = RawCount::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?;
        rows.into_iter().map(to_count).collect()
    }
}

/// One group of the summary's pass, with its rows counted by status.
#[derive(FromQueryResult)]
struct SumRow {
    school_id: Uuid,
    kind: String,
    trust_kind: String,
    counts_for_trust: bool,
    exempt: i64,
    compliant: i64,
    due: i64,
    overdue: i64,
}

impl SumRow {
    fn by_status(&self) -> [(&'static str, i64); 4] {
        [
            ("exempt", self.exempt),
            ("compliant", self.compliant),
            ("due", self.due),
            ("overdue", self.overdue),
        ]
    }
}

/// `status` as four sums (the same conditions, in the same order).
fn status_sums(day: &str) -> String {
    let open = format!("(o.exempt_until IS NULL OR o.exempt_until < {day})");
    format!(
        "CAST(SUM(CASE WHEN o.exempt_until IS NOT NULL AND o.exempt_until >= {day} THEN 1 ELSE 0 END) AS BIGINT) AS exempt, \
         CAST(SUM(CASE WHEN {open} AND (o.due_on IS NULL OR o.due_on > {day}) THEN 1 ELSE 0 END) AS BIGINT) AS compliant, \
         CAST(SUM(CASE WHEN {open} AND o.due_on <= {day} AND o.overdue_after >= {day} THEN 1 ELSE 0 END) AS BIGINT) AS due, \
         CAST(SUM(CASE WHEN {open} AND o.due_on <= {day} AND o.overdue_after < {day} THEN 1 ELSE 0 END) AS BIGINT) AS overdue"
    )
}

impl<C: ConnectionTrait> Obligations<'_, C> {
    /// Counts by kind and status at each of `instants` (with their days in England),
    /// in one statement over the revisions: a dashboard's chart. The query's school,
    /// kind and policy filters apply; its own instant does not.
    pub async fn counts_at(
        &self,
        query: &ComplianceQuery,
        instants: &[(chrono::DateTime<chrono::Utc>, chrono::NaiveDate)],
    ) -> Result<Vec<Vec<ComplianceCount>>, StoreError> {
        if instants.is_empty() {
            return Ok(Vec::new());
        }
        let mut params = Params(Vec::new());
        // The trust and reach filters; each instant's rows are joined below.
        let Selection { filter, .. } = selection(self.scope, query, None, &mut params);
        let typed = |value: String, sql_type: &str| match self.backend() {
            sea_orm::DbBackend::Postgres => format!("CAST({value} AS {sql_type})"),
            _ => value,
        };
        let rows: Vec<String> = instants
            .iter()
            .enumerate()
            .map(|(n, (at, day))| {
                let n = params.bind(i64::try_from(n).unwrap_or_default());
                let at = typed(params.bind(*at), "timestamptz");
                let day = typed(params.bind(*day), "date");
                format!("SELECT {n} AS point, {at} AS at, {day} AS day")
            })
            .collect();
        let status = status("i.day");
        let sql = format!(
            "WITH instants AS ({})
            SELECT i.point AS point, o.kind, {status} AS status, COUNT(*) AS n
            FROM instants i JOIN obligations o
              ON o.valid_from <= i.at AND (o.valid_to IS NULL OR o.valid_to > i.at)
            WHERE {filter}
            GROUP BY i.point, o.kind, {status}",
            rows.join(" UNION ALL ")
        );
        #[derive(FromQueryResult)]
        struct PointCount {
            point: i64,
            kind: String,
            status: String,
            n: i64,
        }
        let found = PointCount::find_by_statement(self.statement(&sql, params.0))
            .all(self.conn)
            .await?;
        let mut points = vec![Vec::new(); instants.len()];
        for row in found {
            let count = to_count(RawCount {
                school_id: query.school.map(|school| school.as_uuid()),
                kind: row.kind,
                status: row.status,
                n: row.n,
            })?;
            if let Some(point) = usize::try_from(row.point)
                .ok()
                .and_then(|n| points.get_mut(n))
            {
                point.push(count);
            }
        }
        Ok(points)
    }
}
