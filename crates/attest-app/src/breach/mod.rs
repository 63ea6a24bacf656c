//! The DPO's breach workflow: any member of staff reports; the DPO triages (confirming
//! when the trust became aware, which starts the ICO's 72-hour clock), assesses and
//! decides with reasons, records what the ICO and the people affected were told, and
//! closes. Every change is one transaction with an append-only timeline entry and an
//! audit entry; edits carry the version they were made against (a stale one is a
//! `CONFLICT`).

mod alerts;
mod assess;
mod assign;
mod board;
mod change;
mod close;
mod evidence;
mod note;
mod notify;
mod pack;
mod register;
mod report;
mod settings;
mod staff;
mod triage;
mod view;

use attest_domain::{BreachSettings, Principal, Role, clock_start, ico_deadline, is_overdue};
use attest_store::{Breach, TrustBreachSettings};
use chrono::{DateTime, Utc};

use crate::{App, AppError};

pub use close::CloseBreachInput;
pub use evidence::EvidenceUpload;
pub use note::BreachNote;
pub use notify::{IcoNotificationInput, OtherNoticeInput, SubjectNoticeInput};
pub use pack::{IcoPack, PackAnswer, PackSection};
pub use register::BREACH_CSV_HEADER;
pub use triage::Awareness;

/// A breach as the caller may see it.
#[derive(Debug, Clone)]
pub struct BreachView {
    pub breach: Breach,
    /// Special category details were removed for this caller (a school admin).
    pub special_category_hidden: bool,
    /// The ICO deadline, once the trust's awareness is confirmed.
    pub deadline: Option<DateTime<Utc>>,
    /// The deadline counts from the discovery: the DPO has not yet confirmed when the
    /// trust became aware.
    pub deadline_provisional: bool,
    /// Past the deadline with no report to the ICO (and still open).
    pub overdue: bool,
}

/// What a caller may see of the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sight {
    /// The DPO, trust admins, the operator: everything in the trust.
    Everything,
    /// A school admin: their schools' breaches, without special category details.
    Schools,
    /// Anyone else: the reports they made.
    OwnReports,
}

fn sight(principal: &Principal) -> Sight {
    if principal.has_role(Role::Dpo) || principal.can_administer_trust() {
        Sight::Everything
    } else if principal.has_role(Role::SchoolAdmin) {
        Sight::Schools
    } else {
        Sight::OwnReports
    }
}

/// A timeline entry's detail.
fn as_detail<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(value).map_err(|error| AppError::Internal(error.to_string()))
}

impl App {
    /// The trust's breach settings (who acts for the DPO, who sees special categories).
    pub(crate) async fn breach_settings_of(
        &self,
        principal: &Principal,
    ) -> Result<BreachSettings, AppError> {
        Ok(TrustBreachSettings::new(&self.db, &principal.scope())
            .get()
            .await?)
    }

    /// Whether this caller moves breaches through the workflow (the DPO, or a trust
    /// admin where the trust allows it).
    pub async fn may_act_as_dpo(&self, principal: &Principal) -> Result<bool, AppError> {
        Ok(self
            .breach_settings_of(principal)
            .await?
            .may_act_as_dpo(principal))
    }

    /// The DPO's check, for casework that touches breaches.
    pub(crate) async fn require_breach_dpo(
        &self,
        principal: &Principal,
        what: &str,
    ) -> Result<(), AppError> {
        self.require_dpo(principal, what).await
    }

    async fn require_dpo(&self, principal: &Principal, what: &str) -> Result<(), AppError> {
        if self
            .breach_settings_of(principal)
            .await?
            .may_act_as_dpo(principal)
        {
            Ok(())
        } else {
            Err(AppError::forbidden(format!("only the DPO can {what}")))
        }
    }

    fn view(
        &self,
        principal: &Principal,
        settings: &BreachSettings,
        mut breach: Breach,
    ) -> BreachView {
        let hide = sight(principal) == Sight::Schools
            && breach.record.facts.has_special_category()
            && !settings.special_categories_granted(principal, &breach.schools);
        if hide {
            breach.record.withhold_special_category();
        }
        // Until triage the clock runs from the discovery (article 33(1)): the deadline
        // shown is provisional, but never later than the real one.
        let start = clock_start(breach.aware_at, breach.record.facts.discovered_at);
        let notified = breach.record.ico_reports.iter().any(|r| !r.follow_up);
        let overdue = breach.status.is_open() && !notified && is_overdue(start, self.now());
        let awaiting_triage = breach.aware_at.is_none() && breach.status.is_open();
        let deadline = (breach.aware_at.is_some() || awaiting_triage).then(|| ico_deadline(start));
        BreachView {
            breach,
            special_category_hidden: hide,
            deadline,
            deadline_provisional: awaiting_triage,
            overdue,
        }
    }
}

/// An API token that holds nothing but `read_only`. (Staff who sign in are people and
/// report for the schools they work at, whatever roles they also hold.)
fn read_only_token(principal: &Principal) -> bool {
    matches!(principal.actor(), attest_domain::Actor::ApiToken(_))
        && principal
            .roles()
            .iter()
            .all(|assignment| assignment.role() == attest_domain::Role::ReadOnly)
}
