//! The SCIM 2.0 service provider (RFC 7644): the users and groups a trust's identity
//! system (Entra ID, Okta, JumpCloud, OneLogin) pushes to `/scim/v2`, kept as SCIM
//! resources and, through the trust's SCIM connection, turned into people and
//! memberships by the same rules as a sync. Only a token with the `scim` role gets here.

mod groups;
mod list;
mod members;
mod users;

use attest_domain::scim::{AttrPath, ScimError, etag};
use attest_domain::{Principal, Role, SystemTask, TenantScope};
use serde_json::Value;

use crate::rate_limit::Limit;
use crate::{App, AppError};

pub use list::{DEFAULT_COUNT, MAX_RESULTS, ScimListQuery};

/// `attributes` / `excludedAttributes` of a request.
#[derive(Debug, Clone, Default)]
pub struct ScimProjection {
    pub attributes: Vec<AttrPath>,
    pub excluded: Vec<AttrPath>,
}

impl ScimProjection {
    /// From the comma-separated query parameters.
    pub fn parse(attributes: Option<&str>, excluded: Option<&str>) -> Result<Self, AppError> {
        let list = |raw: Option<&str>| -> Result<Vec<AttrPath>, AppError> {
            raw.map(|raw| {
                raw.split(',')
                    .map(str::trim)
                    .filter(|name| !name.is_empty())
                    .map(|name| AttrPath::parse(name).map_err(AppError::Scim))
                    .collect()
            })
            .unwrap_or_else(|| Ok(Vec::new()))
        };
        Ok(Self {
            attributes: list(attributes)?,
            excluded: list(excluded)?,
        })
    }

    fn wants(&self, attribute: &str) -> bool {
        let named = |paths: &[AttrPath]| {
            paths
                .iter()
                .any(|path| path.attr.eq_ignore_ascii_case(attribute))
        };
        if self.attributes.is_empty() {
            !named(&self.excluded)
        } else {
            named(&self.attributes)
        }
    }
}

/// What a write carries besides its body: the version the client last read.
#[derive(Debug, Clone, Default)]
pub struct ScimWrite<'a> {
    pub if_match: Option<&'a str>,
}

impl ScimWrite<'_> {
    fn check(&self, version: i64) -> Result<(), AppError> {
        match self.if_match.map(str::trim) {
            None | Some("*") => Ok(()),
            Some(given) if given == etag(version) => Ok(()),
            Some(given) => Err(AppError::Scim(ScimError::precondition(format!(
                "If-Match {given} is not the resource's version {}",
                etag(version)
            )))),
        }
    }
}

/// The caller must be a SCIM token, and within its rate.
fn admit(app: &App, principal: &Principal) -> Result<TenantScope, AppError> {
    if !principal.has_role(Role::Scim) {
        return Err(AppError::forbidden(
            "SCIM needs a token with the scim role (attest token create --role scim)",
        ));
    }
    let key = principal
        .actor()
        .id()
        .map_or_else(|| principal.trust().to_string(), |id| id.to_string());
    app.rate_limits().hit(Limit::Scim, &key)?;
    // The resources are the whole trust's; the token reaches no school's data itself.
    Ok(crate::principals::system(principal.trust(), SystemTask::DirectorySync).scope())
}

fn parse_id(id: &str, what: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id.trim())
        .map_err(|_| AppError::Scim(ScimError::not_found(format!("no {what} with id {id}"))))
}

fn not_found(what: &str, id: uuid::Uuid) -> AppError {
    AppError::Scim(ScimError::not_found(format!("no {what} with id {id}")))
}

/// A write that lost a race with another to the same resource.
fn changed_meanwhile() -> AppError {
    AppError::Scim(ScimError::status(
        409,
        "the resource changed while this request was applied; read it and try again",
    ))
}

fn text_of(resource: &serde_json::Map<String, Value>, name: &str) -> Option<String> {
    resource
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
}
