//! `attest report obligations`: the inspector's view of one school on the terminal, as
//! JSON or as CSV.

use attest_app::status_key;
use chrono::{DateTime, Utc};
use serde_json::json;

use crate::config::Config;
use crate::startup::{open_app, print_json};

pub async fn run(
    config: Config,
    (trust, wanted): (&str, &str),
    as_of: Option<DateTime<Utc>>,
    (csv, as_json): (bool, bool),
) -> anyhow::Result<()> {
    let app = open_app(&config).await?;
    let operator = app.operator_for(trust).await?;
    let school = super::lookup::school_id(&app, &operator, trust, wanted).await?;
    if csv {
        print!(
            "{}",
            app.school_obligation_matrix_csv(&operator, school, as_of)
                .await?
        );
        return Ok(());
    }
    let matrix = app
        .school_obligation_matrix(&operator, school, as_of)
        .await?;
    if as_json {
        print_json(&json!({
            "school": matrix.school_name,
            "as_of": matrix.as_of,
            "columns": matrix.columns.iter().map(|c| json!({ "policy": c.policy, "title": c.title, "obligation": c.obligation })).collect::<Vec<_>>(),
            "rows": matrix.rows.iter().map(|row| json!({
                "person": row.person, "full_name": row.full_name, "kind": row.kind,
                "out_of_date": row.out_of_date(),
                "cells": row.cells.iter().map(|cell| cell.as_ref().map(|cell| json!({
                    "status": status_key(cell.status), "done_on": cell.done_on, "due_on": cell.due_on,
                }))).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "out_of_date": matrix.out_of_date().map(|row| row.full_name.clone()).collect::<Vec<_>>(),
        }));
        return Ok(());
    }
    println!(
        "{} on {}",
        matrix.school_name,
        matrix.as_of.format("%Y-%m-%d %H:%M UTC")
    );
    let titles: Vec<String> = matrix
        .columns
        .iter()
        .map(|column| format!("{} ({})", column.title, column.obligation))
        .collect();
    println!("{:<28} {}", "name", titles.join(" | "));
    for row in &matrix.rows {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|cell| match cell {
                None => "-".to_owned(),
                Some(cell) => match cell.done_on {
                    Some(done) if !cell.out_of_date() => done.to_string(),
                    _ => status_key(cell.status).to_uppercase(),
                },
            })
            .collect();
        println!("{:<28} {}", row.full_name, cells.join(" | "));
    }
    let late: Vec<&str> = matrix
        .out_of_date()
        .map(|row| row.full_name.as_str())
        .collect();
    if late.is_empty() {
        println!("nobody is out of date");
    } else {
        println!("out of date ({}): {}", late.len(), late.join(", "));
    }
    Ok(())
}
