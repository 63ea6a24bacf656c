//! The trust overview: every school side by side, policies waiting for approval and
//! due for review, and the directory sync.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError};
use attest_domain::{ComplianceStatus, SchoolId};
use minijinja::{Value, context};

use super::{london, nav, page, trust_wide_reader};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

/// `GET /trust`: every school side by side, policies due for review, the directory sync.
pub async fn trust_overview(caller: Caller, app: web::Data<App>) -> Result<HttpResponse, WebError> {
    let (context, principal) = caller.visitor()?;
    if !trust_wide_reader(principal) {
        return Err(WebError::page(AppError::forbidden(
            "The trust overview is for trust admins, the DPO and read-only users.",
        )));
    }
    let summary = app.compliance_summary(principal, None, None).await?;
    let columns = app.compliance_by_obligation(principal, None, None).await?;
    let schools = app.schools(principal).await?;
    let reviews = app.policies_due_for_review(principal, 60).await?;
    let awaiting = app.awaiting_review(principal).await?;
    // Only trust admins see the directory sync; others simply do not get that part.
    let sync = match app.sync_runs(principal, 1).await {
        Ok(runs) => runs.into_iter().next().map(|run| {
            context! {
                status => run.row.status,
                at => london(run.row.created_at),
                error => run.row.error,
            }
        }),
        Err(_) => None,
    };
    let tallies: BTreeMap<SchoolId, _> = summary.schools.iter().cloned().collect();
    let rows: Vec<Value> = schools
        .iter()
        .map(|school| {
            let tally = tallies.get(&school.id).cloned().unwrap_or_default();
            let count = |status| tally.count(status);
            context! {
                id => school.id.to_string(),
                name => school.name.to_string(),
                compliant => count(ComplianceStatus::Compliant),
                due => count(ComplianceStatus::Due),
                overdue => count(ComplianceStatus::Overdue),
                exempt => count(ComplianceStatus::Exempt),
                percent => tally.percent(ComplianceStatus::Compliant),
            }
        })
        .collect();
    Ok(caller.answer(page(
        StatusCode::OK,
        "trust.html",
        context! {
            nav => nav(principal, "/trust"),
            trust => context.trust.name.as_str(),
            as_of => london(summary.as_of),
            percent => summary.overall.percent(ComplianceStatus::Compliant),
            schools => rows,
            headings => super::obligations::headings(&columns),
            by_obligation => schools.iter().filter_map(|school| {
                let tallies = columns.schools.get(&school.id)?;
                Some(context! {
                    id => school.id.to_string(),
                    name => school.name.to_string(),
                    cells => super::obligations::tally_cells(tallies),
                })
            }).collect::<Vec<_>>(),
            reviews => reviews.iter().map(|review| context! {
                title => review.policy.title.clone(),
                on => review.next_review_on.format("%-d %b %Y").to_string(),
                overdue => review.overdue,
                owner => if review.policy.school.is_some() { "the school's admins" } else { "the trust's admins" },
                task => match review.next_draft {
                    None => "no new draft yet",
                    Some((_, attest_domain::ReviewStage::Drafting)) => "a new draft is being written",
                    Some((_, attest_domain::ReviewStage::InReview)) => "the new draft is in review",
                    Some((_, attest_domain::ReviewStage::Approved)) => "the new draft is approved",
                },
                draft => review.next_draft.map(|(id, _)| id.as_uuid().to_string()),
            }).collect::<Vec<_>>(),
            awaiting => awaiting.iter().map(|item| context! {
                id => item.review.version.as_uuid().to_string(),
                title => item.review.policy.title.as_str(),
                number => item.review.number,
                approved => item.review.stage() == attest_domain::ReviewStage::Approved,
                approvals => item.review.approvals(),
                needed => item.review.needed(),
                body => item.review.rule.as_ref().map(|rule| rule.body.clone()),
                scheduled => item.review.record.as_ref().and_then(|record| record.review.scheduled_on).map(|on| on.format("%-d %b %Y").to_string()),
            }).collect::<Vec<_>>(),
            sync => sync,
        },
    )))
}
