//! The termly breach report for the trust board, as GraphQL (the page and its
//! Markdown/CSV downloads show the same figures).

use async_graphql::{Context, Object, SimpleObject};
use attest_domain::{BoardCount, BoardPeriod, BoardReport, BoardSpread};
use chrono::NaiveDate;

use crate::context::{app, principal};
use crate::error::OrGraphql;

/// One row of a breakdown: a school, an incident type or a risk, and how many breaches.
#[derive(SimpleObject)]
pub struct BreachCount {
    pub label: String,
    pub count: u64,
}

/// How long something took, in hours, over `of` breaches.
#[derive(SimpleObject)]
pub struct BreachHours {
    pub median_hours: f64,
    pub longest_hours: f64,
    pub of: u64,
}

/// Counts only: nothing here describes a breach or the people affected.
#[derive(SimpleObject)]
pub struct BreachBoardReport {
    /// e.g. "Autumn term 2026" or "1 October 2026 to 31 October 2026".
    pub label: String,
    /// `autumn-2026` when the period is a term.
    pub term: Option<String>,
    /// The first day counted.
    pub from: NaiveDate,
    /// The last day counted.
    pub to: NaiveDate,
    /// Breaches discovered in the period.
    pub total: u64,
    /// A breach at two schools counts at each.
    pub by_school: Vec<BreachCount>,
    pub by_incident_type: Vec<BreachCount>,
    pub by_risk: Vec<BreachCount>,
    pub reported_to_ico: u64,
    /// First told to the ICO more than 72 hours after the clock started.
    pub reported_late: u64,
    /// Assessed, and decided with reasons not to tell the ICO.
    pub not_reported: u64,
    pub not_a_breach: u64,
    pub still_open: u64,
    pub overdue: u64,
    /// From the report reaching the DPO to triage.
    pub time_to_triage: Option<BreachHours>,
    /// From the clock starting to the first report to the ICO.
    pub time_to_report: Option<BreachHours>,
}

fn count(value: usize) -> u64 {
    u64::try_from(value).unwrap_or(u64::MAX)
}

fn counts(rows: Vec<BoardCount>) -> Vec<BreachCount> {
    rows.into_iter()
        .map(|row| BreachCount {
            label: row.label,
            count: count(row.count),
        })
        .collect()
}

fn spread(value: Option<BoardSpread>) -> Option<BreachHours> {
    value.map(|spread| BreachHours {
        median_hours: spread.median_hours,
        longest_hours: spread.longest_hours,
        of: count(spread.of),
    })
}

impl From<BoardReport> for BreachBoardReport {
    fn from(report: BoardReport) -> Self {
        Self {
            to: report
                .period
                .until
                .pred_opt()
                .unwrap_or(report.period.until),
            from: report.period.from,
            label: report.period.label,
            term: report.period.term,
            total: count(report.total),
            by_school: counts(report.by_school),
            by_incident_type: counts(report.by_incident_type),
            by_risk: counts(report.by_risk),
            reported_to_ico: count(report.reported_to_ico),
            reported_late: count(report.reported_late),
            not_reported: count(report.not_reported),
            not_a_breach: count(report.not_a_breach),
            still_open: count(report.still_open),
            overdue: count(report.overdue),
            time_to_triage: spread(report.time_to_triage),
            time_to_report: spread(report.time_to_report),
        }
    }
}

#[derive(Default)]
pub struct BreachBoardQuery;

#[Object]
impl BreachBoardQuery {
    /// The termly report for the trust board over breaches discovered in a term
    /// (`autumn-2026`: September to December; spring: January to March; summer: April
    /// to August), or `from`/`to` (both, inclusive), or by default the current term.
    /// The DPO and trust admins only.
    async fn breach_board_report(
        &self,
        ctx: &Context<'_>,
        term: Option<String>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> async_graphql::Result<BreachBoardReport> {
        let app = app(ctx)?;
        let period = BoardPeriod::chosen(term.as_deref(), from, to, app.today())
            .map_err(attest_app::AppError::from)
            .gql()?;
        Ok(app
            .breach_board_report(principal(ctx)?, period)
            .await
            .gql()?
            .into())
    }
}
