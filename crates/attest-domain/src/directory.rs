//! A trust's staff directory: Microsoft Entra ID (through Microsoft Graph) or Google
//! Workspace (through the Admin SDK Directory API). What a connection must name, the
//! mapping rules as an admin writes them, and how a delta from the provider is laid
//! over the last full list before a sync is planned.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::identity::{is_guid, service_url};
use crate::{
    DirectoryUser, DomainError, MappingRules, MatchField, Matcher, MembershipKind, SchoolId,
};

/// Share of a school's people a sync may mark as left before it stops for confirmation.
pub const DEFAULT_MAX_LEAVER_SHARE: f64 = 0.10;

/// The issuer under which a SCIM-provisioned account's attest-made id is kept.
pub const SCIM_ISSUER: &str = "urn:scim";

/// Where Google's ID tokens come from: a Google account's directory id is its `sub`.
pub const GOOGLE_ISSUER: &str = "https://accounts.google.com";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    Microsoft,
    Google,
    /// Pushed to attest over SCIM 2.0 rather than read from the provider.
    Scim,
}

impl DirectoryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Microsoft => "microsoft",
            Self::Google => "google",
            Self::Scim => "scim",
        }
    }
}

impl FromStr for DirectoryKind {
    type Err = DomainError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim() {
            "microsoft" => Ok(Self::Microsoft),
            "google" => Ok(Self::Google),
            "scim" => Ok(Self::Scim),
            other => Err(DomainError::invalid(
                "kind",
                format!("'{other}' is not microsoft, google or scim"),
            )),
        }
    }
}

impl fmt::Display for DirectoryKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A directory connection as an admin describes it (the secret travels separately).
#[derive(Debug, Clone, Default)]
pub struct DirectoryInput {
    pub kind: String,
    /// Microsoft: the trust's tenant id and the app registration's client id.
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    /// Google: the service account's email, the admin it acts as (domain-wide
    /// delegation) and the customer (`my_customer` unless told).
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    /// Overrides of the providers' addresses (for a sovereign cloud, or tests).
    pub api_base: Option<String>,
    pub token_url: Option<String>,
    pub max_leaver_share: Option<f64>,
}

/// A checked connection, without its secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DirectorySettings {
    pub kind: DirectoryKind,
    pub tenant_id: Option<String>,
    pub client_id: Option<String>,
    pub service_account: Option<String>,
    pub admin_subject: Option<String>,
    pub customer: Option<String>,
    pub api_base: String,
    pub token_url: String,
    pub max_leaver_share: f64,
}

fn required(field: &'static str, value: Option<&String>, why: &str) -> Result<String, DomainError> {
    value
        .map(|value| value.trim().to_owned())
        .filter(|value| !value.is_empty())
        .ok_or_else(|| DomainError::invalid(field, format!("is required {why}")))
}

fn email_like(field: &'static str, value: String) -> Result<String, DomainError> {
    match value.split_once('@') {
        Some((local, domain)) if !local.is_empty() && domain.contains('.') => Ok(value),
        _ => Err(DomainError::invalid(
            field,
            format!("'{value}' is not an email address"),
        )),
    }
}

impl DirectorySettings {
    pub fn parse(input: &DirectoryInput) -> Result<Self, DomainError> {
        let kind: DirectoryKind = input.kind.parse()?;
        let max_leaver_share = input.max_leaver_share.unwrap_or(DEFAULT_MAX_LEAVER_SHARE);
        if !(0.0..=1.0).contains(&max_leaver_share) {
            return Err(DomainError::invalid(
                "max_leaver_share",
                format!("{max_leaver_share} is not a share between 0 and 1 (0.1 is 10%)"),
            ));
        }
        let url = |field, given: &Option<String>, default: String| match given {
            Some(given) if !given.trim().is_empty() => service_url(field, given),
            _ => Ok(default),
        };
        match kind {
            DirectoryKind::Microsoft => {
                let tenant = required("tenant_id", input.tenant_id.as_ref(), "for Microsoft")?
                    .to_lowercase();
                if !is_guid(&tenant) {
                    return Err(DomainError::invalid(
                        "tenant_id",
                        format!("'{tenant}' is not a directory (tenant) id GUID"),
                    ));
                }
                let client_id = required("client_id", input.client_id.as_ref(), "for Microsoft")?;
                Ok(Self {
                    kind,
                    token_url: url(
                        "token_url",
                        &input.token_url,
                        format!("https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
                    )?,
                    api_base: url(
                        "api_base",
                        &input.api_base,
                        "https://graph.microsoft.com/v1.0".to_owned(),
                    )?,
                    tenant_id: Some(tenant),
                    client_id: Some(client_id),
                    service_account: None,
                    admin_subject: None,
                    customer: None,
                    max_leaver_share,
                })
            }
            DirectoryKind::Scim => {
                // An Entra tenant, when named, lets a SCIM user whose externalId is an
                // object id keep the identity that sync and sign-in know it by.
                let tenant_id = match input.tenant_id.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(tenant) if is_guid(tenant) => Some(tenant.to_lowercase()),
                    Some(tenant) => {
                        return Err(DomainError::invalid(
                            "tenant_id",
                            format!("'{tenant}' is not a directory (tenant) id GUID"),
                        ));
                    }
                };
                Ok(Self {
                    kind,
                    tenant_id,
                    client_id: None,
                    service_account: None,
                    admin_subject: None,
                    customer: None,
                    api_base: String::new(),
                    token_url: String::new(),
                    max_leaver_share,
                })
            }
            DirectoryKind::Google => {
                let service_account = email_like(
                    "service_account",
                    required(
                        "service_account",
                        input.service_account.as_ref(),
                        "for Google",
                    )?,
                )?;
                let admin_subject = email_like(
                    "admin_subject",
                    required(
                        "admin_subject",
                        input.admin_subject.as_ref(),
                        "for Google: the Workspace admin the service account acts as",
                    )?,
                )?;
                let customer = input
                    .customer
                    .as_deref()
                    .map(str::trim)
                    .filter(|customer| !customer.is_empty())
                    .unwrap_or("my_customer")
                    .to_owned();
                if !customer
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(DomainError::invalid(
                        "customer",
                        format!("'{customer}' is not a customer id such as C01abc23d"),
                    ));
                }
                Ok(Self {
                    kind,
                    token_url: url(
                        "token_url",
                        &input.token_url,
                        "https://oauth2.googleapis.com/token".to_owned(),
                    )?,
                    api_base: url(
                        "api_base",
                        &input.api_base,
                        "https://admin.googleapis.com".to_owned(),
                    )?,
                    tenant_id: None,
                    client_id: None,
                    service_account: Some(service_account),
                    admin_subject: Some(admin_subject),
                    customer: Some(customer),
                    max_leaver_share,
                })
            }
        }
    }

    /// The issuer under which a synced account's directory id is kept, so the SSO sign-in
    /// finds the person on first login: Entra accounts by tenant and object id, Google
    /// accounts by their id, which is also their ID tokens' subject.
    pub fn identity_issuer(&self) -> String {
        match self.kind {
            DirectoryKind::Microsoft => format!(
                "urn:entra:{}",
                self.tenant_id.as_deref().unwrap_or_default()
            ),
            DirectoryKind::Google => GOOGLE_ISSUER.to_owned(),
            DirectoryKind::Scim => SCIM_ISSUER.to_owned(),
        }
    }
}

/// One rule as an admin writes it: "accounts whose `field` is `value`" → `target` (a
/// school slug, or a membership kind; nothing for ignore rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    pub field: String,
    pub value: String,
    #[serde(default)]
    pub target: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SyncRulesInput {
    #[serde(default)]
    pub schools: Vec<RuleInput>,
    #[serde(default)]
    pub kinds: Vec<RuleInput>,
    #[serde(default)]
    pub default_kind: Option<String>,
    #[serde(default)]
    pub ignore: Vec<RuleInput>,
}

impl MatchField {
    pub const ALL: [Self; 7] = [
        Self::Group,
        Self::OrgUnit,
        Self::Department,
        Self::OfficeLocation,
        Self::JobTitle,
        Self::EmailDomain,
        Self::Organization,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Group => "group",
            Self::OrgUnit => "org_unit",
            Self::Department => "department",
            Self::OfficeLocation => "office_location",
            Self::JobTitle => "job_title",
            Self::EmailDomain => "email_domain",
            Self::Organization => "organization",
        }
    }
}

fn rule_error(list: &str, index: usize, part: &str, message: impl fmt::Display) -> DomainError {
    DomainError::invalid("rules", format!("{list}[{index}].{part}: {message}"))
}

fn matcher(
    kind: DirectoryKind,
    list: &str,
    index: usize,
    rule: &RuleInput,
) -> Result<Matcher, DomainError> {
    let field = MatchField::ALL
        .into_iter()
        .find(|field| field.as_str() == rule.field.trim())
        .ok_or_else(|| {
            let names: Vec<&str> = MatchField::ALL.iter().map(|f| f.as_str()).collect();
            rule_error(
                list,
                index,
                "field",
                format!("'{}' is not one of {}", rule.field, names.join(", ")),
            )
        })?;
    let usable = match kind {
        DirectoryKind::Microsoft => {
            !matches!(field, MatchField::OrgUnit | MatchField::Organization)
        }
        DirectoryKind::Google => !matches!(field, MatchField::Group | MatchField::Organization),
        DirectoryKind::Scim => field != MatchField::OrgUnit,
    };
    if !usable {
        let why = match kind {
            DirectoryKind::Microsoft => {
                "Entra ID sync reads no org units or organization; use group or department"
            }
            DirectoryKind::Google => {
                "Google Workspace accounts are mapped by org unit, not group or organization"
            }
            DirectoryKind::Scim => {
                "SCIM users have no org unit; use group, organization or department"
            }
        };
        return Err(rule_error(list, index, "field", why));
    }
    let value = rule.value.trim();
    if value.is_empty() {
        return Err(rule_error(list, index, "value", "is empty"));
    }
    if field == MatchField::OrgUnit && !value.starts_with('/') {
        return Err(rule_error(
            list,
            index,
            "value",
            format!("'{value}' is not an org unit path such as /Staff/Riverside"),
        ));
    }
    Ok(Matcher {
        field,
        value: value.to_owned(),
    })
}

impl MappingRules {
    /// Checks an admin's rules; `school` finds a school of the trust by slug.
    pub fn parse(
        kind: DirectoryKind,
        input: &SyncRulesInput,
        school: impl Fn(&str) -> Option<SchoolId>,
    ) -> Result<Self, DomainError> {
        let membership_kind = |raw: &str| {
            MembershipKind::ALL
                .into_iter()
                .find(|kind| kind.as_str() == raw.trim())
        };
        let mut rules = MappingRules::default();
        for (index, rule) in input.schools.iter().enumerate() {
            let target = school(rule.target.trim()).ok_or_else(|| {
                rule_error(
                    "schools",
                    index,
                    "target",
                    format!("no school of this trust has the slug '{}'", rule.target),
                )
            })?;
            rules
                .schools
                .push((matcher(kind, "schools", index, rule)?, target));
        }
        for (index, rule) in input.kinds.iter().enumerate() {
            let target = membership_kind(&rule.target).ok_or_else(|| {
                rule_error(
                    "kinds",
                    index,
                    "target",
                    format!("'{}' is not a membership kind", rule.target),
                )
            })?;
            rules
                .kinds
                .push((matcher(kind, "kinds", index, rule)?, target));
        }
        rules.default_kind = match input.default_kind.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(membership_kind(raw).ok_or_else(|| {
                DomainError::invalid(
                    "rules",
                    format!("defaultKind: '{raw}' is not a membership kind"),
                )
            })?),
        };
        for (index, rule) in input.ignore.iter().enumerate() {
            rules.ignore.push(matcher(kind, "ignore", index, rule)?);
        }
        if rules.schools.is_empty() {
            return Err(DomainError::invalid(
                "rules",
                "schools: at least one rule is needed to say which account belongs to which school",
            ));
        }
        Ok(rules)
    }

    /// The rules as an admin would write them again; `slug` names a school.
    pub fn to_input(&self, slug: impl Fn(SchoolId) -> String) -> SyncRulesInput {
        let rule = |matcher: &Matcher, target: String| RuleInput {
            field: matcher.field.as_str().to_owned(),
            value: matcher.value.clone(),
            target,
        };
        SyncRulesInput {
            schools: self
                .schools
                .iter()
                .map(|(matcher, school)| rule(matcher, slug(*school)))
                .collect(),
            kinds: self
                .kinds
                .iter()
                .map(|(matcher, kind)| rule(matcher, kind.as_str().to_owned()))
                .collect(),
            default_kind: self.default_kind.map(|kind| kind.as_str().to_owned()),
            ignore: self
                .ignore
                .iter()
                .map(|matcher| rule(matcher, String::new()))
                .collect(),
        }
    }

    /// The groups the rules name: only their members need fetching.
    pub fn groups(&self) -> Vec<String> {
        let mut groups: Vec<String> = self
            .schools
            .iter()
            .map(|(matcher, _)| matcher)
            .chain(self.kinds.iter().map(|(matcher, _)| matcher))
            .chain(&self.ignore)
            .filter(|matcher| matcher.field == MatchField::Group)
            .map(|matcher| matcher.value.clone())
            .collect();
        groups.sort();
        groups.dedup();
        groups
    }
}

/// A field a delta sets: absent (unchanged), or set to a value or to nothing.
pub type Patch<T> = Option<T>;

/// An account as a delta reports it: only what changed is present (Graph sends "at least
/// the updated properties"); a full listing sets every field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountChange {
    pub id: String,
    pub display_name: Patch<String>,
    pub email: Patch<Option<String>>,
    pub enabled: Patch<bool>,
    pub job_title: Patch<Option<String>>,
    pub department: Patch<Option<String>>,
    pub office_location: Patch<Option<String>>,
    pub org_unit: Patch<Option<String>>,
}

/// What the provider said since the last sync.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectoryChanges {
    /// A full listing replaces the last one: accounts it does not list are gone.
    pub full: bool,
    pub accounts: Vec<AccountChange>,
    /// Accounts a delta reported as deleted.
    pub removed: Vec<String>,
    /// Members of the groups the rules name, by group name (Graph only; fetched whole
    /// every time, since a delta says nothing about them).
    pub groups: Option<BTreeMap<String, Vec<String>>>,
}

fn set<T>(target: &mut T, patch: Patch<T>) {
    if let Some(value) = patch {
        *target = value;
    }
}

/// The directory as it is now: the last full list (`snapshot`, by account id) with the
/// changes laid over it.
pub fn apply_changes(
    snapshot: &BTreeMap<String, DirectoryUser>,
    changes: &DirectoryChanges,
) -> BTreeMap<String, DirectoryUser> {
    let mut now = if changes.full {
        BTreeMap::new()
    } else {
        snapshot.clone()
    };
    for change in &changes.accounts {
        let user = now
            .entry(change.id.clone())
            .or_insert_with(|| DirectoryUser {
                id: change.id.clone(),
                enabled: true,
                ..DirectoryUser::default()
            });
        set(&mut user.display_name, change.display_name.clone());
        set(&mut user.email, change.email.clone());
        set(&mut user.enabled, change.enabled);
        set(&mut user.job_title, change.job_title.clone());
        set(&mut user.department, change.department.clone());
        set(&mut user.office_location, change.office_location.clone());
        set(&mut user.org_unit, change.org_unit.clone());
    }
    for id in &changes.removed {
        now.remove(id);
    }
    if let Some(groups) = &changes.groups {
        let mut by_user: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (group, members) in groups {
            for member in members {
                by_user.entry(member).or_default().push(group.clone());
            }
        }
        for user in now.values_mut() {
            user.groups = by_user.remove(user.id.as_str()).unwrap_or_default();
        }
    }
    now
}

#[cfg(test)]
mod tests;
