//! What a request carries into the resolvers: the principal (if authenticated) and
//! per-request DataLoaders bound to that principal.

use async_graphql::Context;
use async_graphql::dataloader::DataLoader;
use attest_app::App;
use attest_domain::Principal;

use crate::error::{ErrorCode, coded};
use crate::loaders::DirectoryLoader;

/// Data to attach to one GraphQL request for this principal.
pub fn request_data(
    app: &App,
    principal: Option<Principal>,
    origin: attest_app::Origin,
) -> async_graphql::Data {
    let mut data = async_graphql::Data::default();
    data.insert(origin);
    if let Some(principal) = principal {
        data.insert(DataLoader::new(
            DirectoryLoader::new(app.clone(), principal.clone()),
            tokio::spawn,
        ));
        data.insert(principal);
    }
    data
}

pub(crate) fn principal<'c>(ctx: &Context<'c>) -> async_graphql::Result<&'c Principal> {
    ctx.data_opt::<Principal>().ok_or_else(|| {
        coded(
            ErrorCode::Unauthenticated,
            "send an API token: Authorization: Bearer attest_…",
        )
    })
}

pub(crate) fn app<'c>(ctx: &Context<'c>) -> async_graphql::Result<&'c App> {
    ctx.data::<App>()
}

pub(crate) fn loader<'c>(
    ctx: &Context<'c>,
) -> async_graphql::Result<&'c DataLoader<DirectoryLoader>> {
    principal(ctx)?;
    ctx.data::<DataLoader<DirectoryLoader>>()
}

pub(crate) fn origin(ctx: &Context<'_>) -> attest_app::Origin {
    ctx.data_opt::<attest_app::Origin>()
        .cloned()
        .unwrap_or_default()
}
