//! Turning a presented API token into a `Principal`, without a database read on every
//! request: a token read once is kept while no revocation has been heard since
//! (`attest_store::Revocations` says how every replica hears one at once).

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Instant;

use attest_domain::{ApiToken, Principal, TokenRefusal};
use attest_store::{ApiTokens, Database, Generation, Revocations};
use chrono::Duration;

use crate::{App, AppError};

/// `last_used_at` is recorded at most this often per token, so that a busy script
/// does not turn every read into a write.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

/// However quiet the revocations, a token is read again after this long: a backstop
/// should a signal ever be lost (a SQLite signal file that could not be written).
const READ_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_secs(300);

/// More tokens than a trust issues; past it the cache starts again rather than grow.
const MAX_CACHED_TOKENS: usize = 10_000;

/// API tokens by the hash of their secret, each with the generation it was read at.
pub(crate) struct Credentials {
    revocations: Revocations,
    tokens: RwLock<HashMap<String, Cached>>,
}

#[derive(Clone)]
struct Cached {
    generation: Generation,
    read_at: Instant,
    token: ApiToken,
}

impl Credentials {
    pub(crate) fn for_database(db: &Database) -> Self {
        Self {
            revocations: Revocations::for_database(db),
            tokens: RwLock::default(),
        }
    }

    pub(crate) fn revocations(&self) -> &Revocations {
        &self.revocations
    }

    fn cached(&self, hash: &str, generation: Generation) -> Option<Cached> {
        let tokens = self.tokens.read().unwrap_or_else(|e| e.into_inner());
        tokens
            .get(hash)
            .filter(|cached| {
                cached.generation == generation && cached.read_at.elapsed() < READ_AGAIN_AFTER
            })
            .cloned()
    }

    fn keep(&self, hash: String, generation: Generation, read_at: Instant, token: ApiToken) {
        let mut tokens = self.tokens.write().unwrap_or_else(|e| e.into_inner());
        if tokens.len() >= MAX_CACHED_TOKENS {
            tokens.clear();
        }
        tokens.insert(
            hash,
            Cached {
                generation,
                read_at,
                token,
            },
        );
    }
}

impl App {
    /// Whether revocations made elsewhere reach this process now, so that tokens are
    /// answered from memory (on PostgreSQL: whether its listener is connected).
    pub fn hears_revocations(&self) -> bool {
        self.credentials.revocations.current().is_some()
    }

    /// A token for the GraphQL API and exports: any role but `scim`.
    pub async fn authenticate_api_token(&self, secret: &str) -> Result<Principal, AppError> {
        let principal = self.authenticate_token(secret).await?;
        if principal.has_role(attest_domain::Role::Scim) {
            return Err(AppError::forbidden(
                "a SCIM token works at /scim/v2 only; use an API token here",
            ));
        }
        Ok(principal)
    }

    /// A token for `/scim/v2`: the `scim` role only.
    pub async fn authenticate_scim_token(&self, secret: &str) -> Result<Principal, AppError> {
        let principal = self.authenticate_token(secret).await?;
        if !principal.has_role(attest_domain::Role::Scim) {
            return Err(AppError::forbidden(
                "SCIM needs a token with the scim role (attest token create --role scim)",
            ));
        }
        Ok(principal)
    }

    async fn authenticate_token(&self, secret: &str) -> Result<Principal, AppError> {
        let secret = attest_auth::parse_token(secret)
            .map_err(|error| AppError::Unauthenticated(error.to_string()))?;
        let hash = attest_auth::hash_token(secret);
        // Read before the token: a revocation committed after this point changes the
        // generation, so a token read as it happens is never kept as current.
        let generation = self.credentials.revocations.current();
        let cached = generation.and_then(|generation| self.credentials.cached(&hash, generation));
        let (token, read_at) = match cached {
            Some(cached) => (cached.token, Some(cached.read_at)),
            None => (
                ApiTokens::find_by_hash(&self.db, &hash)
                    .await?
                    .ok_or_else(|| AppError::Unauthenticated("unknown API token".to_owned()))?,
                None,
            ),
        };
        let now = self.now();
        token.check_usable(now).map_err(|refusal| {
            AppError::Unauthenticated(match refusal {
                TokenRefusal::Revoked => "this API token has been revoked".to_owned(),
                TokenRefusal::Expired => "this API token has expired".to_owned(),
            })
        })?;
        let principal = crate::principals::token_holder(token.trust, token.id, token.assignment);
        let stale = token
            .last_used_at
            .is_none_or(|used| now - used >= LAST_USED_GRANULARITY);
        if stale {
            ApiTokens::new(&self.db, &principal.scope())
                .touch(token.id, now)
                .await?;
        }
        if let Some(generation) = generation
            && (stale || read_at.is_none())
        {
            let used = ApiToken {
                last_used_at: if stale { Some(now) } else { token.last_used_at },
                ..token
            };
            let read_at = read_at.unwrap_or_else(Instant::now);
            self.credentials.keep(hash, generation, read_at, used);
        }
        Ok(principal)
    }
}
