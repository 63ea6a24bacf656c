//! Who must sign what, and where they stand, computed over sets in one SQL statement.
//!
//! The rules are `attest_domain::standing`'s, restated in SQL: a published policy applies
//! to every active member of its school (every school, for a trust-locked policy) whose
//! membership kind is in the school's audience for it. The same statement runs on SQLite
//! and PostgreSQL; the only difference is how a number of days is added to a date.

use attest_domain::{
    AcceptanceId, ComplianceStatus, MembershipKind, PersonId, PolicyId, PolicyVersionId, SchoolId,
    TenantScope,
};
use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::{ConnectionTrait, DbBackend, FromQueryResult, Statement};

use crate::StoreError;
use crate::repo::raw::Params;

/// What to compute, and for whom.
#[derive(Debug, Clone)]
pub struct ComplianceQuery {
    /// The instant asked about: versions published, signatures given and exemptions
    /// granted after it are not counted.
    pub as_of: DateTime<Utc>,
    /// The day in England of `as_of`, which due dates are compared with.
    pub as_of_day: NaiveDate,
    pub school: Option<SchoolId>,
    pub person: Option<PersonId>,
    pub policy: Option<PolicyId>,
    pub status: Option<ComplianceStatus>,
    pub kind: Option<MembershipKind>,
}

pub use attest_domain::{ComplianceCount, ComplianceCursor, ComplianceRow};

impl ComplianceQuery {
    pub fn at(as_of: DateTime<Utc>, as_of_day: NaiveDate) -> Self {
        Self {
            as_of,
            as_of_day,
            school: None,
            person: None,
            policy: None,
            status: None,
            kind: None,
        }
    }
}

pub struct Compliance<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

pub(crate) fn status_text(status: ComplianceStatus) -> &'static str {
    match status {
        ComplianceStatus::Compliant => "compliant",
        ComplianceStatus::Due => "due",
        ComplianceStatus::Overdue => "overdue",
        ComplianceStatus::Exempt => "exempt",
    }
}

pub(crate) fn parse_status(text: &str) -> Result<ComplianceStatus, StoreError> {
    match text {
        "compliant" => Ok(ComplianceStatus::Compliant),
        "due" => Ok(ComplianceStatus::Due),
        "overdue" => Ok(ComplianceStatus::Overdue),
        "exempt" => Ok(ComplianceStatus::Exempt),
        other => Err(StoreError::Corrupt {
            what: "compliance status",
            detail: other.to_owned(),
        }),
    }
}

#[derive(Debug, FromQueryResult)]
pub(crate) struct RawRow {
    person_id: uuid::Uuid,
    full_name: String,
    email: Option<String>,
    school_id: uuid::Uuid,
    kind: String,
    policy_id: uuid::Uuid,
    title: String,
    obligation: String,
    status: String,
    due_on: Option<NaiveDate>,
    obliged_since: NaiveDate,
    current_number: i64,
    current_version_id: uuid::Uuid,
    grace_days: i64,
    acceptance_id: Option<uuid::Uuid>,
    signed_at: Option<DateTime<Utc>>,
    exempt_until: Option<NaiveDate>,
    declined_at: Option<DateTime<Utc>>,
    decline_reason: Option<String>,
}

#[derive(Debug, FromQueryResult)]
pub(crate) struct RawCount {
    pub(crate) school_id: Option<uuid::Uuid>,
    pub(crate) kind: String,
    pub(crate) status: String,
    pub(crate) n: i64,
}

impl<'a, C: ConnectionTrait> Compliance<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    /// `date + days` for this database.
    fn add_days(&self, date: &str, days: &str) -> String {
        match self.backend() {
            DbBackend::Postgres => format!("({date} + {days})"),
            _ => format!("date({date}, '+' || {days} || ' days')"),
        }
    }

    /// The common part: every (person, policy, school) owed, with its facts and status,
    /// as the CTE `graded`.
    fn graded(&self, query: &ComplianceQuery, params: &mut Params) -> String {
        let trust = params.bind(self.scope.trust().as_uuid());
        let as_of = params.bind(query.as_of);
        let day = params.bind(query.as_of_day);
        // A person's obligation dates come from all their memberships (a trust policy
        // is owed from their first school): what a scope or query narrows to is chosen
        // from the graded rows, after those dates are known.
        let mut membership_filter = String::new();
        if let Some(person) = query.person {
            membership_filter.push_str(&format!(
                " AND m.person_id = {}",
                params.bind(person.as_uuid())
            ));
        }
        let mut row_filter = params.school_filter(self.scope, "f.school_id");
        if let Some(school) = query.school {
            row_filter.push_str(&format!(
                " AND f.school_id = {}",
                params.bind(school.as_uuid())
            ));
        }
        if let Some(kind) = query.kind {
            row_filter.push_str(&format!(" AND f.kind = {}", params.bind(kind.as_str())));
        }
        let mut policy_filter = String::new();
        if let Some(policy) = query.policy {
            policy_filter.push_str(&format!(" AND p.id = {}", params.bind(policy.as_uuid())));
        }
        let overdue_from = self.add_days("f.due_on", "f.grace_days");
        format!(
            "WITH published AS (
                SELECT v.policy_id,
                       MIN(v.published_on) AS first_published_on,
                       CAST(MAX(v.number) AS BIGINT) AS current_number,
                       MAX(CASE WHEN v.resign_required THEN v.number END) AS resign_version
                FROM policy_versions v
                WHERE v.trust_id = {trust} AND v.published_at IS NOT NULL AND v.published_at <= {as_of}
                GROUP BY v.policy_id
            ),
            -- Materialised (a few hundred rows) so memberships join it by school through an
            -- index, instead of re-deriving it per membership.
            applicable AS MATERIALIZED (
                SELECT p.id AS policy_id, p.title, p.grace_days, s.id AS school_id,
                       pub.first_published_on, pub.current_number, pub.resign_version,
                       rv.published_on AS resign_since, cv.id AS current_version_id
                FROM policies p
                JOIN schools s ON s.trust_id = p.trust_id
                    AND (s.id = p.school_id OR (p.school_id IS NULL AND p.kind = 'trust_locked'))
                JOIN published pub ON pub.policy_id = p.id
                LEFT JOIN policy_versions rv ON rv.trust_id = p.trust_id AND rv.policy_id = p.id
                    AND rv.number = pub.resign_version
                JOIN policy_versions cv ON cv.trust_id = p.trust_id AND cv.policy_id = p.id
                    AND cv.number = pub.current_number
                WHERE p.trust_id = {trust} AND p.kind <> 'trust_template'
                  AND (p.retired_at IS NULL OR p.retired_at > {as_of}){policy_filter}
            ),
            owed AS (
                SELECT m.person_id, a.policy_id, m.school_id, MIN(m.kind) AS kind,
                       MIN(CASE WHEN m.started_on > a.first_published_on
                                THEN m.started_on ELSE a.first_published_on END) AS obliged_here,
                       a.title, a.grace_days, a.current_number, a.resign_version, a.resign_since,
                       a.current_version_id
                FROM memberships m
                JOIN applicable a ON a.school_id = m.school_id
                LEFT JOIN policy_school_settings st ON st.trust_id = m.trust_id
                    AND st.policy_id = a.policy_id AND st.school_id = m.school_id
                WHERE m.trust_id = {trust} AND m.started_on <= {day}
                  AND (m.ended_on IS NULL OR m.ended_on > {day})
                  -- The audience is a JSON array of kinds; empty (or no settings) means everyone.
                  AND (st.audience IS NULL OR CAST(st.audience AS TEXT) = '[]'
                       OR CAST(st.audience AS TEXT) LIKE '%\"' || m.kind || '\"%')
                  -- Every attribute condition of the policy met at the instant asked about.
                  AND NOT EXISTS (
                      SELECT 1 FROM policy_attribute_rules r
                      WHERE r.trust_id = {trust} AND r.policy_id = a.policy_id
                        AND r.held <> EXISTS (
                            SELECT 1 FROM person_attributes pa
                            WHERE pa.trust_id = {trust} AND pa.person_id = m.person_id
                              AND pa.attribute = r.attribute AND pa.held_from <= {as_of}
                              AND (pa.held_until IS NULL OR pa.held_until > {as_of}))){membership_filter}
                GROUP BY m.person_id, a.policy_id, m.school_id, a.title, a.grace_days,
                         a.current_number, a.resign_version, a.resign_since, a.current_version_id
            ),
            -- Each (person, policy): where their answers are in the chain (index lookups,
            -- not joins against derived tables) and any exemption.
            facts AS (
                SELECT o.*,
                       MIN(o.obliged_here) OVER (PARTITION BY o.person_id, o.policy_id) AS obliged_since,
                       (SELECT MAX(ac.seq) FROM acceptances ac
                        WHERE ac.trust_id = {trust} AND ac.person_id = o.person_id
                          AND ac.policy_id = o.policy_id AND ac.decision = 'accepted'
                          AND ac.signed_at <= {as_of}) AS accept_seq,
                       (SELECT MAX(ac.seq) FROM acceptances ac
                        WHERE ac.trust_id = {trust} AND ac.person_id = o.person_id
                          AND ac.policy_id = o.policy_id AND ac.decision = 'declined'
                          AND ac.signed_at <= {as_of}) AS decline_seq,
                       (SELECT MAX(e.ends_on) FROM exemptions e
                        WHERE e.trust_id = {trust} AND e.person_id = o.person_id
                          AND (e.policy_id IS NULL OR e.policy_id = o.policy_id)
                          AND e.starts_on <= {day} AND e.created_at <= {as_of}) AS exempt_until
                FROM owed o
            ),
            joined AS (
                SELECT f.*, s.id AS acceptance_id, s.signed_at, s.renew_on,
                       sv.number AS version_number,
                       d.signed_at AS declined_at, d.decline_reason
                FROM facts f
                LEFT JOIN acceptances s ON s.trust_id = {trust} AND s.seq = f.accept_seq
                LEFT JOIN policy_versions sv ON sv.trust_id = {trust} AND sv.id = s.version_id
                LEFT JOIN acceptances d ON d.trust_id = {trust} AND d.seq = f.decline_seq
            ),
            dated AS (
                SELECT j.*,
                       CASE
                         WHEN j.acceptance_id IS NOT NULL
                              AND (j.resign_version IS NULL OR j.version_number >= j.resign_version)
                           THEN j.renew_on
                         WHEN j.acceptance_id IS NOT NULL AND j.resign_since > j.obliged_since
                           THEN j.resign_since
                         ELSE j.obliged_since
                       END AS due_on
                FROM joined j
            ),
            graded AS MATERIALIZED (
                SELECT f.*,
                       CASE
                         WHEN f.exempt_until IS NOT NULL AND f.exempt_until >= {day} THEN 'exempt'
                         WHEN f.due_on IS NULL OR f.due_on > {day} THEN 'compliant'
                         WHEN {overdue_from} < {day} THEN 'overdue'
                         ELSE 'due'
                       END AS status
                FROM dated f
                WHERE 1 = 1{row_filter}
            )"
        )
    }

    /// A page of rows ordered by person name, after `after`.
    pub async fn page(
        &self,
        query: &ComplianceQuery,
        after: Option<&ComplianceCursor>,
        limit: u64,
    ) -> Result<Vec<ComplianceRow>, StoreError> {
        let mut params = Params(Vec::new());
        let graded = self.graded(query, &mut params);
        let mut filter = String::new();
        if let Some(status) = query.status {
            filter.push_str(&format!(
                " AND g.status = {}",
                params.bind(status_text(status))
            ));
        }
        if let Some(cursor) = after {
            filter.push_str(&after_cursor(cursor, "g", &mut params));
        }
        let limit = params.bind(i64::try_from(limit).unwrap_or(i64::MAX));
        let sql = format!(
            "{graded}
            SELECT g.person_id, pe.full_name, pe.email, g.school_id, g.kind, g.policy_id, g.title,
                   pp.obligation,
                   g.status, g.due_on, g.obliged_since, g.current_number, g.current_version_id,
                   CAST(g.grace_days AS BIGINT) AS grace_days,
                   g.acceptance_id, g.signed_at, g.exempt_until,
                   CASE WHEN g.decline_seq IS NOT NULL
                             AND (g.accept_seq IS NULL OR g.decline_seq > g.accept_seq)
                        THEN g.declined_at END AS declined_at,
                   CASE WHEN g.decline_seq IS NOT NULL
                             AND (g.accept_seq IS NULL OR g.decline_seq > g.accept_seq)
                        THEN g.decline_reason END AS decline_reason
            FROM graded g
            JOIN people pe ON pe.trust_id = {trust} AND pe.id = g.person_id
            JOIN policies pp ON pp.trust_id = {trust} AND pp.id = g.policy_id
            WHERE 1 = 1{filter}
            ORDER BY pe.full_name, g.person_id, g.policy_id, g.school_id
            LIMIT {limit}",
            trust = "$1",
        );
        let rows = RawRow::find_by_statement(Statement::from_sql_and_values(
            self.backend(),
            sql,
            params.0,
        ))
        .all(self.conn)
        .await?;
        rows.into_iter().map(to_row).collect()
    }

    /// Counts by school, membership kind and status; with `trust_wide`, also the
    /// trust's counts (a person owed a trust policy at two schools counted once, at
    /// their worst status), as rows whose school is `None`.
    pub async fn counts(
        &self,
        query: &ComplianceQuery,
        trust_wide: bool,
    ) -> Result<Vec<ComplianceCount>, StoreError> {
        let mut params = Params(Vec::new());
        let graded = self.graded(query, &mut params);
        let trust_rows = if trust_wide {
            format!(
                "UNION ALL
                SELECT NULL AS school_id, kind, status, COUNT(*) AS n FROM (
                    SELECT person_id, policy_id, MIN(kind) AS kind, {} AS status
                    FROM graded GROUP BY person_id, policy_id
                ) t GROUP BY kind, status",
                worst_status("status")
            )
        } else {
            String::new()
        };
        let sql = format!(
            "{graded}
            SELECT school_id, kind, status, COUNT(*) AS n FROM graded GROUP BY school_id, kind, status
            {trust_rows}"
        );
        let rows = RawCount::find_by_statement(Statement::from_sql_and_values(
            self.backend(),
            sql,
            params.0,
        ))
        .all(self.conn)
        .await?;
        rows.into_iter().map(to_count).collect()
    }
}

/// The worst of a group's statuses (overdue, due, exempt, compliant), as a status.
pub(crate) fn worst_status(status: &str) -> String {
    format!(
        "CASE MAX(CASE {status} WHEN 'overdue' THEN 3 WHEN 'due' THEN 2 WHEN 'exempt' THEN 1 \
         ELSE 0 END) WHEN 3 THEN 'overdue' WHEN 2 THEN 'due' WHEN 1 THEN 'exempt' \
         ELSE 'compliant' END"
    )
}

/// ` AND …` keeping the rows after `cursor` in the listing's order (person name, then
/// the ids), for rows aliased `table`, with people as `pe`.
pub(crate) fn after_cursor(cursor: &ComplianceCursor, table: &str, params: &mut Params) -> String {
    let name = params.bind(cursor.full_name.clone());
    let person = params.bind(cursor.person.as_uuid());
    let policy = params.bind(cursor.policy.as_uuid());
    let school = params.bind(cursor.school.as_uuid());
    let t = table;
    format!(
        " AND (pe.full_name > {name} OR (pe.full_name = {name} AND ({t}.person_id > {person} \
         OR ({t}.person_id = {person} AND ({t}.policy_id > {policy} \
         OR ({t}.policy_id = {policy} AND {t}.school_id > {school}))))))"
    )
}

pub(crate) fn to_count(row: RawCount) -> Result<ComplianceCount, StoreError> {
    Ok(ComplianceCount {
        school: row.school_id.map(SchoolId::from_uuid),
        kind: row
            .kind
            .parse()
            .map_err(StoreError::corrupt("membership kind"))?,
        status: parse_status(&row.status)?,
        count: u64::try_from(row.n).unwrap_or_default(),
    })
}

pub(crate) fn to_row(raw: RawRow) -> Result<ComplianceRow, StoreError> {
    Ok(ComplianceRow {
        person: PersonId::from_uuid(raw.person_id),
        full_name: raw.full_name,
        email: raw.email,
        school: SchoolId::from_uuid(raw.school_id),
        kind: raw
            .kind
            .parse()
            .map_err(StoreError::corrupt("membership kind"))?,
        policy: PolicyId::from_uuid(raw.policy_id),
        policy_title: raw.title,
        obligation: raw
            .obligation
            .parse()
            .map_err(StoreError::corrupt("obligation kind"))?,
        status: parse_status(&raw.status)?,
        due_on: raw.due_on,
        obliged_since: raw.obliged_since,
        current_version: u32::try_from(raw.current_number).unwrap_or_default(),
        current_version_id: PolicyVersionId::from_uuid(raw.current_version_id),
        grace_days: u32::try_from(raw.grace_days).unwrap_or_default(),
        last_acceptance: raw.acceptance_id.map(AcceptanceId::from_uuid),
        last_signed_at: raw.signed_at,
        exempt_until: raw.exempt_until,
        declined_at: raw.declined_at,
        decline_reason: raw.decline_reason,
    })
}
