//! Who is on a breach: whoever triaged it, until the DPO hands it to someone else who
//! may act as the DPO (a holder of the DPO role, or a trust admin where the trust lets
//! trust admins act as the DPO). The desk's countdown shows them.

use std::collections::BTreeMap;

use attest_domain::{BreachHandler, BreachId, PersonId, Principal, Role};
use attest_store::{People, RoleGrants};
use serde_json::json;

use super::BreachView;
use crate::{App, AppError};

impl App {
    /// The people a breach may be handed to, by name.
    pub async fn breach_handlers(
        &self,
        principal: &Principal,
    ) -> Result<Vec<BreachHandler>, AppError> {
        // One read of the settings decides both who may ask and who is listed.
        let settings = self.breach_settings_of(principal).await?;
        if !settings.may_act_as_dpo(principal) {
            return Err(AppError::forbidden("only the DPO can hand breaches on"));
        }
        let scope = principal.scope();
        let grants = RoleGrants::new(&self.db, &scope);
        let mut holders = grants.active_with_role(Role::Dpo, None).await?;
        if settings.trust_admins_act_as_dpo {
            holders.extend(grants.active_with_role(Role::TrustAdmin, None).await?);
        }
        let ids: Vec<PersonId> = holders.iter().map(|grant| grant.person).collect();
        let by_name: BTreeMap<String, PersonId> = People::new(&self.db, &scope)
            .by_ids(&ids)
            .await?
            .into_iter()
            .map(|person| (person.full_name.as_str().to_owned(), person.id))
            .collect();
        Ok(by_name
            .into_iter()
            .map(|(name, person)| BreachHandler { person, name })
            .collect())
    }

    /// Hands a breach to `person`, who must be able to act as the DPO.
    pub async fn assign_breach(
        &self,
        principal: &Principal,
        id: BreachId,
        version: u32,
        person: PersonId,
    ) -> Result<BreachView, AppError> {
        let handler = self
            .breach_handlers(principal)
            .await?
            .into_iter()
            .find(|handler| handler.person == person)
            .ok_or_else(|| {
                AppError::invalid(
                    "personId",
                    "a breach can be handed only to someone who acts as the DPO",
                )
            })?;
        self.change_breach(principal, id, version, "assigned", move |breach, _| {
            if !breach.status.is_open() {
                return Err(AppError::invalid(
                    "personId",
                    "the breach is closed: nobody needs to be on it",
                ));
            }
            let detail = json!({
                "person_id": handler.person,
                "name": handler.name,
                "previous": breach.record.handler.as_ref().map(|previous| &previous.name),
            });
            breach.record.handler = Some(handler);
            Ok(detail)
        })
        .await
    }

    /// The person acting, as a breach's handler (`None` for a token or the server).
    pub(super) async fn handler_of(
        &self,
        principal: &Principal,
    ) -> Result<Option<BreachHandler>, AppError> {
        let attest_domain::Actor::Person(person) = principal.actor() else {
            return Ok(None);
        };
        let person = People::new(&self.db, &principal.scope())
            .get(person)
            .await?;
        Ok(Some(BreachHandler {
            person: person.id,
            name: person.full_name.as_str().to_owned(),
        }))
    }
}
