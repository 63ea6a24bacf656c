//! The termly report to the trust board (counts, breakdowns, times), for the DPO and
//! trust admins, over the breaches discovered in the period.

use std::collections::BTreeMap;

use attest_domain::{BoardEntry, BoardPeriod, BoardReport, BreachId, Principal};
use attest_store::{Breaches, Schools};

use super::{Sight, sight};
use crate::{App, AppError, BreachFilter};

impl App {
    pub async fn breach_board_report(
        &self,
        principal: &Principal,
        period: BoardPeriod,
    ) -> Result<BoardReport, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins see the board's breach report",
            ));
        }
        let filter = BreachFilter {
            from: Some(period.start()),
            to: Some(period.end()),
            ..BreachFilter::default()
        };
        let breaches = self.breaches(principal, filter).await?;
        let scope = principal.scope();
        let names: BTreeMap<_, _> = Schools::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let ids: Vec<BreachId> = breaches.iter().map(|view| view.breach.id).collect();
        let triaged = Breaches::new(&self.db, &scope)
            .first_times("triaged", &ids)
            .await?;
        let entries: Vec<BoardEntry> = breaches
            .iter()
            .map(|view| {
                let breach = &view.breach;
                let record = &breach.record;
                BoardEntry {
                    schools: breach
                        .schools
                        .iter()
                        .filter_map(|school| names.get(school).cloned())
                        .collect(),
                    status: breach.status,
                    incident_type: record.facts.incident_type,
                    risk: record.assessment.as_ref().map(|a| a.risk_level),
                    decided_not_to_report: record
                        .assessment
                        .as_ref()
                        .is_some_and(|a| !a.notify_ico),
                    reported_at: breach.reported_at,
                    clock_start: attest_domain::clock_start(
                        breach.aware_at,
                        record.facts.discovered_at,
                    ),
                    triaged_at: triaged.get(&breach.id).copied(),
                    first_ico_report_at: record
                        .ico_reports
                        .iter()
                        .filter(|report| !report.follow_up)
                        .map(|report| report.reported_at)
                        .min(),
                    overdue: view.overdue,
                }
            })
            .collect();
        Ok(BoardReport::build(period, &entries))
    }
}
