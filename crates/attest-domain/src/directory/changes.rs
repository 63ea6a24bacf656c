//! A provider's delta laid over the last full list.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::DirectoryUser;

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
