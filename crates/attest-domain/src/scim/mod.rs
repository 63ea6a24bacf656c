//! SCIM 2.0 (RFC 7643, RFC 7644) as pure rules: the schemas attest serves, paths and
//! filters, PATCH, and what a provisioned user means to directory sync. The service
//! provider itself (storage, tokens, HTTP) lives above.

mod discovery;
mod error;
mod filter;
mod patch;
mod patch_request;
mod path;
mod projection;
mod resource;
mod schema;
mod user;

pub use discovery::{known_schema, resource_types, service_provider_config};
pub use error::{ERROR_SCHEMA, ScimError};
pub use filter::{CompareOp, Filter, MAX_FILTER_LENGTH};
pub use patch::apply_patch;
pub use patch_request::{MAX_OPERATIONS, Op, PATCH_SCHEMA, PatchOperation, PatchPath, parse_patch};
pub use path::AttrPath;
pub use projection::project;
pub use resource::{MAX_MEMBERS, MAX_VALUE_LENGTH, MAX_VALUES, Meta, ResourceKind, etag, field};
pub use schema::{
    AttrType, Attribute, ENTERPRISE_SCHEMA, GROUP_SCHEMA, Mutability, Schema, USER_SCHEMA,
    all_schemas,
};
pub use user::{directory_user, display_name, member_ids, preferred_email};

pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
pub const SEARCH_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:SearchRequest";

#[cfg(test)]
mod tests;
