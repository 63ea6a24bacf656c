//! The record of processing activities (article 30): activities of the trust or of one
//! school, kept by the DPO and trust admins (a school admin for their school's), read by
//! anyone who sees casework, and exported in the ICO's template layout.

use std::collections::BTreeMap;

use attest_domain::processing::{ActivityInput, ProcessingActivity, ROPA_CSV_HEADER, ropa_row};
use attest_domain::{Principal, SchoolId};
use attest_store::{ProcessingActivities, Schools, StoredActivity, Suppliers, TransactionTrait};
use serde_json::json;

use super::{Reach, reach, require_worker};
use crate::audit::{Change, record};
use crate::signing::{csv_error, finish_csv, safe_cell};
use crate::{App, AppError};

/// The export's file name.
pub const ROPA_CSV_NAME: &str = "record-of-processing-activities.csv";

impl App {
    pub async fn processing_activities(
        &self,
        principal: &Principal,
    ) -> Result<Vec<StoredActivity>, AppError> {
        reach(principal)?;
        Ok(ProcessingActivities::new(&self.db, &principal.scope())
            .list()
            .await?)
    }

    /// Adds (no `id`) or replaces an activity; its suppliers must be the trust's.
    pub async fn save_processing_activity(
        &self,
        principal: &Principal,
        id: Option<uuid::Uuid>,
        school: Option<SchoolId>,
        input: ActivityInput,
    ) -> Result<StoredActivity, AppError> {
        let reach = require_worker(principal)?;
        if reach == Reach::Schools
            && !school.is_some_and(|school| principal.can_manage_school(school))
        {
            return Err(AppError::forbidden(
                "a school admin keeps their own school's activities; the DPO keeps the trust's",
            ));
        }
        self.rate_limits.hit(
            crate::Limit::Casework,
            &crate::rate_limit::principal_key(principal),
        )?;
        let activity = ProcessingActivity::parse(input)?;
        let scope = principal.scope();
        if let Some(school) = school {
            Schools::new(&self.db, &scope).get(school).await?;
        }
        let suppliers = Suppliers::new(&self.db, &principal.scope()).list().await?;
        if let Some(unknown) = activity
            .suppliers
            .iter()
            .find(|wanted| !suppliers.iter().any(|supplier| supplier.id == **wanted))
        {
            return Err(AppError::invalid(
                "suppliers",
                format!("{unknown} is not one of the trust's suppliers"),
            ));
        }
        let at = self.now();
        let txn = self.db.begin().await?;
        let activities = ProcessingActivities::new(&txn, &scope);
        let before = match id {
            Some(id) => Some(activities.get(id).await?),
            None => None,
        };
        if let Some(before) = &before
            && reach == Reach::Schools
            && before.school.is_none()
        {
            return Err(AppError::forbidden(
                "only the DPO and trust admins change the trust's own activities",
            ));
        }
        let id = activities.save(id, school, &activity, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "processing_activity.save",
                subject_type: "processing_activity",
                subject_id: id,
                before: before
                    .as_ref()
                    .map(|before| json!(before.activity))
                    .as_ref(),
                after: Some(&json!({ "school": school, "activity": activity })),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(ProcessingActivities::new(&self.db, &scope).get(id).await?)
    }

    pub async fn delete_processing_activity(
        &self,
        principal: &Principal,
        id: uuid::Uuid,
    ) -> Result<(), AppError> {
        let reach = require_worker(principal)?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let activities = ProcessingActivities::new(&txn, &scope);
        let before = activities.get(id).await?;
        if reach == Reach::Schools && before.school.is_none() {
            return Err(AppError::forbidden(
                "only the DPO and trust admins change the trust's own activities",
            ));
        }
        activities.delete(id).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "processing_activity.delete",
                subject_type: "processing_activity",
                subject_id: id,
                before: Some(&json!(before.activity)),
                after: None::<&serde_json::Value>,
            },
        )
        .await?;
        txn.commit().await?;
        Ok(())
    }

    /// The record in the ICO's documentation template layout, one activity a row.
    pub async fn processing_record_csv(&self, principal: &Principal) -> Result<String, AppError> {
        let activities = self.processing_activities(principal).await?;
        self.rate_limits.hit(
            crate::Limit::Export,
            &crate::rate_limit::principal_key(principal),
        )?;
        let scope = principal.scope();
        let schools: BTreeMap<_, _> = Schools::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|school| (school.id, school.name.as_str().to_owned()))
            .collect();
        let suppliers: BTreeMap<_, _> = Suppliers::new(&self.db, &principal.scope())
            .list()
            .await?
            .into_iter()
            .map(|stored| {
                let supplier = &stored.supplier;
                let dpa = supplier.dpa_signed_on.map_or_else(
                    || "no DPA recorded".to_owned(),
                    |day| format!("DPA signed {day}"),
                );
                (stored.id, format!("{} ({dpa})", supplier.name))
            })
            .collect();
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(ROPA_CSV_HEADER).map_err(csv_error)?;
        for stored in activities {
            let processors: Vec<String> = stored
                .activity
                .suppliers
                .iter()
                .filter_map(|id| suppliers.get(id).cloned())
                .collect();
            let school = stored
                .school
                .and_then(|school| schools.get(&school).map(String::as_str));
            let row = ropa_row(&stored.activity, &processors, school);
            writer
                .write_record(row.iter().map(|cell| safe_cell(cell)))
                .map_err(csv_error)?;
        }
        finish_csv(writer)
    }
}
