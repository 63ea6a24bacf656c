//! A school's dashboard chart: its standing now and at each of the past weeks.

use attest_domain::{ComplianceStatus, Principal, SchoolId};
use attest_store::{ComplianceQuery, Obligations};
use chrono::{DateTime, Utc};

use super::compliance::{ComplianceFilter, Tally};
use crate::{App, AppError};

/// One point of a dashboard's progress chart.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressPoint {
    pub as_of: DateTime<Utc>,
    /// The share compliant then, as the API reports it (one decimal).
    pub percent_compliant: f64,
}

/// A school's standing now and over the past weeks.
#[derive(Debug, Clone)]
pub struct SchoolProgress {
    pub as_of: DateTime<Utc>,
    pub tally: Tally,
    /// Oldest first; the last point is now.
    pub points: Vec<ProgressPoint>,
}

impl App {
    /// A school's tally now and the share compliant at each of the `weeks` midnights
    /// (UTC) a week apart before today's, oldest first, read from the model's revisions
    /// in one statement: its dashboard's chart.
    pub async fn school_progress(
        &self,
        principal: &Principal,
        school: SchoolId,
        weeks: u32,
    ) -> Result<SchoolProgress, AppError> {
        let now = self
            .compliance_summary(principal, Some(school), None)
            .await?;
        let tally = now
            .schools
            .iter()
            .find(|(id, _)| *id == school)
            .map(|(_, tally)| tally.clone())
            .unwrap_or_default();
        let midnight = self
            .now()
            .date_naive()
            .and_time(chrono::NaiveTime::MIN)
            .and_utc();
        let instants: Vec<(DateTime<Utc>, chrono::NaiveDate)> = (1..=i64::from(weeks))
            .rev()
            .map(|weeks_ago| {
                let at = midnight - chrono::Duration::weeks(weeks_ago);
                (at, attest_store::school_day(at))
            })
            .collect();
        let query = ComplianceQuery {
            school: Some(school),
            ..self.query_at(&ComplianceFilter::default())
        };
        let counts = Obligations::new(&self.db, &principal.scope())
            .counts_at(&query, &instants)
            .await?;
        let mut points: Vec<ProgressPoint> = instants
            .iter()
            .zip(counts)
            .map(|((at, _), counts)| {
                let mut then = Tally::default();
                counts.iter().for_each(|count| then.add(count));
                ProgressPoint {
                    as_of: *at,
                    percent_compliant: then.percent(ComplianceStatus::Compliant),
                }
            })
            .collect();
        points.push(ProgressPoint {
            as_of: now.as_of,
            percent_compliant: tally.percent(ComplianceStatus::Compliant),
        });
        Ok(SchoolProgress {
            as_of: now.as_of,
            tally,
            points,
        })
    }
}
