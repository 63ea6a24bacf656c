//! Importing a settings file: read (with the line and column of a syntax error),
//! checked whole against the trust (its schools, policies and attributes), then applied
//! part by part through the same use cases an admin would call, each audited.

use std::collections::{BTreeMap, BTreeSet};

use attest_domain::{
    BreachSettings, InductionBundle, MailSettings, MailSettingsInput, PolicyId, Principal,
    SchoolId, VersionState,
};

use super::{SETTINGS_FORMAT, SettingsFile};
use crate::{App, AppError};

/// What an import changed, part by part.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsImported {
    pub parts: Vec<String>,
    pub policies: usize,
    pub school_settings: usize,
    pub attributes: usize,
    pub inductions: usize,
}

/// The largest settings file taken.
const MAX_SETTINGS_BYTES: usize = 4 * 1024 * 1024;

fn mail_input(mail: &super::MailPart) -> MailSettingsInput {
    MailSettingsInput {
        from_name: mail.from_name.clone(),
        from_address: mail.from_address.clone(),
        reply_to: mail.reply_to.clone(),
        footer: mail.footer.clone(),
        window_opens: mail.window_opens.clone(),
        window_closes: mail.window_closes.clone(),
        weekends: mail.weekends,
        reminder_days: mail.reminder_days.clone(),
        escalate_after_overdue_days: mail.escalate_after_overdue_days,
    }
}

fn bad(field: impl Into<String>, message: impl Into<String>) -> AppError {
    AppError::invalid(field, message.into())
}

impl App {
    /// Reads a settings file, checks every part, then applies them.
    pub async fn import_settings(
        &self,
        principal: &Principal,
        file: &[u8],
    ) -> Result<SettingsImported, AppError> {
        if !principal.can_administer_trust() {
            return Err(AppError::forbidden(
                "only a trust admin can import the trust's settings",
            ));
        }
        if file.len() > MAX_SETTINGS_BYTES {
            return Err(bad("file", format!("at most {MAX_SETTINGS_BYTES} bytes")));
        }
        let settings: SettingsFile = serde_json::from_slice(file).map_err(|error| {
            bad(
                "file",
                format!("line {}, column {}: {error}", error.line(), error.column()),
            )
        })?;
        if settings.format != SETTINGS_FORMAT {
            return Err(bad(
                "format",
                format!("'{}' is not {SETTINGS_FORMAT}", settings.format),
            ));
        }
        let checked = self.check_settings(principal, &settings).await?;
        self.apply_settings(principal, settings, checked).await
    }

    /// Everything the file names must exist in this trust and every value must pass
    /// its rules, before anything is changed.
    async fn check_settings(
        &self,
        principal: &Principal,
        settings: &SettingsFile,
    ) -> Result<Checked, AppError> {
        let schools: BTreeMap<String, SchoolId> = self
            .schools(principal)
            .await?
            .into_iter()
            .map(|school| (school.slug.to_string(), school.id))
            .collect();
        let school = |field: String, slug: &str| {
            schools
                .get(slug)
                .copied()
                .ok_or_else(|| bad(field, format!("'{slug}' is not a school of this trust")))
        };
        let policies = self.policies(principal, None).await?;
        let known_policy = |field: String, id: PolicyId| {
            policies
                .iter()
                .find(|policy| policy.id == id)
                .ok_or_else(|| bad(field, format!("{id} is not one of this trust's policies")))
        };
        if let Some(mail) = &settings.mail {
            MailSettings::parse(mail_input(mail))
                .map_err(|error| bad("mail", error.to_string()))?;
        }
        if let Some(rule) = &settings.reading_rule
            && rule.min_seconds > attest_domain::MAX_READING_SECONDS
        {
            return Err(bad("readingRule.minSeconds", "at most 1800 seconds"));
        }
        let mut special = BTreeSet::new();
        if let Some(breach) = &settings.breach {
            for (n, slug) in breach.special_category_schools.iter().enumerate() {
                special.insert(school(format!("breach.specialCategorySchools.{n}"), slug)?);
            }
        }
        let mut keys: BTreeSet<String> =
            self.attribute_keys(principal).await?.into_iter().collect();
        for (n, attribute) in settings.attributes.iter().enumerate() {
            keys.insert(
                attest_domain::attribute_key(&attribute.key)
                    .map_err(|error| bad(format!("attributes.{n}.key"), error.to_string()))?,
            );
        }
        for (n, part) in settings.policies.iter().enumerate() {
            let policy = known_policy(format!("policies.{n}.id"), part.id)?;
            if part.obligation != policy.obligation {
                let published = self
                    .policy_versions(principal, policy.id)
                    .await?
                    .iter()
                    .any(|version| version.state != VersionState::Draft);
                if published {
                    return Err(bad(
                        format!("policies.{n}.obligation"),
                        format!(
                            "'{}' has been published as a {} obligation; it cannot become {}",
                            policy.title, policy.obligation, part.obligation
                        ),
                    ));
                }
            }
            if let Some(key) = part.conditions.keys().find(|key| !keys.contains(*key)) {
                return Err(bad(
                    format!("policies.{n}.conditions.{key}"),
                    format!("'{key}' is not one of the trust's attributes"),
                ));
            }
        }
        let mut school_parts = Vec::new();
        for (n, part) in settings.schools.iter().enumerate() {
            let id = school(format!("schools.{n}.slug"), &part.slug)?;
            for (m, item) in part.policies.iter().enumerate() {
                known_policy(format!("schools.{n}.policies.{m}.policy"), item.policy)?;
            }
            school_parts.push(id);
        }
        let mut bundles = Vec::new();
        for (n, part) in settings.inductions.iter().enumerate() {
            for (m, policy) in part.policies.iter().enumerate() {
                known_policy(format!("inductions.{n}.policies.{m}"), *policy)?;
            }
            bundles.push(
                InductionBundle::new(
                    uuid::Uuid::nil(),
                    &part.name,
                    part.within_days,
                    part.policies.clone(),
                )
                .map_err(|error| bad(format!("inductions.{n}"), error.to_string()))?,
            );
        }
        Ok(Checked {
            special,
            school_parts,
            bundles,
        })
    }

    async fn apply_settings(
        &self,
        principal: &Principal,
        settings: SettingsFile,
        checked: Checked,
    ) -> Result<SettingsImported, AppError> {
        let mut report = SettingsImported::default();
        for attribute in &settings.attributes {
            self.define_attribute(
                principal,
                &attribute.key,
                &attribute.label,
                attribute.description.as_deref(),
                attribute.directory_rule.clone(),
            )
            .await?;
            report.attributes += 1;
        }
        if let Some(mail) = &settings.mail {
            self.set_mail_settings(principal, mail_input(mail)).await?;
            report.parts.push("mail".to_owned());
        }
        if let Some(rule) = settings.reading_rule {
            self.set_reading_rule(principal, rule).await?;
            report.parts.push("reading_rule".to_owned());
        }
        if let Some(retention) = &settings.retention {
            for kind in attest_domain::RecordKind::ALL {
                self.set_retention(
                    principal,
                    Some((kind, retention.periods.get(&kind).copied())),
                    None,
                )
                .await?;
            }
            self.set_retention(principal, None, Some(retention.automatic))
                .await?;
            report.parts.push("retention".to_owned());
        }
        if let Some(breach) = &settings.breach {
            self.set_breach_settings(
                principal,
                BreachSettings {
                    trust_admins_act_as_dpo: breach.trust_admins_act_as_dpo,
                    special_category_schools: checked.special.clone(),
                    dpo_contact: breach.dpo_contact.clone(),
                },
            )
            .await?;
            report.parts.push("breach".to_owned());
        }
        for part in &settings.policies {
            let current = self.policy(principal, part.id).await?;
            if current.obligation != part.obligation {
                self.set_policy_obligation(principal, part.id, part.obligation)
                    .await?;
            }
            if current.resign_schedule != part.resign_schedule
                || current.grace_days != part.grace_days
            {
                self.set_signing_rules(principal, part.id, part.resign_schedule, part.grace_days)
                    .await?;
            }
            self.set_policy_conditions(principal, part.id, part.conditions.clone())
                .await?;
            report.policies += 1;
        }
        for (part, school) in settings.schools.iter().zip(&checked.school_parts) {
            for item in &part.policies {
                let current = self
                    .school_policy_settings(principal, item.policy, *school)
                    .await?;
                // Values not in the file are cleared, so the school ends as the file says.
                let mut values: BTreeMap<String, String> = current
                    .variables
                    .keys()
                    .map(|key| (key.clone(), String::new()))
                    .collect();
                values.extend(item.variables.clone());
                self.set_school_variables(
                    principal,
                    item.policy,
                    *school,
                    values,
                    Some(item.audience.clone()),
                )
                .await?;
                report.school_settings += 1;
            }
        }
        let existing = self.induction_bundles(principal).await?;
        for bundle in checked.bundles {
            let id = existing
                .iter()
                .find(|found| found.name == bundle.name)
                .map(|found| found.id);
            self.save_induction_bundle(
                principal,
                id,
                &bundle.name,
                bundle.within_days,
                bundle.items,
            )
            .await?;
            report.inductions += 1;
        }
        Ok(report)
    }
}

/// What checking found, for applying.
struct Checked {
    special: BTreeSet<SchoolId>,
    school_parts: Vec<SchoolId>,
    bundles: Vec<InductionBundle>,
}
