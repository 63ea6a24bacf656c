//! Induction bundles and each new starter's checklist.

use std::collections::BTreeMap;

use attest_domain::{
    Checklist, InductionBundle, PersonId, PolicyId, Principal, SchoolId, checklist,
};
use attest_store::{Inductions, Memberships, Policies, TransactionTrait};
use chrono::{Days, NaiveDate};

use crate::audit::{Change, record};
use crate::{App, AppError};

/// How long after starting a starter's checklist stays on the school's page.
const STARTERS_SHOWN_DAYS: u64 = 365;

/// One new starter's checklist for one bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StarterChecklist {
    pub person: PersonId,
    pub full_name: String,
    pub bundle: uuid::Uuid,
    pub bundle_name: String,
    pub checklist: Checklist,
}

impl App {
    /// Adds a bundle (no `id`) or replaces one. Trust admins only: inductions are the
    /// trust's, and their items may be any school's or the trust's obligations.
    pub async fn save_induction_bundle(
        &self,
        principal: &Principal,
        id: Option<uuid::Uuid>,
        name: &str,
        within_days: u32,
        items: Vec<PolicyId>,
    ) -> Result<InductionBundle, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can set the trust's inductions",
            ));
        }
        let bundle = InductionBundle::new(
            id.unwrap_or_else(uuid::Uuid::now_v7),
            name,
            within_days,
            items,
        )?;
        let scope = principal.scope();
        let at = self.now();
        let txn = self.db.begin().await?;
        let found = Policies::new(&txn, &scope).by_ids(&bundle.items).await?;
        if let Some(missing) = bundle
            .items
            .iter()
            .find(|item| !found.iter().any(|policy| policy.id == **item))
        {
            return Err(AppError::invalid(
                "policyIds",
                format!("{missing} is not one of the trust's policies"),
            ));
        }
        let inductions = Inductions::new(&txn, &scope);
        let before = inductions
            .list()
            .await?
            .into_iter()
            .find(|existing| existing.id == bundle.id);
        if id.is_some() && before.is_none() {
            return Err(AppError::NotFound("induction not found".to_owned()));
        }
        inductions.save(&bundle, at).await?;
        record(
            &txn,
            principal,
            at,
            Change {
                action: "induction.save",
                subject_type: "induction_bundle",
                subject_id: bundle.id,
                before: before.as_ref(),
                after: Some(&bundle),
            },
        )
        .await?;
        txn.commit().await?;
        Ok(bundle)
    }

    pub async fn induction_bundles(
        &self,
        principal: &Principal,
    ) -> Result<Vec<InductionBundle>, AppError> {
        Ok(Inductions::new(&self.db, &principal.scope()).list().await?)
    }

    /// The checklists of a school's starters of the last year, newest first.
    pub async fn induction_checklists(
        &self,
        principal: &Principal,
        school: SchoolId,
    ) -> Result<Vec<StarterChecklist>, AppError> {
        let matrix = self
            .school_obligation_matrix(principal, school, None)
            .await?;
        self.induction_checklists_in(principal, &matrix).await
    }

    /// The checklists of the starters of a school whose matrix the caller already has.
    pub async fn induction_checklists_in(
        &self,
        principal: &Principal,
        matrix: &crate::ObligationMatrix,
    ) -> Result<Vec<StarterChecklist>, AppError> {
        let school = matrix.school;
        let bundles = self.induction_bundles(principal).await?;
        if bundles.is_empty() || matrix.rows.is_empty() {
            return Ok(Vec::new());
        }
        let today = self.today();
        let since = today
            .checked_sub_days(Days::new(STARTERS_SHOWN_DAYS))
            .unwrap_or(NaiveDate::MIN);
        let people: Vec<PersonId> = matrix.rows.iter().map(|row| row.person).collect();
        let mut started: BTreeMap<PersonId, NaiveDate> = BTreeMap::new();
        for membership in Memberships::new(&self.db, &principal.scope())
            .for_people(&people)
            .await?
        {
            if membership.school == school
                && membership.is_active_on(today)
                && membership.started_on >= since
            {
                let first = started
                    .entry(membership.person)
                    .or_insert(membership.started_on);
                *first = (*first).min(membership.started_on);
            }
        }
        let mut checklists = Vec::new();
        for row in &matrix.rows {
            let Some(started_on) = started.get(&row.person) else {
                continue;
            };
            for bundle in &bundles {
                let list = checklist(bundle, *started_on, |policy| {
                    let column = matrix.columns.iter().position(|c| c.policy == policy)?;
                    let cell = row.cells.get(column)?.as_ref()?;
                    Some((cell.status, cell.done_on))
                });
                // A bundle none of whose items the starter owes is not theirs.
                if list
                    .items
                    .iter()
                    .all(|item| item.state == attest_domain::ItemState::NotRequired)
                {
                    continue;
                }
                checklists.push(StarterChecklist {
                    person: row.person,
                    full_name: row.full_name.clone(),
                    bundle: bundle.id,
                    bundle_name: bundle.name.clone(),
                    checklist: list,
                });
            }
        }
        checklists.sort_by(|a, b| {
            b.checklist
                .started_on
                .cmp(&a.checklist.started_on)
                .then_with(|| a.full_name.cmp(&b.full_name))
        });
        Ok(checklists)
    }
}
