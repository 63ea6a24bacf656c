//! Directory sync as a plan: given what the trust's directory (Entra ID or Google
//! Workspace) lists, the people attest already knows, and the trust's mapping rules,
//! who is to be added, updated field by field, or marked as left — and who could not be
//! mapped, and why. Nothing is changed here; the application applies a plan in one
//! transaction, and refuses one that would empty a school unless confirmed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::{MembershipKind, PersonId, SchoolId};

/// One account as the directory lists it (Microsoft Graph `/users` or Google
/// `users.list`, reduced to what mapping needs).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DirectoryUser {
    /// The provider's stable id (Entra object id, Google user id).
    pub id: String,
    pub display_name: String,
    /// `mail`, else the user principal name / primary email.
    pub email: Option<String>,
    pub enabled: bool,
    pub job_title: Option<String>,
    pub department: Option<String>,
    pub office_location: Option<String>,
    /// Google org unit path, e.g. `/Staff/Riverside`.
    pub org_unit: Option<String>,
    /// SCIM's enterprise `organization` (what Entra calls the company name).
    #[serde(default)]
    pub organization: Option<String>,
    /// Group names or ids the account belongs to.
    pub groups: Vec<String>,
}

/// What a rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchField {
    Group,
    /// Matches the org unit and everything below it.
    OrgUnit,
    Department,
    OfficeLocation,
    JobTitle,
    EmailDomain,
    /// SCIM's enterprise `organization`.
    Organization,
}

/// "Accounts whose `field` is `value`": case-insensitive, exact (org units by prefix).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matcher {
    pub field: MatchField,
    pub value: String,
}

impl Matcher {
    pub fn matches(&self, user: &DirectoryUser) -> bool {
        let value = self.value.trim();
        let same = |candidate: &Option<String>| {
            candidate
                .as_deref()
                .is_some_and(|text| text.trim().eq_ignore_ascii_case(value))
        };
        match self.field {
            MatchField::Group => user
                .groups
                .iter()
                .any(|g| g.trim().eq_ignore_ascii_case(value)),
            MatchField::OrgUnit => user.org_unit.as_deref().is_some_and(|unit| {
                let unit = unit.trim_end_matches('/').to_lowercase();
                let wanted = value.trim_end_matches('/').to_lowercase();
                unit == wanted || unit.starts_with(&format!("{wanted}/"))
            }),
            MatchField::Department => same(&user.department),
            MatchField::OfficeLocation => same(&user.office_location),
            MatchField::JobTitle => same(&user.job_title),
            MatchField::Organization => same(&user.organization),
            MatchField::EmailDomain => user.email.as_deref().is_some_and(|email| {
                email
                    .rsplit_once('@')
                    .is_some_and(|(_, domain)| domain.eq_ignore_ascii_case(value))
            }),
        }
    }
}

/// A trust's mapping rules, tried in order (the first school rule and the first kind
/// rule that match win).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappingRules {
    pub schools: Vec<(Matcher, SchoolId)>,
    pub kinds: Vec<(Matcher, MembershipKind)>,
    /// Used when no kind rule matches; `None` leaves such accounts unmapped.
    pub default_kind: Option<MembershipKind>,
    /// Accounts never to sync: shared mailboxes, pupils' accounts.
    pub ignore: Vec<Matcher>,
}

/// Someone attest already knows, with their open memberships.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownPerson {
    pub person: PersonId,
    pub directory_id: Option<String>,
    pub email: Option<String>,
    pub full_name: String,
    pub memberships: BTreeSet<(SchoolId, MembershipKind)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedAdd {
    pub directory_id: String,
    pub full_name: String,
    pub email: Option<String>,
    pub school: SchoolId,
    pub kind: MembershipKind,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedUpdate {
    pub person: PersonId,
    pub changes: Vec<FieldChange>,
    /// Memberships to open (a move to another school or kind).
    pub join: Vec<(SchoolId, MembershipKind)>,
    /// Memberships to end.
    pub leave: Vec<(SchoolId, MembershipKind)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmapped {
    pub directory_id: String,
    pub name: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct SyncPlan {
    pub add: Vec<PlannedAdd>,
    pub update: Vec<PlannedUpdate>,
    /// People no longer in the directory (or disabled): every open membership ends.
    pub leave: Vec<(PersonId, Vec<(SchoolId, MembershipKind)>)>,
    pub unmapped: Vec<Unmapped>,
    pub ignored: usize,
}

/// A school the plan would empty too far: `leaving` of its `people` would be ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeaverAlarm {
    pub school: SchoolId,
    pub leaving: usize,
    pub people: usize,
}

fn norm_email(email: &Option<String>) -> Option<String> {
    email
        .as_ref()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
}

impl MappingRules {
    /// The (school, kind) an account maps to, or why it does not.
    pub fn map(&self, user: &DirectoryUser) -> Result<(SchoolId, MembershipKind), String> {
        let school = self
            .schools
            .iter()
            .find(|(matcher, _)| matcher.matches(user))
            .map(|(_, school)| *school)
            .ok_or_else(|| {
                "no school rule matches (group, org unit, department or office)".to_owned()
            })?;
        let kind = self
            .kinds
            .iter()
            .find(|(matcher, _)| matcher.matches(user))
            .map(|(_, kind)| *kind)
            .or(self.default_kind)
            .ok_or_else(|| "no membership kind rule matches and there is no default".to_owned())?;
        Ok((school, kind))
    }
}

/// The plan for one sync: `users` is the directory's whole list (a delta is applied to
/// the last full list before planning).
pub fn plan_sync(users: &[DirectoryUser], known: &[KnownPerson], rules: &MappingRules) -> SyncPlan {
    let mut plan = SyncPlan::default();
    let by_directory_id: HashMap<&str, &KnownPerson> = known
        .iter()
        .filter_map(|person| person.directory_id.as_deref().map(|id| (id, person)))
        .collect();
    let by_email: HashMap<String, &KnownPerson> = known
        .iter()
        .filter_map(|person| norm_email(&person.email).map(|email| (email, person)))
        .collect();
    let mut seen: BTreeSet<PersonId> = BTreeSet::new();
    // Emails are unique in a trust: the first account to claim one gets it.
    let mut claimed: HashMap<String, &str> = HashMap::new();
    for user in users {
        if rules.ignore.iter().any(|matcher| matcher.matches(user)) {
            plan.ignored += 1;
            continue;
        }
        let by_link = by_directory_id.get(user.id.as_str()).copied();
        // An email match links only someone not yet linked to another account.
        let by_address = norm_email(&user.email)
            .and_then(|email| by_email.get(&email).copied())
            .filter(|person| person.directory_id.is_none());
        let existing = by_link.or(by_address);
        if !user.enabled {
            // A disabled account is someone who has left: handled with the missing ones.
            continue;
        }
        if let Some(email) = norm_email(&user.email) {
            let owner = by_email.get(&email).map(|person| person.person);
            let taken_by_other =
                owner.is_some_and(|owner| existing.is_none_or(|p| p.person != owner));
            if let Some(first) = claimed.get(&email).filter(|first| **first != user.id) {
                plan.unmapped.push(Unmapped {
                    directory_id: user.id.clone(),
                    name: user.display_name.clone(),
                    reason: format!("{email} is also the email of account {first}"),
                });
                existing.inspect(|person| {
                    seen.insert(person.person);
                });
                continue;
            }
            if taken_by_other {
                plan.unmapped.push(Unmapped {
                    directory_id: user.id.clone(),
                    name: user.display_name.clone(),
                    reason: format!("{email} belongs to another person, linked to another account"),
                });
                existing.inspect(|person| {
                    seen.insert(person.person);
                });
                continue;
            }
            claimed.insert(email, user.id.as_str());
        }
        let mapped = match rules.map(user) {
            Ok(mapped) => mapped,
            Err(reason) => {
                if let Some(person) = existing {
                    // Known but now unmappable: leave them as they are, and say so.
                    seen.insert(person.person);
                }
                plan.unmapped.push(Unmapped {
                    directory_id: user.id.clone(),
                    name: user.display_name.clone(),
                    reason,
                });
                continue;
            }
        };
        match existing {
            None => plan.add.push(PlannedAdd {
                directory_id: user.id.clone(),
                full_name: user.display_name.trim().to_owned(),
                email: norm_email(&user.email),
                school: mapped.0,
                kind: mapped.1,
            }),
            Some(person) => {
                seen.insert(person.person);
                let mut changes = Vec::new();
                if person.full_name.trim() != user.display_name.trim() {
                    changes.push(FieldChange {
                        field: "fullName",
                        from: person.full_name.clone(),
                        to: user.display_name.trim().to_owned(),
                    });
                }
                let email = norm_email(&user.email);
                if norm_email(&person.email) != email {
                    changes.push(FieldChange {
                        field: "email",
                        from: person.email.clone().unwrap_or_default(),
                        to: email.unwrap_or_default(),
                    });
                }
                if person.directory_id.as_deref() != Some(user.id.as_str()) {
                    changes.push(FieldChange {
                        field: "directoryId",
                        from: person.directory_id.clone().unwrap_or_default(),
                        to: user.id.clone(),
                    });
                }
                let join: Vec<_> = (!person.memberships.contains(&mapped))
                    .then_some(mapped)
                    .into_iter()
                    .collect();
                let leave: Vec<_> = person
                    .memberships
                    .iter()
                    .copied()
                    .filter(|membership| *membership != mapped)
                    .collect();
                if !changes.is_empty() || !join.is_empty() || !leave.is_empty() {
                    plan.update.push(PlannedUpdate {
                        person: person.person,
                        changes,
                        join,
                        leave,
                    });
                }
            }
        }
    }
    // Only people the directory brought (or linked) can leave with it: a volunteer added
    // by hand is not the directory's business.
    for person in known {
        if person.directory_id.is_some()
            && !seen.contains(&person.person)
            && !person.memberships.is_empty()
        {
            plan.leave
                .push((person.person, person.memberships.iter().copied().collect()));
        }
    }
    plan
}

/// Schools where the plan would end more than `max_share` (e.g. 0.10) of the people
/// with an open membership there: a broken mapping rule or a half-empty directory
/// looks like this, so the plan stops unless confirmed.
pub fn leaver_alarms(plan: &SyncPlan, known: &[KnownPerson], max_share: f64) -> Vec<LeaverAlarm> {
    let mut people: BTreeMap<SchoolId, BTreeSet<PersonId>> = BTreeMap::new();
    for person in known {
        for (school, _) in &person.memberships {
            people.entry(*school).or_default().insert(person.person);
        }
    }
    leaving_by_school(plan)
        .into_iter()
        .filter_map(|(school, gone)| {
            let total = people.get(&school).map_or(0, BTreeSet::len);
            alarm(school, gone.len(), total, max_share)
        })
        .collect()
}

/// For a push that touches a few accounts at a time (SCIM), the plan's leavers are
/// weighed with the day's: `headcounts` holds, per school, the people who are members
/// today and the people whose memberships ended today. A push that takes a school's
/// leavers for the day past `max_share` of those it had at the start of the day stops,
/// so a mis-scoped provisioning job cannot empty a school one request at a time.
pub fn day_leaver_alarms(
    plan: &SyncPlan,
    headcounts: &HashMap<SchoolId, (usize, usize)>,
    max_share: f64,
) -> Vec<LeaverAlarm> {
    leaving_by_school(plan)
        .into_iter()
        .filter_map(|(school, gone)| {
            let (members, ended_today) = headcounts.get(&school).copied().unwrap_or_default();
            alarm(
                school,
                gone.len() + ended_today,
                members + ended_today,
                max_share,
            )
        })
        .collect()
}

fn alarm(school: SchoolId, leaving: usize, people: usize, max_share: f64) -> Option<LeaverAlarm> {
    #[allow(clippy::cast_precision_loss)]
    let share = if people == 0 {
        0.0
    } else {
        leaving as f64 / people as f64
    };
    (share > max_share).then_some(LeaverAlarm {
        school,
        leaving,
        people,
    })
}

/// Who the plan takes out of each school (a move within a school is not leaving it).
fn leaving_by_school(plan: &SyncPlan) -> BTreeMap<SchoolId, BTreeSet<PersonId>> {
    let mut leaving: BTreeMap<SchoolId, BTreeSet<PersonId>> = BTreeMap::new();
    for (person, memberships) in &plan.leave {
        for (school, _) in memberships {
            leaving.entry(*school).or_default().insert(*person);
        }
    }
    for update in &plan.update {
        let staying: BTreeSet<SchoolId> = update.join.iter().map(|(school, _)| *school).collect();
        for (school, _) in &update.leave {
            if !staying.contains(school) {
                leaving.entry(*school).or_default().insert(update.person);
            }
        }
    }
    leaving
}

#[cfg(test)]
mod tests;
