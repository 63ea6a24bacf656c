//! attest-directory: reads a trust's staff list from Microsoft Entra ID (Microsoft Graph,
//! app-only) or Google Workspace (the Admin SDK Directory API, through a service account
//! with domain-wide delegation), as `DirectoryChanges` the application plans a sync from.
//!
//! Both providers throttle: Graph answers 429 or 503 with `Retry-After`, Google 429 or
//! `403 userRateLimitExceeded`. Requests are retried as the provider asks, a bounded
//! number of times; nothing here writes anywhere.

mod egress;
mod google;
mod graph;
mod http;

use std::time::Duration;

use attest_domain::{DirectoryChanges, DirectoryKind, DirectorySettings};

pub use egress::{Egress, PublicResolver};
pub use http::Retry;

#[derive(Debug, thiserror::Error)]
pub enum DirectoryError {
    #[error("this trust's directory pushes to attest over SCIM; there is nothing to read from it")]
    Pushed,
    #[error("could not reach {provider} ({what}): {message}")]
    Unreachable {
        provider: &'static str,
        what: String,
        message: String,
    },
    #[error("{provider} refused the connection's credentials: {message}")]
    Credentials {
        provider: &'static str,
        message: String,
    },
    #[error("{provider} answered {status} to {what}: {message}")]
    Api {
        provider: &'static str,
        what: String,
        status: u16,
        message: String,
    },
    #[error("{provider} kept throttling {what}; gave up after {attempts} tries")]
    Throttled {
        provider: &'static str,
        what: String,
        attempts: u32,
    },
    /// The stored delta link is too old: the caller starts again with a full listing.
    #[error("the directory's delta link has expired")]
    DeltaExpired,
    #[error("{provider} sent an answer to {what} that could not be read: {message}")]
    Unexpected {
        provider: &'static str,
        what: String,
        message: String,
    },
    #[error("the connection's secret is not usable: {0}")]
    Secret(String),
}

/// What one read of the directory brought.
#[derive(Debug, Clone, Default)]
pub struct Fetched {
    pub changes: DirectoryChanges,
    /// Graph: where the next run starts (stored once the sync is applied).
    pub delta_link: Option<String>,
    /// A stored delta link had expired, so this is a full listing.
    pub delta_expired: bool,
    pub requests: u32,
    pub throttled: u32,
}

/// A connection to one trust's directory.
pub struct Directory {
    settings: DirectorySettings,
    secret: String,
    client: http::Client,
}

impl Directory {
    /// `secret`: Microsoft, the app's client secret; Google, the service account's private
    /// key (PEM).
    pub fn new(
        settings: DirectorySettings,
        secret: String,
        (retry, egress): (Retry, Egress),
    ) -> Self {
        let provider = match settings.kind {
            DirectoryKind::Microsoft => "Microsoft Graph",
            DirectoryKind::Google => "Google Directory API",
            DirectoryKind::Scim => "SCIM",
        };
        Self {
            settings,
            secret,
            client: http::Client::new(provider, retry, egress),
        }
    }

    /// Reads what changed since `delta_link` (Graph), or the whole directory. `groups`
    /// are the groups the mapping rules name; their members are read in full.
    pub async fn fetch(
        &self,
        delta_link: Option<&str>,
        groups: &[String],
    ) -> Result<Fetched, DirectoryError> {
        match self.settings.kind {
            DirectoryKind::Microsoft => {
                let graph =
                    graph::Graph::connect(&self.client, &self.settings, &self.secret).await?;
                let mut fetched = match graph.users_delta(delta_link).await {
                    Err(DirectoryError::DeltaExpired) => {
                        tracing::warn!("the Graph delta link expired; reading the whole directory");
                        let mut fetched = graph.users_delta(None).await?;
                        fetched.delta_expired = true;
                        fetched
                    }
                    other => other?,
                };
                fetched.changes.groups = Some(graph.group_members(groups).await?);
                fetched.requests = self.client.requests();
                fetched.throttled = self.client.throttled();
                Ok(fetched)
            }
            DirectoryKind::Google => {
                let google =
                    google::Google::connect(&self.client, &self.settings, &self.secret).await?;
                let mut fetched = google.users().await?;
                fetched.requests = self.client.requests();
                fetched.throttled = self.client.throttled();
                Ok(fetched)
            }
            DirectoryKind::Scim => Err(DirectoryError::Pushed),
        }
    }
}

/// Production retry settings: what the providers' guidance asks for, bounded so a sync
/// never hangs for long.
pub fn default_retry() -> Retry {
    Retry {
        attempts: 6,
        base: Duration::from_secs(1),
        cap: Duration::from_secs(120),
    }
}
