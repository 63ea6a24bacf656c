//! A PATCH request (RFC 7644 §3.5.2) as read: its operations, each with its path.

use serde_json::Value;

use super::error::ScimError;
use super::filter::Filter;
use super::path::{AttrPath, valid_name};
use super::resource::field;

/// Where a PATCH operation points.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchPath {
    pub attr: AttrPath,
    pub filter: Option<Filter>,
    /// The sub-attribute after a value filter: `emails[type eq "work"].value`.
    pub sub: Option<String>,
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

pub const PATCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
/// Most operations in one PATCH request.
pub const MAX_OPERATIONS: usize = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Add,
    Replace,
    Remove,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PatchOperation {
    pub op: Op,
    pub path: Option<PatchPath>,
    pub value: Option<Value>,
}

/// Reads a PATCH request's body.
pub fn parse_patch(body: &Value) -> Result<Vec<PatchOperation>, ScimError> {
    if let Some(schemas) = field(body, "schemas").and_then(Value::as_array)
        && !schemas.iter().any(|schema| {
            schema
                .as_str()
                .is_some_and(|s| s.eq_ignore_ascii_case(PATCH_SCHEMA))
        })
    {
        return Err(ScimError::invalid_syntax(format!(
            "schemas: a PATCH request names {PATCH_SCHEMA}"
        )));
    }
    let operations = field(body, "Operations")
        .and_then(Value::as_array)
        .ok_or_else(|| ScimError::invalid_syntax("Operations: expected a list of operations"))?;
    if operations.len() > MAX_OPERATIONS {
        return Err(ScimError::too_many(format!(
            "Operations: more than {MAX_OPERATIONS} in one request"
        )));
    }
    operations
        .iter()
        .enumerate()
        .map(|(index, operation)| {
            let op = match field(operation, "op")
                .and_then(Value::as_str)
                .map(str::to_ascii_lowercase)
            {
                Some(op) if op == "add" => Op::Add,
                Some(op) if op == "replace" => Op::Replace,
                Some(op) if op == "remove" => Op::Remove,
                other => {
                    return Err(ScimError::invalid_syntax(format!(
                        "Operations[{index}].op: {} is not add, replace or remove",
                        other.map_or_else(|| "nothing".to_owned(), |op| format!("'{op}'"))
                    )));
                }
            };
            let path = match field(operation, "path") {
                None | Some(Value::Null) => None,
                Some(Value::String(path)) if path.trim().is_empty() => None,
                Some(Value::String(path)) => Some(PatchPath::parse(path)?),
                Some(_) => {
                    return Err(ScimError::invalid_path(format!(
                        "Operations[{index}].path: expected a string"
                    )));
                }
            };
            let value = field(operation, "value")
                .filter(|value| !value.is_null())
                .cloned();
            if op != Op::Remove && value.is_none() {
                return Err(ScimError::invalid_value(format!(
                    "Operations[{index}].value: an {} needs a value",
                    if op == Op::Add { "add" } else { "replace" }
                )));
            }
            if op == Op::Remove && path.is_none() {
                return Err(ScimError::no_target(format!(
                    "Operations[{index}].path: remove needs a path"
                )));
            }
            Ok(PatchOperation { op, path, value })
        })
        .collect()
}
