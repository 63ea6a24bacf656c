//! Output types of the obligation matrix and of compliance by obligation.

use async_graphql::SimpleObject;
use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::ObligationKind;

/// One obligation of the matrix: a column.
#[derive(SimpleObject)]
pub struct MatrixColumn {
    pub policy_id: Uuid,
    pub title: String,
    pub obligation: ObligationKind,
}

/// Where one person stands with one obligation; null where it is not theirs to do.
#[derive(SimpleObject)]
pub struct MatrixCell {
    pub status: crate::school::ComplianceStatus,
    /// The day it was last signed, read or completed.
    pub done_on: Option<NaiveDate>,
    pub due_on: Option<NaiveDate>,
    pub exempt_until: Option<NaiveDate>,
    /// Due or overdue.
    pub out_of_date: bool,
}

#[derive(SimpleObject)]
pub struct MatrixRow {
    pub person_id: Uuid,
    pub full_name: String,
    pub kind: crate::school::MembershipKind,
    /// One per column, in the columns' order.
    pub cells: Vec<Option<MatrixCell>>,
    pub out_of_date: bool,
}

/// Each member of staff of a school × each obligation: the inspector's view.
#[derive(SimpleObject)]
pub struct ObligationMatrix {
    pub school_id: Uuid,
    pub school_name: String,
    pub as_of: DateTime<Utc>,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// How many people have anything due or overdue.
    pub out_of_date_count: u32,
}

impl From<attest_app::ObligationMatrix> for ObligationMatrix {
    fn from(matrix: attest_app::ObligationMatrix) -> Self {
        Self {
            out_of_date_count: u32::try_from(matrix.out_of_date().count()).unwrap_or(u32::MAX),
            school_id: matrix.school.as_uuid(),
            school_name: matrix.school_name,
            as_of: matrix.as_of,
            columns: matrix
                .columns
                .into_iter()
                .map(|column| MatrixColumn {
                    policy_id: column.policy.as_uuid(),
                    title: column.title,
                    obligation: column.obligation.into(),
                })
                .collect(),
            rows: matrix
                .rows
                .into_iter()
                .map(|row| MatrixRow {
                    out_of_date: row.out_of_date(),
                    person_id: row.person.as_uuid(),
                    full_name: row.full_name,
                    kind: row.kind.into(),
                    cells: row
                        .cells
                        .into_iter()
                        .map(|cell| {
                            cell.map(|cell| MatrixCell {
                                out_of_date: cell.out_of_date(),
                                status: cell.status.into(),
                                done_on: cell.done_on,
                                due_on: cell.due_on,
                                exempt_until: cell.exempt_until,
                            })
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// A dashboard column: one obligation (a trust policy, a template all schools adopt,
/// or each school's own policies together).
#[derive(SimpleObject)]
pub struct ObligationHeading {
    /// The trust policy or template; null for schools' own readings and courses (grouped
    /// by title) and for "the school's own policies".
    pub policy_id: Option<Uuid>,
    pub title: String,
    pub obligation: ObligationKind,
}

#[derive(SimpleObject)]
pub struct ObligationTally {
    pub compliant: u64,
    pub due: u64,
    pub overdue: u64,
    pub exempt: u64,
    pub total: u64,
    pub percent_compliant: f64,
}

#[derive(SimpleObject)]
pub struct SchoolObligations {
    pub school_id: Uuid,
    /// One per heading, in the headings' order (all zero where nothing is owed).
    pub tallies: Vec<ObligationTally>,
}

#[derive(SimpleObject)]
pub struct ComplianceByObligation {
    pub as_of: DateTime<Utc>,
    pub headings: Vec<ObligationHeading>,
    pub schools: Vec<SchoolObligations>,
}

impl From<attest_app::ObligationColumns> for ComplianceByObligation {
    fn from(columns: attest_app::ObligationColumns) -> Self {
        use attest_domain::ComplianceStatus as S;
        Self {
            as_of: columns.as_of,
            headings: columns
                .headings
                .into_iter()
                .map(|heading| ObligationHeading {
                    policy_id: match heading.key {
                        attest_app::ColumnKey::Trust(policy) => Some(policy.as_uuid()),
                        attest_app::ColumnKey::Titled(..) | attest_app::ColumnKey::SchoolOwn => {
                            None
                        }
                    },
                    title: heading.title,
                    obligation: heading.obligation.into(),
                })
                .collect(),
            schools: columns
                .schools
                .into_iter()
                .map(|(school, tallies)| SchoolObligations {
                    school_id: school.as_uuid(),
                    tallies: tallies
                        .iter()
                        .map(|tally| ObligationTally {
                            compliant: tally.count(S::Compliant),
                            due: tally.count(S::Due),
                            overdue: tally.count(S::Overdue),
                            exempt: tally.count(S::Exempt),
                            total: tally.total(),
                            percent_compliant: tally.percent(S::Compliant),
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}
