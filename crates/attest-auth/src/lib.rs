//! attest-auth: credentials. For now, API tokens: minted from 256 random bits, shown
//! once, stored only as a SHA-256 hash. (A high-entropy random secret needs no slow
//! password hash: there is nothing to guess from the hash.)
//!
//! No database and no HTTP here: callers store hashes and read headers.

mod chain_key;
mod seal;
mod session;
mod timestamp;

use sha2::{Digest, Sha256};

pub use chain_key::{ChainSigningKey, chain_key_id, commitment_salt};
pub use seal::SealingKey;
pub use session::{SessionClaims, SessionTokens};
pub use timestamp::{CheckedTimestamp, check_response, check_token, timestamp_request};

/// Every API token starts with this, so leaked tokens are easy to spot and scan for.
pub const TOKEN_PREFIX: &str = "attest_";
const SECRET_BYTES: usize = 32;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthError {
    #[error("the Authorization header must be 'Bearer attest_…'")]
    MalformedHeader,
    #[error("that is not an attest API token")]
    MalformedToken,
    #[error("the system random number generator failed: {0}")]
    Random(String),
    #[error("the sealing key (ATTEST_SECRET_KEY) {0}")]
    SealingKey(String),
    #[error("the sealed secret {0}")]
    Sealed(String),
    #[error("the session token is not valid: {0}")]
    Session(String),
    #[error("the timestamp is not valid: {0}")]
    Timestamp(String),
}

/// A freshly minted token: the secret to show once, and the hash to store.
pub struct MintedToken {
    pub secret: String,
    pub hash: String,
}

impl std::fmt::Debug for MintedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MintedToken")
            .field("secret", &"[redacted]")
            .field("hash", &self.hash)
            .finish()
    }
}

pub fn mint_token() -> Result<MintedToken, AuthError> {
    mint(TOKEN_PREFIX)
}

/// Every magic-link secret starts with this (it goes in a URL path).
pub const LINK_PREFIX: &str = "ml_";

/// A single-use signing link's secret, same strength as an API token.
pub fn mint_magic_link() -> Result<MintedToken, AuthError> {
    mint(LINK_PREFIX)
}

/// The start of every email sign-in link's secret.
pub const SIGN_IN_PREFIX: &str = "si_";

/// A new single-use email sign-in link's secret and the hash kept of it.
pub fn mint_sign_in_link() -> Result<MintedToken, AuthError> {
    mint(SIGN_IN_PREFIX)
}

/// Whether a presented string has an email sign-in link's shape.
pub fn is_sign_in_link(secret: &str) -> bool {
    secret.strip_prefix(SIGN_IN_PREFIX).is_some_and(|body| {
        body.len() == SECRET_BYTES * 2 && body.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

fn mint(prefix: &str) -> Result<MintedToken, AuthError> {
    let mut bytes = [0_u8; SECRET_BYTES];
    getrandom::fill(&mut bytes).map_err(|error| AuthError::Random(error.to_string()))?;
    let secret = format!("{prefix}{}", hex::encode(bytes));
    let hash = hash_token(&secret);
    Ok(MintedToken { secret, hash })
}

/// Whether a presented string has a magic link's shape (checked before any database work).
pub fn is_magic_link(secret: &str) -> bool {
    secret.strip_prefix(LINK_PREFIX).is_some_and(|body| {
        body.len() == SECRET_BYTES * 2 && body.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

/// What replaces a magic link's secret in a sent email's stored copy.
pub const REDACTED_LINK: &str = "[link removed after sending]";

/// `text` with every magic-link secret in it replaced by [`REDACTED_LINK`]: once an
/// email has gone, the copy attest keeps must not be a way to sign as its recipient.
pub fn redact_magic_links(text: &str) -> String {
    redact_secrets(&redact_secrets(text, LINK_PREFIX), SIGN_IN_PREFIX)
}

fn redact_secrets(text: &str, prefix: &str) -> String {
    let secret_len = prefix.len() + SECRET_BYTES * 2;
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let candidate = &rest[at..];
        let hex_len = candidate[prefix.len()..]
            .bytes()
            .take_while(u8::is_ascii_hexdigit)
            .count();
        if hex_len == SECRET_BYTES * 2 {
            out.push_str(&rest[..at]);
            out.push_str(REDACTED_LINK);
            rest = &candidate[secret_len..];
        } else {
            out.push_str(&rest[..at + prefix.len()]);
            rest = &candidate[prefix.len()..];
        }
    }
    out.push_str(rest);
    out
}

/// The stored form of a token.
pub fn hash_token(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Checks a presented token's shape before any database work.
pub fn parse_token(secret: &str) -> Result<&str, AuthError> {
    let body = secret
        .strip_prefix(TOKEN_PREFIX)
        .ok_or(AuthError::MalformedToken)?;
    if body.len() == SECRET_BYTES * 2 && body.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(secret)
    } else {
        Err(AuthError::MalformedToken)
    }
}

/// The token from an `Authorization: Bearer …` header value.
pub fn bearer_token(header: &str) -> Result<&str, AuthError> {
    let (scheme, token) = header
        .trim()
        .split_once(' ')
        .ok_or(AuthError::MalformedHeader)?;
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(AuthError::MalformedHeader);
    }
    parse_token(token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_links_are_removed_and_nothing_else() {
        let first = mint_magic_link().expect("minted").secret;
        let second = mint_magic_link().expect("minted").secret;
        let text = format!(
            "Sign: https://a.example/sign/{first}\n<a href=\"https://a.example/sign/{second}\">sign</a> html_ ml_short ml_"
        );
        let redacted = redact_magic_links(&text);
        assert!(
            !redacted.contains(&first) && !redacted.contains(&second),
            "{redacted}"
        );
        assert_eq!(redacted.matches(REDACTED_LINK).count(), 2, "{redacted}");
        assert!(
            redacted.ends_with("sign</a> html_ ml_short ml_"),
            "{redacted}"
        );
        assert_eq!(redact_magic_links("no links at all"), "no links at all");
    }

    #[test]
    fn sent_sign_in_links_are_removed_too() {
        let link = mint_sign_in_link().expect("minted").secret;
        assert!(is_sign_in_link(&link) && !is_magic_link(&link));
        let redacted = redact_magic_links(&format!(
            "Sign in: https://a.example/sign-in/email/{link} si_00"
        ));
        assert_eq!(
            redacted,
            format!("Sign in: https://a.example/sign-in/email/{REDACTED_LINK} si_00")
        );
    }

    #[test]
    fn minted_tokens_are_prefixed_unique_and_hash_to_what_is_stored() {
        let first = mint_token().expect("mint");
        let second = mint_token().expect("mint");
        assert!(first.secret.starts_with("attest_"));
        assert_eq!(first.secret.len(), "attest_".len() + 64);
        assert_ne!(first.secret, second.secret);
        assert_eq!(hash_token(&first.secret), first.hash);
        assert_ne!(first.hash, second.hash);
        assert!(!format!("{first:?}").contains(&first.secret));
    }

    #[test]
    fn bearer_headers_are_parsed_strictly() {
        let token = mint_token().expect("mint").secret;
        assert_eq!(bearer_token(&format!("Bearer {token}")), Ok(token.as_str()));
        assert_eq!(
            bearer_token(&format!("bearer  {token} ")),
            Ok(token.as_str())
        );
        assert_eq!(
            bearer_token(&format!("Basic {token}")),
            Err(AuthError::MalformedHeader)
        );
        assert_eq!(bearer_token(&token), Err(AuthError::MalformedHeader));
        assert_eq!(
            bearer_token("Bearer attest_xyz"),
            Err(AuthError::MalformedToken)
        );
        assert_eq!(
            bearer_token("Bearer other_0123"),
            Err(AuthError::MalformedToken)
        );
    }
}
