//! Attribute paths (RFC 7644 §3.10): `userName`, `name.givenName`,
//! `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`, and the
//! PATCH paths that add a value filter, `members[value eq "…"]` or
//! `emails[type eq "work"].value`.

use super::error::ScimError;
use super::filter::Filter;
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

/// Where a PATCH operation points.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter: `emails[type eq "work"].value`.
    pub sub: Option<String>,
}

fn valid_name(name: &str) -> bool {
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

impl PatchPath {
    pub fn parse(raw: &str) -> Result<Self, ScimError> {
        let raw = raw.trim();
        let Some(open) = raw.find('[') else {
            return Ok(Self {
                attr: AttrPath::parse(raw)?,
                filter: None,
                sub: None,
            });
        };
        let close = raw
            .rfind(']')
            .filter(|close| *close > open)
            .ok_or_else(|| ScimError::invalid_path(format!("'{raw}' has no closing ']'")))?;
        let attr = AttrPath::parse(&raw[..open])?;
        if attr.sub.is_some() || attr.attr.is_empty() {
            return Err(ScimError::invalid_path(format!(
                "'{raw}': a value filter follows a multi-valued attribute"
            )));
        }
        let filter = Filter::parse(&raw[open + 1..close])
            .map_err(|error| ScimError::invalid_path(format!("'{raw}': {}", error.detail)))?;
        let after = &raw[close + 1..];
        let sub = match after.strip_prefix('.') {
            Some(sub) if valid_name(sub) => Some(sub.to_owned()),
            None if after.is_empty() => None,
            _ => {
                return Err(ScimError::invalid_path(format!(
                    "'{raw}': '{after}' after the filter is not a sub-attribute"
                )));
            }
        };
        Ok(Self {
            attr,
            filter: Some(filter),
            sub,
        })
    }
}
