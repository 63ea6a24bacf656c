//! Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`.

use super::error::ScimError;
use super::schema::{ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA};

/// An attribute, maybe qualified by its schema, maybe naming one sub-attribute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttrPath {
    /// The schema URN given before the name, lower-cased; `None` when unqualified.
    pub schema: Option<String>,
    /// Empty when the path names a whole extension (`urn:…:enterprise:2.0:User`).
    pub attr: String,
    pub sub: Option<String>,
}

pub(super) fn valid_name(name: &str) -> bool {
    name == "$ref"
        || name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

const KNOWN_SCHEMAS: [&str; 3] = [USER_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA];

impl AttrPath {
    pub fn parse(raw: &str) -> Result<Self, ScimError> {
        let raw = raw.trim();
        let bad = || ScimError::invalid_path(format!("'{raw}' is not an attribute path"));
        if let Some(schema) = KNOWN_SCHEMAS
            .into_iter()
            .find(|schema| schema.eq_ignore_ascii_case(raw))
        {
            return Ok(Self {
                schema: Some(schema.to_lowercase()),
                attr: String::new(),
                sub: None,
            });
        }
        let (schema, rest) = if raw.len() > 4 && raw[..4].eq_ignore_ascii_case("urn:") {
            let at = raw.rfind(':').ok_or_else(bad)?;
            (Some(raw[..at].to_lowercase()), &raw[at + 1..])
        } else {
            (None, raw)
        };
        let (attr, sub) = match rest.split_once('.') {
            Some((attr, sub)) => (attr, Some(sub)),
            None => (rest, None),
        };
        if !valid_name(attr) || sub.is_some_and(|sub| !valid_name(sub)) {
            return Err(bad());
        }
        Ok(Self {
            schema,
            attr: attr.to_owned(),
            sub: sub.map(str::to_owned),
        })
    }

    /// Whether the path is qualified by the enterprise extension.
    pub fn in_extension(&self) -> bool {
        self.schema.as_deref() == Some(&ENTERPRISE_SCHEMA.to_lowercase())
    }

    /// The attribute as written, for messages.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        if let Some(schema) = &self.schema {
            out.push_str(schema);
            if !self.attr.is_empty() {
                out.push(':');
            }
        }
        out.push_str(&self.attr);
        if let Some(sub) = &self.sub {
            out.push('.');
            out.push_str(sub);
        }
        out
    }
}
