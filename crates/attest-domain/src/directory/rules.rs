//! Mapping rules as an admin writes them, checked and compiled into matchers.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::DirectoryKind;
use crate::{DomainError, MappingRules, MatchField, Matcher, MembershipKind, SchoolId};

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
