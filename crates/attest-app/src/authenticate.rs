//! Turning a presented API token into a `Principal`.

use attest_domain::{Principal, TokenRefusal};
use attest_store::ApiTokens;
use chrono::Duration;

use crate::{App, AppError};

/// `last_used_at` is recorded at most this often per token, so that a busy script
/// does not turn every read into a write.
const LAST_USED_GRANULARITY: Duration = Duration::seconds(60);

impl App {
    pub async fn authenticate_api_token(&self, secret: &str) -> Result<Principal, AppError> {
        let secret = attest_auth::parse_token(secret)
            .map_err(|error| AppError::Unauthenticated(error.to_string()))?;
        let hash = attest_auth::hash_token(secret);
        let token = ApiTokens::find_by_hash(&self.db, &hash)
            .await?
            .ok_or_else(|| AppError::Unauthenticated("unknown API token".to_owned()))?;
        let now = self.now();
        token.check_usable(now).map_err(|refusal| {
            AppError::Unauthenticated(match refusal {
                TokenRefusal::Revoked => "this API token has been revoked".to_owned(),
                TokenRefusal::Expired => "this API token has expired".to_owned(),
            })
        })?;
        let principal = crate::principals::token_holder(token.trust, token.id, token.assignment);
        if token
            .last_used_at
            .is_none_or(|used| now - used >= LAST_USED_GRANULARITY)
        {
            ApiTokens::new(&self.db, &principal.scope())
                .touch(token.id, now)
                .await?;
        }
        Ok(principal)
    }
}
