//! A SCIM resource as attest keeps it: the attributes its schema declares (unknown ones
//! are dropped, not stored), checked and normalised on the way in; served with `id`,
//! `schemas` and `meta`, and cut to `attributes` / `excludedAttributes` on the way out.

use serde_json::{Map, Value, json};

use super::error::ScimError;
use super::path::AttrPath;
use super::schema::{
    AttrType, Attribute, ENTERPRISE_SCHEMA, ENTERPRISE_USER, EXTERNAL_ID, GROUP, Schema, USER,
};

/// Longest string value kept.
pub const MAX_VALUE_LENGTH: usize = 2048;
/// Most values of a multi-valued attribute other than a group's members.
pub const MAX_VALUES: usize = 100;
/// Most members of one group.
pub const MAX_MEMBERS: usize = 50_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResourceKind {
    User,
    Group,
}

/// A field of a JSON object by name, as SCIM names are: case-insensitively.
pub fn field<'a>(object: &'a Value, name: &str) -> Option<&'a Value> {
    let object = object.as_object()?;
    object.get(name).or_else(|| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// When a resource was made and last changed, and its version (for ETags).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meta {
    pub created: chrono::DateTime<chrono::Utc>,
    pub last_modified: chrono::DateTime<chrono::Utc>,
    pub version: i64,
}

impl ResourceKind {
    pub const fn name(self) -> &'static str {
        match self {
            Self::User => "User",
            Self::Group => "Group",
        }
    }

    pub const fn endpoint(self) -> &'static str {
        match self {
            Self::User => "Users",
            Self::Group => "Groups",
        }
    }

    pub fn core(self) -> &'static Schema {
        match self {
            Self::User => &USER,
            Self::Group => &GROUP,
        }
    }

    pub fn extension(self) -> Option<&'static Schema> {
        match self {
            Self::User => Some(&ENTERPRISE_USER),
            Self::Group => None,
        }
    }

    /// The attribute a path names, and the extension it lives in (`None`: the core).
    pub fn attribute(self, path: &AttrPath) -> Option<(Option<&'static str>, &'static Attribute)> {
        let extension = self.extension();
        let core_or_none = path
            .schema
            .as_deref()
            .is_none_or(|schema| schema.eq_ignore_ascii_case(self.core().id));
        if core_or_none && path.attr.eq_ignore_ascii_case(EXTERNAL_ID.name) {
            return Some((None, &EXTERNAL_ID));
        }
        match path.schema.as_deref() {
            Some(schema) if schema.eq_ignore_ascii_case(self.core().id) => {
                Attribute::find(self.core().attributes, &path.attr).map(|a| (None, a))
            }
            Some(schema) => extension
                .filter(|extension| extension.id.eq_ignore_ascii_case(schema))
                .and_then(|extension| {
                    Attribute::find(extension.attributes, &path.attr)
                        .map(|a| (Some(extension.id), a))
                }),
            None => Attribute::find(self.core().attributes, &path.attr)
                .map(|a| (None, a))
                .or_else(|| {
                    extension.and_then(|extension| {
                        Attribute::find(extension.attributes, &path.attr)
                            .map(|a| (Some(extension.id), a))
                    })
                }),
        }
    }

    /// The node a path's attribute has in a resource (its sub-attribute not followed).
    pub fn lookup<'a>(self, resource: &'a Value, path: &AttrPath) -> Option<&'a Value> {
        match self.attribute(path) {
            Some((Some(extension), attribute)) => {
                field(field(resource, extension)?, attribute.name)
            }
            Some((None, attribute)) => field(resource, attribute.name),
            None => field(resource, &path.attr),
        }
    }

    /// Whether values at `path` compare case-exactly.
    pub fn case_exact(self, path: &AttrPath) -> bool {
        if ["id", "externalId", "meta"]
            .iter()
            .any(|name| name.eq_ignore_ascii_case(&path.attr))
        {
            return true;
        }
        match self.attribute(path) {
            Some((_, attribute)) => match &path.sub {
                Some(sub) => Attribute::find(attribute.sub, sub).is_some_and(|sub| sub.case_exact),
                None => attribute.case_exact,
            },
            None => false,
        }
    }

    /// Checks a resource as a client sent it and returns what is stored.
    pub fn clean(self, input: &Value) -> Result<Map<String, Value>, ScimError> {
        let object = input
            .as_object()
            .ok_or_else(|| ScimError::invalid_syntax("the resource is not a JSON object"))?;
        let mut out = Map::new();
        let mut extension_values = Map::new();
        for (key, value) in object {
            if ["schemas", "id", "meta"]
                .iter()
                .any(|skip| skip.eq_ignore_ascii_case(key))
            {
                continue;
            }
            if key.eq_ignore_ascii_case("externalId") {
                match value {
                    Value::Null => {}
                    Value::String(id) if id.trim().is_empty() => {}
                    Value::String(id) => {
                        check_length("externalId", id)?;
                        out.insert("externalId".to_owned(), json!(id.trim()));
                    }
                    _ => return Err(ScimError::invalid_value("externalId: expected a string")),
                }
                continue;
            }
            if let Some(extension) = self
                .extension()
                .filter(|extension| extension.id.eq_ignore_ascii_case(key))
            {
                let Value::Object(fields) = value else {
                    if value.is_null() {
                        continue;
                    }
                    return Err(ScimError::invalid_value(format!(
                        "{key}: expected an object of the extension's attributes"
                    )));
                };
                for (name, value) in fields {
                    if let Some(attribute) = Attribute::find(extension.attributes, name)
                        && let Some(value) = clean_value(attribute, value, attribute.name)?
                    {
                        extension_values.insert(attribute.name.to_owned(), value);
                    }
                }
                continue;
            }
            let Ok(path) = AttrPath::parse(key) else {
                continue;
            };
            if path.sub.is_some() {
                continue;
            }
            if let Some((container, attribute)) = self.attribute(&path)
                && let Some(value) = clean_value(attribute, value, attribute.name)?
            {
                match container {
                    Some(_) => extension_values.insert(attribute.name.to_owned(), value),
                    None => out.insert(attribute.name.to_owned(), value),
                };
            }
        }
        if !extension_values.is_empty() {
            out.insert(
                ENTERPRISE_SCHEMA.to_owned(),
                Value::Object(extension_values),
            );
        }
        for attribute in self.core().attributes.iter().filter(|a| a.required) {
            if !out.contains_key(attribute.name) {
                return Err(ScimError::invalid_value(format!(
                    "{}: is required for a {}",
                    attribute.name,
                    self.name()
                )));
            }
        }
        Ok(out)
    }

    /// The resource as served.
    pub fn render(self, id: &str, stored: &Map<String, Value>, meta: &Meta, base: &str) -> Value {
        let mut out = Map::new();
        let mut schemas = vec![json!(self.core().id)];
        if stored.contains_key(ENTERPRISE_SCHEMA) {
            schemas.push(json!(ENTERPRISE_SCHEMA));
        }
        out.insert("schemas".to_owned(), Value::Array(schemas));
        out.insert("id".to_owned(), json!(id));
        for (key, value) in stored {
            out.insert(key.clone(), value.clone());
        }
        let stamp = |at: chrono::DateTime<chrono::Utc>| {
            at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
        };
        out.insert(
            "meta".to_owned(),
            json!({
                "resourceType": self.name(),
                "created": stamp(meta.created),
                "lastModified": stamp(meta.last_modified),
                "location": format!("{base}/{}/{id}", self.endpoint()),
                "version": etag(meta.version),
            }),
        );
        Value::Object(out)
    }
}

/// A version as an ETag.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

fn check_length(name: &str, value: &str) -> Result<(), ScimError> {
    if value.chars().count() > MAX_VALUE_LENGTH {
        return Err(ScimError::invalid_value(format!(
            "{name}: longer than {MAX_VALUE_LENGTH} characters"
        )));
    }
    Ok(())
}

/// One attribute's value checked against its definition; `None` when it holds nothing.
pub(super) fn clean_value(
    attribute: &Attribute,
    value: &Value,
    name: &str,
) -> Result<Option<Value>, ScimError> {
    if value.is_null() {
        return Ok(None);
    }
    if attribute.multi {
        let items: Vec<&Value> = match value {
            Value::Array(items) => items.iter().collect(),
            single => vec![single],
        };
        let limit = if attribute.name == "members" {
            MAX_MEMBERS
        } else {
            MAX_VALUES
        };
        if items.len() > limit {
            return Err(ScimError::too_many(format!(
                "{name}: more than {limit} values"
            )));
        }
        let mut cleaned = Vec::with_capacity(items.len());
        for item in items {
            if let Some(item) = clean_single(attribute, item, name)?
                && !cleaned.contains(&item)
            {
                cleaned.push(item);
            }
        }
        return Ok((!cleaned.is_empty()).then_some(Value::Array(cleaned)));
    }
    clean_single(attribute, value, name)
}

fn clean_single(
    attribute: &Attribute,
    value: &Value,
    name: &str,
) -> Result<Option<Value>, ScimError> {
    match (attribute.kind, value) {
        (_, Value::Null) => Ok(None),
        (AttrType::String | AttrType::Reference, Value::String(text)) => {
            check_length(name, text)?;
            Ok((!text.is_empty()).then(|| json!(text)))
        }
        (AttrType::String, Value::Number(number)) => Ok(Some(json!(number.to_string()))),
        (AttrType::Boolean, Value::Bool(flag)) => Ok(Some(json!(flag))),
        // Entra ID sends `"active": "False"` in some PATCH requests.
        (AttrType::Boolean, Value::String(text)) if text.eq_ignore_ascii_case("true") => {
            Ok(Some(json!(true)))
        }
        (AttrType::Boolean, Value::String(text)) if text.eq_ignore_ascii_case("false") => {
            Ok(Some(json!(false)))
        }
        (AttrType::Complex, Value::Object(fields)) => {
            let mut out = Map::new();
            for (key, value) in fields {
                if let Some(sub) = Attribute::find(attribute.sub, key)
                    && let Some(value) = clean_single(sub, value, &format!("{name}.{}", sub.name))?
                {
                    out.insert(sub.name.to_owned(), value);
                }
            }
            Ok((!out.is_empty()).then_some(Value::Object(out)))
        }
        (kind, other) => Err(ScimError::invalid_value(format!(
            "{name}: expected {}, not {other}",
            match kind {
                AttrType::String | AttrType::Reference => "a string",
                AttrType::Boolean => "true or false",
                AttrType::Complex => "an object",
            }
        ))),
    }
}
