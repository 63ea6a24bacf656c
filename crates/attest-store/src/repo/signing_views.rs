//! Signing views (a person opened a version's text: when, and whether they reached its
//! end) and each trust's reading rule for the sign button.

use attest_domain::{PersonId, PolicyVersionId, ReadingRule, SchoolId, TenantScope, ViewEvidence};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult, Statement, Value};

use crate::StoreError;

/// A view as stored.
#[derive(Debug, Clone, PartialEq, Eq, FromQueryResult)]
pub struct StoredView {
    pub id: uuid::Uuid,
    pub person_id: uuid::Uuid,
    pub version_id: uuid::Uuid,
    pub school_id: uuid::Uuid,
    pub opened_at: DateTime<Utc>,
    pub reached_end_at: Option<DateTime<Utc>>,
    /// The browser had scripts off: it loads lazy images at once, so the end marker
    /// says nothing (the `<noscript>` marker says so).
    pub scripts_off_at: Option<DateTime<Utc>>,
}

impl StoredView {
    /// The evidence this view gives for an answer at `at`.
    pub fn evidence(&self, at: DateTime<Utc>) -> ViewEvidence {
        ViewEvidence {
            view: self.id,
            opened_at: self.opened_at,
            seconds_open: (at - self.opened_at).num_seconds().max(0),
            reached_end: self.scripts_off_at.is_none()
                && self.reached_end_at.is_some_and(|end| end <= at),
            scripts_off: self.scripts_off_at.is_some(),
        }
    }
}

pub struct SigningViews<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> SigningViews<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    fn statement(&self, sql: &str, values: Vec<Value>) -> Statement {
        Statement::from_sql_and_values(self.conn.get_database_backend(), sql, values)
    }

    /// Records that `person` opened `version` (as `school`'s copy) at `at`.
    pub async fn open(
        &self,
        id: uuid::Uuid,
        (person, version, school): (PersonId, PolicyVersionId, SchoolId),
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if !self.scope.reaches_person(person) || !self.scope.schools().allows(school) {
            return Err(StoreError::NotFound("person"));
        }
        self.conn
            .execute_raw(self.statement(
                "INSERT INTO signing_views (id, trust_id, person_id, version_id, school_id, opened_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                vec![
                    id.into(),
                    self.scope.trust().as_uuid().into(),
                    person.as_uuid().into(),
                    version.as_uuid().into(),
                    school.as_uuid().into(),
                    at.into(),
                ],
            ))
            .await?;
        Ok(())
    }

    /// The view, if it is this trust's and the scope reaches its person.
    pub async fn get(&self, id: uuid::Uuid) -> Result<Option<StoredView>, StoreError> {
        let found = StoredView::find_by_statement(self.statement(
            "SELECT id, person_id, version_id, school_id, opened_at, reached_end_at, scripts_off_at \
             FROM signing_views WHERE trust_id = $1 AND id = $2",
            vec![self.scope.trust().as_uuid().into(), id.into()],
        ))
        .one(self.conn)
        .await?;
        Ok(found.filter(|view| {
            self.scope
                .reaches_person(PersonId::from_uuid(view.person_id))
        }))
    }
}

/// A trust's reading rule (none until set).
pub struct TrustSigningSettings<'a, C> {
    conn: &'a C,
    scope: &'a TenantScope,
}

impl<'a, C: ConnectionTrait> TrustSigningSettings<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self { conn, scope }
    }

    pub async fn reading_rule(&self) -> Result<ReadingRule, StoreError> {
        let row = self
            .conn
            .query_one_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "SELECT min_view_seconds, require_read_to_end FROM trust_signing_settings WHERE trust_id = $1",
                vec![self.scope.trust().as_uuid().into()],
            ))
            .await?;
        let Some(row) = row else {
            return Ok(ReadingRule::default());
        };
        let seconds: i32 = row.try_get("", "min_view_seconds")?;
        Ok(ReadingRule {
            min_seconds: u32::try_from(seconds).unwrap_or(0),
            to_end: row.try_get("", "require_read_to_end")?,
        })
    }

    pub async fn set_reading_rule(
        &self,
        rule: ReadingRule,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.conn
            .execute_raw(Statement::from_sql_and_values(
                self.conn.get_database_backend(),
                "INSERT INTO trust_signing_settings (trust_id, min_view_seconds, require_read_to_end, updated_at) \
                 VALUES ($1, $2, $3, $4) ON CONFLICT (trust_id) DO UPDATE SET \
                 min_view_seconds = excluded.min_view_seconds, \
                 require_read_to_end = excluded.require_read_to_end, updated_at = excluded.updated_at",
                vec![
                    self.scope.trust().as_uuid().into(),
                    i32::try_from(rule.min_seconds).unwrap_or(i32::MAX).into(),
                    rule.to_end.into(),
                    at.into(),
                ],
            ))
            .await?;
        Ok(())
    }
}

/// What a signing page's marker images report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewMarker {
    /// The lazily loaded image at the end of the text.
    ReachedEnd,
    /// The image inside `<noscript>`: the browser runs no scripts.
    ScriptsOff,
}

/// Records a marker by the view's id alone (a marker is an image request with no
/// session: the unguessable id is the capability). The first time only.
pub async fn mark_view<C: ConnectionTrait>(
    conn: &C,
    id: uuid::Uuid,
    marker: ViewMarker,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let sql = match marker {
        ViewMarker::ReachedEnd => {
            "UPDATE signing_views SET reached_end_at = $2 WHERE id = $1 AND reached_end_at IS NULL"
        }
        ViewMarker::ScriptsOff => {
            "UPDATE signing_views SET scripts_off_at = $2 WHERE id = $1 AND scripts_off_at IS NULL"
        }
    };
    Ok(conn
        .execute_raw(Statement::from_sql_and_values(
            conn.get_database_backend(),
            sql,
            vec![id.into(), at.into()],
        ))
        .await?
        .rows_affected()
        > 0)
}
