//! What `/ResourceTypes` and `/ServiceProviderConfig` say about this service provider.

use serde_json::{Value, json};

use super::resource::ResourceKind;
use super::schema::{GROUP_SCHEMA, USER_SCHEMA};

/// The resource types served at `/ResourceTypes`.
pub fn resource_types(base: &str) -> Vec<Value> {
    [ResourceKind::User, ResourceKind::Group]
        .into_iter()
        .map(|kind| {
            let mut out = json!({
                "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
                "id": kind.name(),
                "name": kind.name(),
                "endpoint": format!("/{}", kind.endpoint()),
                "description": kind.core().description,
                "schema": kind.core().id,
                "meta": {"resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{}", kind.name())},
            });
            if let Some(extension) = kind.extension() {
                out["schemaExtensions"] = json!([{"schema": extension.id, "required": false}]);
            }
            out
        })
        .collect()
}

/// `/ServiceProviderConfig`: what this service supports.
pub fn service_provider_config(base: &str, max_results: usize, docs: &str) -> Value {
    json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
        "documentationUri": docs,
        "patch": {"supported": true},
        "bulk": {"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
        "filter": {"supported": true, "maxResults": max_results},
        "changePassword": {"supported": false},
        "sort": {"supported": false},
        "etag": {"supported": true},
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "OAuth Bearer Token",
            "description": "A SCIM token of the trust, issued with `attest token create --role scim`",
            "specUri": "https://www.rfc-editor.org/rfc/rfc6750",
            "primary": true,
        }],
        "meta": {"resourceType": "ServiceProviderConfig", "location": format!("{base}/ServiceProviderConfig")},
    })
}

/// Whether a schema URN names one this kind of resource may carry.
pub fn known_schema(kind: ResourceKind, urn: &str) -> bool {
    let core = match kind {
        ResourceKind::User => USER_SCHEMA,
        ResourceKind::Group => GROUP_SCHEMA,
    };
    urn.eq_ignore_ascii_case(core)
        || kind
            .extension()
            .is_some_and(|extension| extension.id.eq_ignore_ascii_case(urn))
}
