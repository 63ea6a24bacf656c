//! The breach page's section on the processing activities and suppliers a breach
//! touched: what is linked, and for the DPO the form to change it.

use attest_app::{App, AppError};
use attest_domain::{BreachId, Principal};
use minijinja::{Value, context};

/// What the page shows: the linked records by name, and the choices for the DPO.
pub(super) async fn records_context(
    app: &App,
    principal: &Principal,
    breach: BreachId,
    acts: bool,
) -> Result<Value, AppError> {
    let linked = app.breach_records(principal, breach).await?;
    let activities = match app.processing_activities(principal).await {
        Ok(activities) => activities,
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(error) => return Err(error),
    };
    let suppliers = match app.suppliers(principal).await {
        Ok(suppliers) => suppliers,
        Err(AppError::Forbidden(_)) => Vec::new(),
        Err(error) => return Err(error),
    };
    let mut names: Vec<String> = activities
        .iter()
        .filter(|a| linked.activities.contains(&a.id))
        .map(|a| format!("Activity: {}", a.activity.name))
        .collect();
    names.extend(
        suppliers
            .iter()
            .filter(|s| linked.suppliers.contains(&s.stored.id))
            .map(|s| format!("Supplier: {}", s.stored.supplier.name)),
    );
    Ok(context! {
        linked => names,
        activities => if acts { activities.iter().map(|a| context! { id => a.id.to_string(), name => a.activity.name.clone(), checked => linked.activities.contains(&a.id) }).collect::<Vec<_>>() } else { Vec::new() },
        suppliers => if acts { suppliers.iter().map(|s| context! { id => s.stored.id.to_string(), name => s.stored.supplier.name.clone(), checked => linked.suppliers.contains(&s.stored.id) }).collect::<Vec<_>>() } else { Vec::new() },
    })
}
