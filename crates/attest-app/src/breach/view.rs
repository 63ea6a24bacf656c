//! Reading breaches: the register as the caller may see it, one breach, its timeline.

use attest_domain::{BreachId, Principal};
use attest_store::{BreachEvent, BreachFilter, Breaches};

use super::{BreachView, Sight, sight};
use crate::{App, AppError};

impl App {
    /// Where a caller's register reads: their scope, or for someone who sees only the
    /// reports they made, the whole trust (every read is then filtered by reporter).
    pub(super) fn register_scope(&self, principal: &Principal) -> attest_domain::TenantScope {
        match (sight(principal), principal.own_records()) {
            (Sight::OwnReports, Some(own)) => own.keyed().1.clone(),
            _ => principal.scope(),
        }
    }

    /// The register, filtered, as the caller may see it.
    pub async fn breaches(
        &self,
        principal: &Principal,
        mut filter: BreachFilter,
    ) -> Result<Vec<BreachView>, AppError> {
        let scope = self.register_scope(principal);
        if sight(principal) == Sight::OwnReports {
            let Some(me) = principal.actor().id() else {
                return Ok(Vec::new());
            };
            filter.reported_by = Some(me);
        }
        let settings = self.breach_settings_of(principal).await?;
        Ok(Breaches::new(&self.db, &scope)
            .list(&filter)
            .await?
            .into_iter()
            .map(|breach| self.view(principal, &settings, breach))
            .collect())
    }

    pub async fn breach(
        &self,
        principal: &Principal,
        id: BreachId,
    ) -> Result<BreachView, AppError> {
        let breach = Breaches::new(&self.db, &self.register_scope(principal))
            .get(id)
            .await?;
        if sight(principal) == Sight::OwnReports && principal.actor().id() != breach.reported_by {
            return Err(AppError::NotFound("breach not found".to_owned()));
        }
        let settings = self.breach_settings_of(principal).await?;
        Ok(self.view(principal, &settings, breach))
    }

    /// The breach's timeline: the DPO and trust admins only.
    pub async fn breach_timeline(
        &self,
        principal: &Principal,
        id: BreachId,
    ) -> Result<Vec<BreachEvent>, AppError> {
        if sight(principal) != Sight::Everything {
            return Err(AppError::forbidden(
                "only the DPO and trust admins see a breach's timeline",
            ));
        }
        Ok(Breaches::new(&self.db, &principal.scope())
            .events(id)
            .await?)
    }
}
