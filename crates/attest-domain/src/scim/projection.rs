//! `attributes` and `excludedAttributes` (RFC 7644 §3.4.2.5): what of a served resource
//! a client asked to see.

use serde_json::{Map, Value};

use super::path::AttrPath;
use super::resource::ResourceKind;

/// Cuts a served resource to what `attributes` asks for, or without what
/// `excludedAttributes` names; `id` and `schemas` always stay.
pub fn project(
    kind: ResourceKind,
    resource: Value,
    attributes: &[AttrPath],
    excluded: &[AttrPath],
) -> Value {
    let Value::Object(mut full) = resource else {
        return resource;
    };
    let key_of = |path: &AttrPath| -> Option<(Option<&'static str>, String)> {
        match kind.attribute(path) {
            Some((container, attribute)) => Some((container, attribute.name.to_owned())),
            None if path.schema.is_none() => Some((None, path.attr.clone())),
            None => None,
        }
    };
    if !attributes.is_empty() {
        let mut out = Map::new();
        for always in ["schemas", "id"] {
            if let Some(value) = full.get(always) {
                out.insert(always.to_owned(), value.clone());
            }
        }
        for path in attributes {
            if path.attr.is_empty() {
                if let Some(value) = path.schema.as_deref().and_then(|schema| {
                    full.iter()
                        .find(|(key, _)| key.eq_ignore_ascii_case(schema))
                        .map(|(key, value)| (key.clone(), value.clone()))
                }) {
                    out.insert(value.0, value.1);
                }
                continue;
            }
            let Some((container, name)) = key_of(path) else {
                continue;
            };
            let source = match container {
                Some(extension) => full.get(extension).and_then(Value::as_object),
                None => Some(&full),
            };
            let Some(value) = source.and_then(|source| {
                source
                    .iter()
                    .find(|(key, _)| key.eq_ignore_ascii_case(&name))
                    .map(|(_, value)| value.clone())
            }) else {
                continue;
            };
            let value = match &path.sub {
                Some(sub) => keep_sub(value, sub),
                None => value,
            };
            let target = match container {
                Some(extension) => out
                    .entry(extension.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut(),
                None => Some(&mut out),
            };
            if let Some(target) = target {
                merge_into(target, name, value);
            }
        }
        return Value::Object(out);
    }
    for path in excluded {
        let Some((container, name)) = key_of(path) else {
            continue;
        };
        if name == "id" || name == "schemas" {
            continue;
        }
        let target = match container {
            Some(extension) => full.get_mut(extension).and_then(Value::as_object_mut),
            None => Some(&mut full),
        };
        if let Some(target) = target {
            match &path.sub {
                Some(sub) => {
                    if let Some(value) = target.get_mut(&name) {
                        drop_sub(value, sub);
                    }
                }
                None => {
                    target.remove(&name);
                }
            }
        }
    }
    Value::Object(full)
}

fn keep_sub(value: Value, sub: &str) -> Value {
    let keep = |item: Value| match item {
        Value::Object(fields) => Value::Object(
            fields
                .into_iter()
                .filter(|(key, _)| key.eq_ignore_ascii_case(sub))
                .collect(),
        ),
        other => other,
    };
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(keep).collect()),
        single => keep(single),
    }
}

fn drop_sub(value: &mut Value, sub: &str) {
    let drop = |item: &mut Value| {
        if let Value::Object(fields) = item {
            fields.retain(|key, _| !key.eq_ignore_ascii_case(sub));
        }
    };
    match value {
        Value::Array(items) => items.iter_mut().for_each(drop),
        single => drop(single),
    }
}

fn merge_into(target: &mut Map<String, Value>, name: String, value: Value) {
    match (target.get_mut(&name), value) {
        (Some(Value::Object(have)), Value::Object(more)) => have.extend(more),
        (_, value) => {
            target.insert(name, value);
        }
    }
}
