//! Asking the operator's RFC 3161 authority to timestamp an anchor's statement.

use std::time::Duration;

use attest_domain::ChainStatement;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use crate::App;

/// The largest reply read from an authority (a token with its certificate chain is a
/// few kilobytes).
const MAX_REPLY: usize = 256 * 1024;

/// A token kept with an anchor, or why there is none.
pub(super) struct Stamped {
    pub(super) authority: Option<String>,
    pub(super) token: Option<String>,
    pub(super) error: Option<String>,
}

impl App {
    /// The authority's token over the statement; never fails the anchor (an authority
    /// that is down leaves the anchor signed but untimestamped, with the reason).
    pub(super) async fn timestamp(&self, statement: &ChainStatement) -> Stamped {
        let Some(url) = self.timestamp_authority.clone() else {
            return Stamped {
                authority: None,
                token: None,
                error: None,
            };
        };
        match self.ask_authority(&url, statement).await {
            Ok(token) => Stamped {
                authority: Some(url.to_string()),
                token: Some(token),
                error: None,
            },
            Err(error) => {
                tracing::warn!(%error, "the chain anchor was not timestamped");
                Stamped {
                    authority: Some(url.to_string()),
                    token: None,
                    error: Some(error),
                }
            }
        }
    }

    async fn ask_authority(&self, url: &str, statement: &ChainStatement) -> Result<String, String> {
        let message = statement.message();
        let mut nonce = [0_u8; 8];
        getrandom::fill(&mut nonce).map_err(|error| error.to_string())?;
        let nonce = u64::from_be_bytes(nonce);
        let request = attest_auth::timestamp_request(message.as_bytes(), nonce)
            .map_err(|error| error.to_string())?;
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|error| error.to_string())?;
        let response = client
            .post(url)
            .header("Content-Type", "application/timestamp-query")
            .body(request)
            .send()
            .await
            .map_err(|error| format!("the authority could not be reached: {error}"))?;
        if !response.status().is_success() {
            return Err(format!("the authority answered {}", response.status()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|error| format!("the authority's reply was cut short: {error}"))?;
        if body.len() > MAX_REPLY {
            return Err("the authority's reply is too large".to_owned());
        }
        let (token, _) = attest_auth::check_response(&body, message.as_bytes(), nonce)
            .map_err(|error| error.to_string())?;
        Ok(STANDARD.encode(token))
    }
}
