//! `GET /schools/{id}/obligations`: the inspector's view of a school: each member of
//! staff with the day each obligation was last met, and who is out of date.

use actix_web::HttpResponse;
use actix_web::http::StatusCode;
use actix_web::web;
use attest_app::{App, MatrixCell, status_key};
use attest_domain::{ObligationKind, SchoolId};
use minijinja::{Value, context};

use super::{london, nav, page};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

fn cell(cell: Option<&MatrixCell>) -> Value {
    match cell {
        None => context! { text => "not required", status => "none" },
        Some(cell) => {
            let done = cell.done_on.map(|day| day.format("%-d %b %Y").to_string());
            let due = cell.due_on.map(|day| day.format("%-d %b %Y").to_string());
            let text = match (status_key(cell.status), done, due) {
                ("exempt", _, _) => format!(
                    "exempt{}",
                    cell.exempt_until
                        .map(|day| format!(" until {}", day.format("%-d %b %Y")))
                        .unwrap_or_default()
                ),
                (status @ ("due" | "overdue"), Some(done), Some(due)) => {
                    format!("{status} since {due} (last {done})")
                }
                (status @ ("due" | "overdue"), None, Some(due)) => format!("{status} since {due}"),
                (_, Some(done), Some(due)) => format!("{done} (renew by {due})"),
                (_, Some(done), None) => done,
                (status, None, _) => status.to_owned(),
            };
            context! { text => text, status => status_key(cell.status), out_of_date => cell.out_of_date() }
        }
    }
}

fn kind_label(kind: ObligationKind) -> &'static str {
    match kind {
        ObligationKind::Read => "read and confirmed",
        ObligationKind::Training => "training",
        ObligationKind::Sign => "signed",
    }
}

pub async fn school_obligations(
    caller: Caller,
    app: web::Data<App>,
    school: web::Path<SchoolId>,
) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let school = *school;
    let matrix = app
        .school_obligation_matrix(principal, school, None)
        .await?;
    let columns: Vec<Value> = matrix
        .columns
        .iter()
        .map(|column| context! { title => column.title.clone(), kind => kind_label(column.obligation) })
        .collect();
    let rows: Vec<Value> = matrix
        .rows
        .iter()
        .map(|row| {
            context! {
                name => row.full_name.clone(),
                kind => row.kind.as_str(),
                out_of_date => row.out_of_date(),
                cells => row.cells.iter().map(|c| cell(c.as_ref())).collect::<Vec<_>>(),
            }
        })
        .collect();
    let today = app.today();
    let titles: std::collections::BTreeMap<_, _> = matrix
        .columns
        .iter()
        .map(|column| (column.policy, column.title.clone()))
        .collect();
    let starters: Vec<Value> = app
        .induction_checklists_in(principal, &matrix)
        .await?
        .into_iter()
        .map(|starter| {
            let list = &starter.checklist;
            context! {
                name => starter.full_name.clone(),
                bundle => starter.bundle_name.clone(),
                started => list.started_on.format("%-d %b %Y").to_string(),
                deadline => list.deadline.format("%-d %b %Y").to_string(),
                complete => list.complete(),
                overdue => list.overdue(today),
                outstanding => list.outstanding(),
                items => list.items.iter().filter(|item| item.state != attest_domain::ItemState::NotRequired).map(|item| context! {
                    title => titles.get(&item.policy).cloned().unwrap_or_default(),
                    done => item.state == attest_domain::ItemState::Done || item.state == attest_domain::ItemState::Exempt,
                }).collect::<Vec<_>>(),
            }
        })
        .collect();
    let out_of_date: Vec<String> = matrix
        .out_of_date()
        .map(|row| row.full_name.clone())
        .collect();
    Ok(caller.answer(page(
        StatusCode::OK,
        "obligations.html",
        context! {
            nav => nav(principal, &format!("/schools/{school}")),
            school => matrix.school_name.clone(),
            school_id => school.to_string(),
            as_of => london(matrix.as_of),
            columns => columns,
            rows => rows,
            out_of_date => out_of_date,
            staff => matrix.rows.len(),
            starters => starters,
        },
    )))
}

/// A dashboard's column headings, one per obligation.
pub(crate) fn headings(columns: &attest_app::ObligationColumns) -> Vec<Value> {
    columns
        .headings
        .iter()
        .map(|heading| context! { title => heading.title.clone(), kind => kind_label(heading.obligation) })
        .collect()
}

/// A school's cells under those headings: the share compliant and how many are overdue.
pub(crate) fn tally_cells(tallies: &[attest_app::Tally]) -> Vec<Value> {
    tallies
        .iter()
        .map(|tally| {
            if tally.total() == 0 {
                return context! { empty => true };
            }
            context! {
                percent => tally.percent(attest_domain::ComplianceStatus::Compliant),
                overdue => tally.count(attest_domain::ComplianceStatus::Overdue),
                due => tally.count(attest_domain::ComplianceStatus::Due),
                total => tally.total(),
            }
        })
        .collect()
}
