//! What the sync commands print: connections, runs and plans, as JSON or as text.

use attest_app::{DirectoryConnectionView, SyncRun};
use serde_json::{Value, json};

/// Lines of each kind a plan prints before "… and N more".
const SHOWN: usize = 25;

pub(super) fn connection_json(view: &DirectoryConnectionView) -> Value {
    json!({
        "kind": view.settings.kind.as_str(),
        "tenant_id": view.settings.tenant_id,
        "client_id": view.settings.client_id,
        "service_account": view.settings.service_account,
        "admin_subject": view.settings.admin_subject,
        "customer": view.settings.customer,
        "max_leaver_share": view.settings.max_leaver_share,
        "rules": view.rules,
        "has_delta_link": view.has_delta_link,
        "last_applied_at": view.last_applied_at,
        "accounts_known": view.accounts_known,
    })
}

pub(super) fn run_json(run: &SyncRun) -> Value {
    json!({
        "id": run.row.id,
        "status": run.row.status,
        "trigger": run.row.trigger,
        "created_at": run.row.created_at,
        "finished_at": run.row.finished_at,
        "error": run.row.error,
        "summary": run.summary,
        "plan": run.plan,
    })
}

fn items(plan: &Value, key: &str) -> Vec<Value> {
    plan.get(key)
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

fn text(value: &Value, key: &str) -> String {
    value
        .get(key)
        .map(|field| match field {
            Value::String(text) => text.clone(),
            Value::Null => String::new(),
            other => other.to_string(),
        })
        .unwrap_or_default()
}

fn memberships(list: &Value) -> String {
    list.as_array()
        .into_iter()
        .flatten()
        .map(|m| format!("{} ({})", text(m, "school"), text(m, "kind")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn print_section(title: &str, lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    println!("{title} ({}):", lines.len());
    for line in lines.iter().take(SHOWN) {
        println!("  {line}");
    }
    if lines.len() > SHOWN {
        println!("  … and {} more (--json shows all)", lines.len() - SHOWN);
    }
}

pub(super) fn print_plan(run: &SyncRun) {
    let summary = &run.summary;
    println!(
        "sync {} {}: {} listing, {} accounts in the directory, {} requests ({} throttled)",
        run.row.id,
        run.row.status,
        if summary["full"].as_bool().unwrap_or(false) {
            "full"
        } else {
            "delta"
        },
        summary["accountsInDirectory"],
        summary["requests"],
        summary["throttled"],
    );
    let plan = &run.plan;
    print_section(
        "add",
        items(plan, "add")
            .iter()
            .map(|add| {
                format!(
                    "+ {} <{}> → {} ({})",
                    text(add, "name"),
                    text(add, "email"),
                    text(add, "school"),
                    text(add, "kind")
                )
            })
            .collect(),
    );
    print_section(
        "update",
        items(plan, "update")
            .iter()
            .map(|update| {
                let mut parts: Vec<String> = items(update, "changes")
                    .iter()
                    .map(|c| {
                        format!(
                            "{} '{}' → '{}'",
                            text(c, "field"),
                            text(c, "from"),
                            text(c, "to")
                        )
                    })
                    .collect();
                if update["join"]
                    .as_array()
                    .is_some_and(|list| !list.is_empty())
                {
                    parts.push(format!("joins {}", memberships(&update["join"])));
                }
                if update["leave"]
                    .as_array()
                    .is_some_and(|list| !list.is_empty())
                {
                    parts.push(format!("leaves {}", memberships(&update["leave"])));
                }
                format!("~ {}: {}", text(update, "name"), parts.join("; "))
            })
            .collect(),
    );
    print_section(
        "leave",
        items(plan, "leave")
            .iter()
            .map(|leaver| {
                format!(
                    "- {}: leaves {}",
                    text(leaver, "name"),
                    memberships(&leaver["memberships"])
                )
            })
            .collect(),
    );
    print_section(
        "not mapped",
        items(plan, "unmapped")
            .iter()
            .map(|account| {
                format!(
                    "? {} ({}): {}",
                    text(account, "name"),
                    text(account, "directory_id"),
                    text(account, "reason")
                )
            })
            .collect(),
    );
    for alarm in items(plan, "alarms") {
        println!(
            "! {} would lose {} of its {} people: applying needs --confirm-leavers",
            text(&alarm, "school"),
            text(&alarm, "leaving"),
            text(&alarm, "people")
        );
    }
    if plan["ignored"].as_u64().unwrap_or(0) > 0 {
        println!("ignored by the rules: {}", plan["ignored"]);
    }
}
