//! `GET /breaches/board-report`: the termly breach report for the trust board, as a
//! page with its charts (SVG, with the same figures in tables), or (`?format=md`,
//! `?format=csv`) a file for the board's papers. The DPO and trust admins only.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use attest_app::{App, AppError};
use attest_domain::{BoardCount, BoardPeriod, BoardReport};
use minijinja::{Value, context};
use serde::Deserialize;

use super::{nav, page};
use crate::http::caller::Caller;
use crate::http::web_error::WebError;

#[derive(Deserialize)]
pub struct BoardQuery {
    term: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

const BAR_MAX: usize = 300;
const ROW_HEIGHT: usize = 24;
const LABEL_CHARS: usize = 34;

fn day(field: &'static str, raw: &str) -> Result<chrono::NaiveDate, AppError> {
    chrono::NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .map_err(|_| AppError::invalid(field, format!("'{raw}' is not a date (YYYY-MM-DD)")))
}

/// The period asked for in the query string; empty fields count as not given.
fn period_of(query: &BoardQuery, today: chrono::NaiveDate) -> Result<BoardPeriod, AppError> {
    let given = |value: &Option<String>| value.clone().filter(|text| !text.trim().is_empty());
    let date = |field: &'static str, value: &Option<String>| {
        given(value).map(|raw| day(field, &raw)).transpose()
    };
    Ok(BoardPeriod::chosen(
        given(&query.term).as_deref(),
        date("from", &query.from)?,
        date("to", &query.to)?,
        today,
    )?)
}

/// This term and the five before it, for the chooser.
fn recent_terms(today: chrono::NaiveDate, chosen: &BoardPeriod) -> Vec<Value> {
    let mut terms = Vec::new();
    let mut day = today;
    for _ in 0..6 {
        let term = BoardPeriod::term_of(day);
        let value = term.term.clone().unwrap_or_default();
        terms.push(
            context! { value => value, label => term.label.clone(), selected => term == *chosen },
        );
        day = term.from.pred_opt().unwrap_or(term.from);
    }
    terms
}

fn chart(id: &str, title: &str, column: &str, counts: &[BoardCount]) -> Value {
    let most = counts
        .iter()
        .map(|count| count.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let rows: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(index, count)| {
            let short: String = if count.label.chars().count() > LABEL_CHARS {
                count
                    .label
                    .chars()
                    .take(LABEL_CHARS - 1)
                    .chain(['…'])
                    .collect()
            } else {
                count.label.clone()
            };
            context! {
                label => count.label.clone(),
                short => short,
                count => count.count,
                width => (count.count * BAR_MAX / most).max(2),
                y => index * ROW_HEIGHT,
            }
        })
        .collect();
    context! {
        id => id,
        title => title,
        column => column,
        height => counts.len().max(1) * ROW_HEIGHT,
        rows => rows,
    }
}

fn summary(report: &BoardReport) -> Vec<(String, String)> {
    let time = |spread: Option<attest_domain::BoardSpread>| {
        spread.map_or_else(
            || "none".to_owned(),
            |s| {
                format!(
                    "median {} h, longest {} h, of {}",
                    s.median_hours, s.longest_hours, s.of
                )
            },
        )
    };
    vec![
        ("Breaches discovered".to_owned(), report.total.to_string()),
        (
            "Reported to the ICO".to_owned(),
            report.reported_to_ico.to_string(),
        ),
        (
            "Reported after the 72 hours".to_owned(),
            report.reported_late.to_string(),
        ),
        (
            "Not reported (assessed, reasons recorded)".to_owned(),
            report.not_reported.to_string(),
        ),
        (
            "Closed as not a breach".to_owned(),
            report.not_a_breach.to_string(),
        ),
        ("Still open".to_owned(), report.still_open.to_string()),
        (
            "Past the ICO deadline without a report".to_owned(),
            report.overdue.to_string(),
        ),
        ("Time to triage".to_owned(), time(report.time_to_triage)),
        (
            "Time to report to the ICO".to_owned(),
            time(report.time_to_report),
        ),
    ]
}

fn breakdowns(report: &BoardReport) -> [(&'static str, &[BoardCount]); 3] {
    [
        ("School", &report.by_school),
        ("Incident type", &report.by_incident_type),
        ("Risk", &report.by_risk),
    ]
}

fn markdown(report: &BoardReport) -> String {
    let cell = |text: &str| text.replace('|', "\\|");
    let mut out = format!(
        "# Personal data breaches: {}\n\n| | |\n|---|---|\n",
        report.period.label
    );
    for (label, value) in summary(report) {
        out.push_str(&format!("| {} | {} |\n", cell(&label), cell(&value)));
    }
    for (title, counts) in breakdowns(report) {
        out.push_str(&format!(
            "\n## By {}\n\n| {title} | Breaches |\n|---|---|\n",
            title.to_lowercase()
        ));
        for count in counts {
            out.push_str(&format!("| {} | {} |\n", cell(&count.label), count.count));
        }
    }
    out
}

fn csv(report: &BoardReport) -> Result<String, AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let mut row = |section: &str, label: &str, value: &str| {
        writer
            .write_record([section, label, value])
            .map_err(|error| AppError::Internal(error.to_string()))
    };
    row("section", "item", "value")?;
    for (label, value) in summary(report) {
        row("summary", &label, &value)?;
    }
    for (title, counts) in breakdowns(report) {
        for count in counts {
            row(
                &title.to_lowercase(),
                &count.label,
                &count.count.to_string(),
            )?;
        }
    }
    String::from_utf8(
        writer
            .into_inner()
            .map_err(|error| AppError::Internal(error.to_string()))?,
    )
    .map_err(|error| AppError::Internal(error.to_string()))
}

pub async fn board_report(
    caller: Caller,
    app: web::Data<App>,
    query: web::Query<BoardQuery>,
) -> Result<HttpResponse, WebError> {
    let (_, principal) = caller.visitor()?;
    let today = attest_domain::school_day(app.now());
    let period = period_of(&query, today)?;
    let report = app.breach_board_report(principal, period).await?;
    let slug = report.period.label.to_lowercase().replace(' ', "-");
    let file = |kind: &str, extension: &str, body: String| {
        HttpResponse::Ok()
            .content_type(kind)
            .insert_header((
                "Content-Disposition",
                format!("attachment; filename=\"breaches-{slug}.{extension}\""),
            ))
            .insert_header(("Cache-Control", "no-store"))
            .body(body)
    };
    let query_string = format!(
        "from={}&to={}",
        report.period.from,
        report
            .period
            .until
            .pred_opt()
            .unwrap_or(report.period.until)
    );
    Ok(caller.answer(match query.format.as_deref() {
        Some("md") => file("text/markdown; charset=utf-8", "md", markdown(&report)),
        Some("csv") => file("text/csv; charset=utf-8", "csv", csv(&report)?),
        None | Some("") => page(
            StatusCode::OK,
            "board_report.html",
            context! {
                nav => nav(principal, "/breaches"),
                terms => recent_terms(today, &report.period),
                query => query_string,
                from => report.period.from.format("%-d %B %Y").to_string(),
                to => report.period.until.pred_opt().unwrap_or(report.period.until).format("%-d %B %Y").to_string(),
                charts => [
                    chart("by-school", "Breaches by school", "School", &report.by_school),
                    chart("by-type", "Breaches by incident type", "Incident type", &report.by_incident_type),
                    chart("by-risk", "Breaches by risk", "Risk", &report.by_risk),
                ],
                report => Value::from(minijinja::value::Serde(&report)),
            },
        ),
        Some(other) => {
            return Err(AppError::invalid("format", format!("'{other}' is not md or csv")).into());
        }
    }))
}
