//! The view an inspector asks for: each member of staff of a school with, for every
//! obligation (KCSIE read, safeguarding training, online safety, the AUP…), the day it
//! was last met and whether it is out of date.

use std::collections::BTreeMap;

use attest_domain::{
    ComplianceStatus, MembershipKind, ObligationKind, PersonId, PolicyId, Principal, SchoolId,
};
use attest_store::{Learning, Schools};
use chrono::{DateTime, NaiveDate, Utc};

use crate::{App, AppError, ComplianceFilter};

/// One obligation: a column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixColumn {
    pub policy: PolicyId,
    pub title: String,
    pub obligation: ObligationKind,
}

/// Where one person stands with one obligation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixCell {
    pub status: ComplianceStatus,
    /// The day it was last signed, read or completed.
    pub done_on: Option<NaiveDate>,
    /// When it is (next) due.
    pub due_on: Option<NaiveDate>,
    pub exempt_until: Option<NaiveDate>,
}

impl MatrixCell {
    /// Due or overdue: what an inspector calls out of date.
    pub fn out_of_date(&self) -> bool {
        matches!(
            self.status,
            ComplianceStatus::Due | ComplianceStatus::Overdue
        )
    }
}

/// One member of staff: a row, with a cell per column (`None`: not theirs to do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatrixRow {
    pub person: PersonId,
    pub full_name: String,
    pub kind: MembershipKind,
    pub cells: Vec<Option<MatrixCell>>,
}

impl MatrixRow {
    pub fn out_of_date(&self) -> bool {
        self.cells.iter().flatten().any(MatrixCell::out_of_date)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObligationMatrix {
    pub school: SchoolId,
    pub school_name: String,
    pub as_of: DateTime<Utc>,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
}

impl ObligationMatrix {
    pub fn out_of_date(&self) -> impl Iterator<Item = &MatrixRow> {
        self.rows.iter().filter(|row| row.out_of_date())
    }
}

/// Columns in the order an inspector reads them: reading, training, then signatures,
/// each by title.
fn column_order(column: &MatrixColumn) -> (u8, String) {
    let rank = match column.obligation {
        ObligationKind::Read => 0,
        ObligationKind::Training => 1,
        ObligationKind::Sign => 2,
    };
    (rank, column.title.to_lowercase())
}

impl App {
    /// Every member of staff of `school` × every obligation they have there, now or at
    /// a past instant.
    pub async fn school_obligation_matrix(
        &self,
        principal: &Principal,
        school: SchoolId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<ObligationMatrix, AppError> {
        let scope = principal.scope();
        let found = Schools::new(&self.db, &scope).get(school).await?;
        let filter = ComplianceFilter {
            school: Some(school),
            as_of,
            ..ComplianceFilter::default()
        };
        let rows = self.compliance_all(principal, filter).await?;
        let answers: Vec<uuid::Uuid> = rows
            .iter()
            .filter_map(|row| row.last_acceptance.map(|id| id.as_uuid()))
            .collect();
        let days = Learning::new(&self.db, &scope)
            .answer_days(&answers)
            .await?;
        let mut columns: Vec<MatrixColumn> = Vec::new();
        for row in &rows {
            if !columns.iter().any(|column| column.policy == row.policy) {
                columns.push(MatrixColumn {
                    policy: row.policy,
                    title: row.policy_title.clone(),
                    obligation: row.obligation,
                });
            }
        }
        columns.sort_by_key(column_order);
        let at: BTreeMap<PolicyId, usize> = columns
            .iter()
            .enumerate()
            .map(|(index, column)| (column.policy, index))
            .collect();
        let mut people: Vec<MatrixRow> = Vec::new();
        for row in rows {
            let cell = MatrixCell {
                status: row.status,
                done_on: row
                    .last_acceptance
                    .and_then(|id| days.get(&id.as_uuid()).copied()),
                due_on: row.due_on,
                exempt_until: row.exempt_until,
            };
            let index = at.get(&row.policy).copied().unwrap_or_default();
            // Rows come in name order, each person's together.
            if people.last().is_none_or(|last| last.person != row.person) {
                people.push(MatrixRow {
                    person: row.person,
                    full_name: row.full_name.clone(),
                    kind: row.kind,
                    cells: vec![None; columns.len()],
                });
            }
            if let Some(last) = people.last_mut() {
                if row.kind.as_str() < last.kind.as_str() {
                    last.kind = row.kind;
                }
                last.cells[index] = Some(cell);
            }
        }
        Ok(ObligationMatrix {
            school,
            school_name: found.name.as_str().to_owned(),
            as_of: as_of.unwrap_or_else(|| self.now()),
            columns,
            rows: people,
        })
    }

    /// The matrix as CSV: a row per member of staff, two columns per obligation (the
    /// day last met, and the status), and whether anything is out of date.
    pub async fn school_obligation_matrix_csv(
        &self,
        principal: &Principal,
        school: SchoolId,
        as_of: Option<DateTime<Utc>>,
    ) -> Result<String, AppError> {
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let matrix = self
            .school_obligation_matrix(principal, school, as_of)
            .await?;
        let mut out = csv::Writer::from_writer(Vec::new());
        let mut header = vec![
            "person_id".to_owned(),
            "full_name".to_owned(),
            "membership_kind".to_owned(),
        ];
        for column in &matrix.columns {
            let title = crate::signing::safe_cell(&column.title);
            header.push(format!("{title}: done on"));
            header.push(format!("{title}: status"));
        }
        header.push("out_of_date".to_owned());
        out.write_record(&header)
            .map_err(crate::signing::csv_error)?;
        for row in &matrix.rows {
            let mut record = vec![
                row.person.to_string(),
                crate::signing::safe_cell(&row.full_name),
                row.kind.as_str().to_owned(),
            ];
            for cell in &row.cells {
                match cell {
                    Some(cell) => {
                        record.push(cell.done_on.map(|d| d.to_string()).unwrap_or_default());
                        record.push(crate::status_key(cell.status).to_owned());
                    }
                    None => {
                        record.push(String::new());
                        record.push("not required".to_owned());
                    }
                }
            }
            record.push(if row.out_of_date() { "yes" } else { "no" }.to_owned());
            out.write_record(&record)
                .map_err(crate::signing::csv_error)?;
        }
        crate::signing::finish_csv(out)
    }
}
