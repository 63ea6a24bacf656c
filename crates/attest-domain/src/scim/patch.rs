//! PATCH (RFC 7644 §3.5.2): add, replace and remove, with and without paths, value
//! filters (`members[value eq "…"]`, `emails[type eq "work"].value`), and what the big
//! provisioning clients actually send: capitalised operation names (`Replace`), booleans
//! as strings, fully qualified extension attributes as keys of a path-less value, and
//! `remove` of `members` with the members to remove as its value (Entra ID).

use serde_json::{Map, Value};

use super::error::ScimError;
use super::filter::{CompareOp, Filter};
use super::patch_request::{Op, PatchOperation, PatchPath};
use super::path::AttrPath;
use super::resource::{ResourceKind, field};
use super::schema::{AttrType, Attribute};

/// Applies the operations to a stored resource and checks the result as a whole.
pub fn apply_patch(
    kind: ResourceKind,
    stored: &Map<String, Value>,
    operations: &[PatchOperation],
) -> Result<Map<String, Value>, ScimError> {
    let mut resource = stored.clone();
    for operation in operations {
        let value = operation.value.clone().unwrap_or(Value::Null);
        match &operation.path {
            Some(path) if !path.attr.attr.is_empty() => {
                apply_at(kind, &mut resource, operation.op, path, value)?;
            }
            Some(path) => {
                // A whole extension named as the path.
                let schema = path.attr.schema.clone().unwrap_or_default();
                if operation.op == Op::Remove {
                    resource.retain(|key, _| !key.eq_ignore_ascii_case(&schema));
                    continue;
                }
                apply_object(kind, &mut resource, operation.op, Some(&schema), value)?;
            }
            None => apply_object(kind, &mut resource, operation.op, None, value)?,
        }
    }
    kind.clean(&Value::Object(resource))
}

/// A path-less add or replace: each key of the value is a path.
fn apply_object(
    kind: ResourceKind,
    resource: &mut Map<String, Value>,
    op: Op,
    within: Option<&str>,
    value: Value,
) -> Result<(), ScimError> {
    let Value::Object(fields) = value else {
        return Err(ScimError::invalid_value(
            "value: without a path, the value is an object of attributes",
        ));
    };
    for (key, value) in fields {
        if ["schemas", "id", "meta"]
            .iter()
            .any(|skip| skip.eq_ignore_ascii_case(&key))
        {
            continue;
        }
        let is_extension = kind
            .extension()
            .is_some_and(|extension| extension.id.eq_ignore_ascii_case(&key));
        if is_extension && within.is_none() {
            apply_object(kind, resource, op, Some(&key), value)?;
            continue;
        }
        let raw = match within {
            Some(schema) => format!("{schema}:{key}"),
            None => key.clone(),
        };
        let path = PatchPath::parse(&raw)?;
        if kind.attribute(&path.attr).is_none() {
            // Attributes attest does not keep are ignored, as on create.
            continue;
        }
        apply_at(kind, resource, op, &path, value)?;
    }
    Ok(())
}

fn container<'a>(
    resource: &'a mut Map<String, Value>,
    extension: Option<&str>,
) -> &'a mut Map<String, Value> {
    match extension {
        None => resource,
        Some(extension) => {
            let entry = resource
                .entry(extension.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry.as_object_mut().expect("an object")
        }
    }
}

fn as_list(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        single => vec![single],
    }
}

fn apply_at(
    kind: ResourceKind,
    resource: &mut Map<String, Value>,
    op: Op,
    path: &PatchPath,
    value: Value,
) -> Result<(), ScimError> {
    if path.attr.attr.eq_ignore_ascii_case("id") || path.attr.attr.eq_ignore_ascii_case("meta") {
        return Err(ScimError::mutability(format!(
            "{}: is set by attest and cannot be changed",
            path.attr.attr
        )));
    }
    let (extension, attribute) = kind.attribute(&path.attr).ok_or_else(|| {
        ScimError::invalid_path(format!(
            "{}: no such attribute of a {}",
            path.attr.describe(),
            kind.name()
        ))
    })?;
    let sub_name = path.attr.sub.as_deref().or(path.sub.as_deref());
    if let Some(sub) = sub_name
        && Attribute::find(attribute.sub, sub).is_none()
    {
        return Err(ScimError::invalid_path(format!(
            "{}: {} has no sub-attribute {sub}",
            path.attr.describe(),
            attribute.name
        )));
    }
    let sub = sub_name
        .and_then(|sub| Attribute::find(attribute.sub, sub))
        .map(|sub| sub.name);
    let target = container(resource, extension);
    let name = attribute.name.to_owned();
    if let Some(filter) = &path.filter {
        if !attribute.multi {
            return Err(ScimError::invalid_path(format!(
                "{name}: a value filter applies to multi-valued attributes only"
            )));
        }
        return apply_filtered(kind, target, op, &name, filter, sub, value, &path.attr);
    }
    match (op, sub) {
        (Op::Remove, None) => {
            if attribute.multi
                && let Some(Value::Array(have)) = target.get_mut(&name)
                && !value.is_null()
            {
                let gone: Vec<Value> = as_list(value)
                    .into_iter()
                    .filter_map(|item| field(&item, "value").cloned())
                    .collect();
                have.retain(|item| field(item, "value").is_none_or(|v| !gone.contains(v)));
            } else {
                target.remove(&name);
            }
        }
        (Op::Remove, Some(sub)) => match target.get_mut(&name) {
            Some(Value::Array(items)) => items.iter_mut().for_each(|item| {
                if let Value::Object(fields) = item {
                    fields.remove(sub);
                }
            }),
            Some(Value::Object(fields)) => {
                fields.remove(sub);
            }
            _ => {}
        },
        (_, Some(sub)) => {
            if attribute.multi {
                return Err(ScimError::invalid_path(format!(
                    "{name}.{sub}: name which {name} with a filter, as {name}[type eq \"work\"].{sub}"
                )));
            }
            let entry = target
                .entry(name)
                .or_insert_with(|| Value::Object(Map::new()));
            if !entry.is_object() {
                *entry = Value::Object(Map::new());
            }
            entry
                .as_object_mut()
                .expect("an object")
                .insert(sub.to_owned(), value);
        }
        (Op::Add, None) if attribute.multi => {
            let have = target
                .entry(name)
                .or_insert_with(|| Value::Array(Vec::new()));
            let mut items = match std::mem::take(have) {
                Value::Array(items) => items,
                Value::Null => Vec::new(),
                single => vec![single],
            };
            for item in as_list(value) {
                let same = |have: &Value| {
                    have == &item
                        || attribute.kind == AttrType::Complex
                            && field(have, "value").is_some()
                            && field(have, "value") == field(&item, "value")
                };
                if let Some(existing) = items.iter_mut().find(|have| same(have)) {
                    merge(existing, item);
                } else {
                    items.push(item);
                }
            }
            *have = Value::Array(items);
        }
        (Op::Replace, None) if attribute.multi => {
            target.insert(name, Value::Array(as_list(value)));
        }
        (_, None) if attribute.kind == AttrType::Complex => {
            let entry = target.entry(name).or_insert(Value::Null);
            if entry.is_object() && value.is_object() {
                merge(entry, value);
            } else {
                *entry = value;
            }
        }
        (_, None) => {
            target.insert(name, value);
        }
    }
    Ok(())
}

fn merge(into: &mut Value, more: Value) {
    match (into, more) {
        (Value::Object(have), Value::Object(more)) => have.extend(more),
        (into, more) => *into = more,
    }
}

/// The `attr eq "value"` conditions of a filter joined by `and`: what a new element
/// must hold when a filtered add or replace finds none.
fn equalities(filter: &Filter) -> Option<Vec<(String, Value)>> {
    match filter {
        Filter::Compare {
            path,
            op: CompareOp::Eq,
            value,
        } if path.sub.is_none() => Some(vec![(path.attr.clone(), value.clone())]),
        Filter::And(left, right) => {
            let mut both = equalities(left)?;
            both.extend(equalities(right)?);
            Some(both)
        }
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_filtered(
    kind: ResourceKind,
    target: &mut Map<String, Value>,
    op: Op,
    name: &str,
    filter: &Filter,
    sub: Option<&'static str>,
    value: Value,
    attr: &AttrPath,
) -> Result<(), ScimError> {
    let element_filter = Filter::ValuePath {
        path: attr.clone(),
        filter: Box::new(filter.clone()),
    };
    let matches = |item: &Value| {
        let mut probe = Map::new();
        probe.insert(name.to_owned(), Value::Array(vec![item.clone()]));
        let probe = Value::Object(probe);
        let unqualified = Filter::ValuePath {
            path: AttrPath {
                schema: None,
                ..attr.clone()
            },
            filter: Box::new(filter.clone()),
        };
        element_filter.matches(kind, &probe) || unqualified.matches(kind, &probe)
    };
    let items = match target.get_mut(name) {
        Some(Value::Array(items)) => items,
        _ => {
            if op == Op::Remove {
                return Ok(());
            }
            target.insert(name.to_owned(), Value::Array(Vec::new()));
            target
                .get_mut(name)
                .and_then(Value::as_array_mut)
                .expect("a list")
        }
    };
    let mut found = false;
    match op {
        Op::Remove => {
            if let Some(sub) = sub {
                for item in items.iter_mut().filter(|item| matches(item)) {
                    if let Value::Object(fields) = item {
                        fields.remove(sub);
                    }
                }
            } else {
                items.retain(|item| !matches(item));
            }
            return Ok(());
        }
        Op::Add | Op::Replace => {
            for item in items.iter_mut() {
                if !matches(item) {
                    continue;
                }
                found = true;
                match sub {
                    Some(sub) => {
                        if let Value::Object(fields) = item {
                            fields.insert(sub.to_owned(), value.clone());
                        }
                    }
                    None if op == Op::Add => merge(item, value.clone()),
                    None => *item = value.clone(),
                }
            }
        }
    }
    if !found {
        let Some(conditions) = equalities(filter) else {
            return Err(ScimError::no_target(format!(
                "{name}: no value matches the filter"
            )));
        };
        let mut element = Map::new();
        for (key, want) in conditions {
            element.insert(key, want);
        }
        match (sub, value) {
            (Some(sub), value) => {
                element.insert(sub.to_owned(), value);
            }
            (None, Value::Object(fields)) => element.extend(fields),
            (None, _) => {
                return Err(ScimError::invalid_value(format!(
                    "{name}: the value for a filtered path is an object"
                )));
            }
        }
        items.push(Value::Object(element));
    }
    Ok(())
}
