//! A trust's term calendar: one row, the calendar as JSON.

use attest_domain::TenantScope;
use attest_domain::requests::TermCalendar;
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, FromQueryResult};

use super::{from_json, to_json};
use crate::StoreError;
use crate::repo::raw::Raw;

pub struct TrustCalendars<'a, C> {
    raw: Raw<'a, C>,
}

#[derive(FromQueryResult)]
struct Row {
    calendar: String,
}

impl<'a, C: ConnectionTrait> TrustCalendars<'a, C> {
    pub fn new(conn: &'a C, scope: &'a TenantScope) -> Self {
        Self {
            raw: Raw::new(conn, scope),
        }
    }

    /// The trust's calendar (empty until one is saved: every working day a school day).
    pub async fn get(&self) -> Result<TermCalendar, StoreError> {
        let row = Row::find_by_statement(self.raw.statement(
            "SELECT calendar FROM trust_calendars WHERE trust_id = $1",
            vec![self.raw.trust()],
        ))
        .one(self.raw.conn)
        .await?;
        row.map_or_else(
            || Ok(TermCalendar::default()),
            |row| from_json("term calendar", &row.calendar),
        )
    }

    pub async fn set(&self, calendar: &TermCalendar, at: DateTime<Utc>) -> Result<(), StoreError> {
        let json = to_json("term calendar", calendar)?;
        let changed = self
            .raw
            .execute(
                "UPDATE trust_calendars SET calendar = $2, updated_at = $3 WHERE trust_id = $1",
                vec![self.raw.trust(), json.clone().into(), at.into()],
            )
            .await?;
        if changed == 0 {
            self.raw
                .execute(
                    "INSERT INTO trust_calendars (trust_id, calendar, updated_at) VALUES ($1, $2, $3)",
                    vec![self.raw.trust(), json.into(), at.into()],
                )
                .await?;
        }
        Ok(())
    }
}
