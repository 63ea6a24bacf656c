//! A trust's and its schools' settings as one file, to keep, review, move to a new
//! term or restore: mail and reminders, the reading rule, retention, breach access,
//! attributes, inductions, each policy's obligation, schedule and conditions, and each
//! school's audiences and values. Exported as JSON; imported whole after every part is
//! checked (nothing is changed while anything in the file is wrong).

mod import;

pub use import::SettingsImported;

use std::collections::BTreeMap;

use attest_domain::{
    Attribute, MembershipKind, ObligationKind, PolicyId, Principal, ReadingRule, ResignSchedule,
    RetentionSchedule,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{App, AppError};

pub const SETTINGS_FORMAT: &str = "attest-settings/1";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsFile {
    pub format: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exported_at: Option<DateTime<Utc>>,
    /// The trust exported from (a file is imported into any trust whose policies it names).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail: Option<MailPart>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading_rule: Option<ReadingRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention: Option<RetentionSchedule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breach: Option<BreachPart>,
    #[serde(default)]
    pub attributes: Vec<Attribute>,
    #[serde(default)]
    pub inductions: Vec<InductionPart>,
    #[serde(default)]
    pub policies: Vec<PolicyPart>,
    #[serde(default)]
    pub schools: Vec<SchoolPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailPart {
    pub from_name: Option<String>,
    pub from_address: Option<String>,
    pub reply_to: Option<String>,
    pub footer: Option<String>,
    /// `HH:MM` in England.
    pub window_opens: String,
    pub window_closes: String,
    pub weekends: bool,
    pub reminder_days: Vec<u32>,
    pub escalate_after_overdue_days: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BreachPart {
    pub trust_admins_act_as_dpo: bool,
    /// Schools (by slug) whose admins see special category details.
    pub special_category_schools: Vec<String>,
    pub dpo_contact: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InductionPart {
    /// Matched by name: a bundle of the same name is replaced.
    pub name: String,
    pub within_days: u32,
    pub policies: Vec<PolicyId>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyPart {
    pub id: PolicyId,
    /// For people reading the file; not imported.
    #[serde(default)]
    pub title: String,
    pub obligation: ObligationKind,
    pub resign_schedule: ResignSchedule,
    pub grace_days: u32,
    #[serde(default)]
    pub conditions: BTreeMap<String, bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolPart {
    pub slug: String,
    #[serde(default)]
    pub policies: Vec<SchoolPolicyPart>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchoolPolicyPart {
    pub policy: PolicyId,
    /// Membership kinds that owe it at this school; empty for everyone.
    #[serde(default)]
    pub audience: Vec<MembershipKind>,
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

impl App {
    /// Everything a trust admin sets, as one file.
    pub async fn export_settings(&self, principal: &Principal) -> Result<SettingsFile, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can export the trust's settings",
            ));
        }
        let mail = self.mail_settings(principal).await?;
        let breach = self.breach_settings_of(principal).await?;
        let schools = self.schools(principal).await?;
        let slug_of: BTreeMap<_, _> = schools
            .iter()
            .map(|school| (school.id, school.slug.to_string()))
            .collect();
        let policies = self.policies(principal, None).await?;
        let ids: Vec<PolicyId> = policies.iter().map(|policy| policy.id).collect();
        let mut conditions = self.policy_conditions(principal, &ids).await?;
        let mut school_parts = Vec::new();
        for school in &schools {
            let mut parts = Vec::new();
            for policy in &policies {
                if policy.school.is_some_and(|owner| owner != school.id)
                    || policy.kind == attest_domain::PolicyKind::TrustTemplate
                {
                    continue;
                }
                let settings = self
                    .school_policy_settings(principal, policy.id, school.id)
                    .await?;
                if settings.audience.is_empty() && settings.variables.is_empty() {
                    continue;
                }
                parts.push(SchoolPolicyPart {
                    policy: policy.id,
                    audience: settings.audience,
                    variables: settings.variables,
                });
            }
            school_parts.push(SchoolPart {
                slug: school.slug.to_string(),
                policies: parts,
            });
        }
        Ok(SettingsFile {
            format: SETTINGS_FORMAT.to_owned(),
            exported_at: Some(self.now()),
            trust: Some(self.trust(principal).await?.slug.to_string()),
            mail: Some(MailPart {
                from_name: mail.from_name.clone(),
                from_address: mail.from_address.as_ref().map(|a| a.as_str().to_owned()),
                reply_to: mail.reply_to.as_ref().map(|a| a.as_str().to_owned()),
                footer: mail.footer.clone(),
                window_opens: attest_domain::clock_text(mail.window.opens),
                window_closes: attest_domain::clock_text(mail.window.closes),
                weekends: mail.window.weekends,
                reminder_days: mail.plan.reminder_days.clone(),
                escalate_after_overdue_days: mail.plan.escalate_after_overdue_days,
            }),
            reading_rule: Some(self.signing_reading_rule(principal).await?),
            retention: Some(self.retention_schedule(principal).await?),
            breach: Some(BreachPart {
                trust_admins_act_as_dpo: breach.trust_admins_act_as_dpo,
                special_category_schools: breach
                    .special_category_schools
                    .iter()
                    .filter_map(|school| slug_of.get(school).cloned())
                    .collect(),
                dpo_contact: breach.dpo_contact,
            }),
            attributes: self.attributes(principal).await?,
            inductions: self
                .induction_bundles(principal)
                .await?
                .into_iter()
                .map(|bundle| InductionPart {
                    name: bundle.name,
                    within_days: bundle.within_days,
                    policies: bundle.items,
                })
                .collect(),
            policies: policies
                .iter()
                .map(|policy| PolicyPart {
                    id: policy.id,
                    title: policy.title.clone(),
                    obligation: policy.obligation,
                    resign_schedule: policy.resign_schedule,
                    grace_days: policy.grace_days,
                    conditions: conditions
                        .remove(&policy.id)
                        .unwrap_or_default()
                        .into_iter()
                        .collect(),
                })
                .collect(),
            schools: school_parts,
        })
    }
}
