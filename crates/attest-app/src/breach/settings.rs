//! Who besides the DPO may act on a trust's breaches.

use attest_domain::{BreachSettings, Principal, Role, SchoolId};
use attest_store::{Schools, TransactionTrait, TrustBreachSettings};
use serde_json::json;

use super::{Sight, sight};
use crate::audit::{Change, record};
use crate::{App, AppError};

impl App {
    pub async fn breach_settings(&self, principal: &Principal) -> Result<BreachSettings, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins see the breach settings",
            ));
        }
        self.breach_settings_of(principal).await
    }

    /// Lets trust admins act as the DPO, and grants school admins of these schools the
    /// special category details of their breaches. The DPO or a trust admin decides.
    pub async fn set_breach_settings(
        &self,
        principal: &Principal,
        settings: BreachSettings,
    ) -> Result<BreachSettings, AppError> {
        if !(principal.has_role(Role::Dpo) || principal.can_administer_trust()) {
            return Err(AppError::forbidden(
                "only the DPO or a trust admin can change the breach settings",
            ));
        }
        let scope = principal.scope();
        let known: std::collections::BTreeSet<SchoolId> = Schools::new(&self.db, &scope)
            .list()
            .await?
            .into_iter()
            .map(|school| school.id)
            .collect();
        if let Some(unknown) = settings
            .special_category_schools
            .iter()
            .find(|school| !known.contains(school))
        {
            return Err(AppError::invalid(
                "specialCategorySchoolIds",
                format!("{unknown} is not a school of this trust"),
            ));
        }
        let settings = BreachSettings {
            dpo_contact: attest_domain::breach_optional_text(
                "dpoContact",
                settings.dpo_contact.as_deref(),
            )?,
            ..settings
        };
        let at = self.now();
        let txn = self.db.begin().await?;
        let store = TrustBreachSettings::new(&txn, &scope);
        let before = store.get().await?;
        store.put(&settings, at).await?;
        let describe = |settings: &BreachSettings| {
            json!({
                "trustAdminsActAsDpo": settings.trust_admins_act_as_dpo,
                "specialCategorySchools": settings.special_category_schools,
            })
        };
        record(
            &txn,
            principal,
            at,
            Change {
                action: "breach.settings_changed",
                subject_type: "trust",
                subject_id: scope.trust().as_uuid(),
                before: Some(&describe(&before)),
                after: Some(&describe(&settings)),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(settings)
    }
}
