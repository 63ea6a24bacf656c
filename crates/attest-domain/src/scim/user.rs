//! What a provisioned user means to attest: the account a sync would have read, so that
//! SCIM goes through the same mapping rules and plan as directory sync.

use serde_json::{Map, Value};

use super::resource::field;
use super::schema::ENTERPRISE_SCHEMA;
use crate::DirectoryUser;

fn text<'a>(object: &'a Value, name: &str) -> Option<&'a str> {
    field(object, name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// The address attest writes to: the primary email, else the work one, else the first,
/// else the userName when it is an address (Entra's userPrincipalName usually is).
pub fn preferred_email(user: &Value) -> Option<String> {
    let emails: Vec<&Value> = field(user, "emails")
        .and_then(Value::as_array)
        .map(|emails| emails.iter().collect())
        .unwrap_or_default();
    let value = |email: &&Value| text(email, "value").map(str::to_owned);
    emails
        .iter()
        .find(|email| field(email, "primary").and_then(Value::as_bool) == Some(true))
        .and_then(value)
        .or_else(|| {
            emails
                .iter()
                .find(|email| text(email, "type").is_some_and(|t| t.eq_ignore_ascii_case("work")))
                .and_then(value)
        })
        .or_else(|| emails.first().and_then(value))
        .or_else(|| {
            text(user, "userName")
                .filter(|name| name.contains('@'))
                .map(str::to_owned)
        })
}

/// The name attest shows: displayName, else name.formatted, else given and family
/// names, else the userName.
pub fn display_name(user: &Value) -> String {
    if let Some(name) = text(user, "displayName") {
        return name.to_owned();
    }
    let name = field(user, "name").cloned().unwrap_or(Value::Null);
    if let Some(formatted) = text(&name, "formatted") {
        return formatted.to_owned();
    }
    let parts: Vec<&str> = [text(&name, "givenName"), text(&name, "familyName")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        text(user, "userName").unwrap_or_default().to_owned()
    } else {
        parts.join(" ")
    }
}

/// A stored SCIM user as a directory account: `id` is attest's SCIM id, `groups` the
/// display names of the SCIM groups it is a member of.
pub fn directory_user(id: &str, stored: &Map<String, Value>, groups: Vec<String>) -> DirectoryUser {
    let user = Value::Object(stored.clone());
    let enterprise = field(&user, ENTERPRISE_SCHEMA)
        .cloned()
        .unwrap_or(Value::Null);
    let owned = |value: Option<&str>| value.map(str::to_owned);
    DirectoryUser {
        id: id.to_owned(),
        display_name: display_name(&user),
        email: preferred_email(&user),
        enabled: field(&user, "active")
            .and_then(Value::as_bool)
            .unwrap_or(true),
        job_title: owned(text(&user, "title")),
        department: owned(text(&enterprise, "department")),
        office_location: None,
        org_unit: None,
        organization: owned(text(&enterprise, "organization")),
        groups,
    }
}

/// The user ids a group's members name.
pub fn member_ids(stored: &Map<String, Value>) -> Vec<String> {
    stored
        .get("members")
        .and_then(Value::as_array)
        .map(|members| {
            members
                .iter()
                .filter_map(|member| text(member, "value").map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
