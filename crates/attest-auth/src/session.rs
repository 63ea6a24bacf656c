//! Session tokens: a short JWT in an HttpOnly cookie, signed with HMAC-SHA256 under a
//! key derived from the server's sealing key. The algorithm is fixed (a token claiming
//! another is refused) and issuer, audience, expiry and issue time are all checked; the
//! session it names must also still be open server-side (the application checks that).

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::{AuthError, SealingKey};

const AUDIENCE: &str = "attest-session";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The person.
    pub sub: String,
    /// The server-side session.
    pub sid: String,
    pub trust: String,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Clone)]
pub struct SessionTokens {
    key: [u8; 32],
    issuer: String,
}

impl std::fmt::Debug for SessionTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionTokens")
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl SessionTokens {
    pub fn new(sealing: &SealingKey, issuer: &str) -> Self {
        Self {
            key: sealing.derive(b"attest session tokens v1"),
            issuer: issuer.to_owned(),
        }
    }

    /// A token for session `sid` of `person` in `trust`, valid from `iat` to `exp` (Unix seconds).
    pub fn issue(
        &self,
        person: &str,
        sid: &str,
        trust: &str,
        iat: i64,
        exp: i64,
    ) -> Result<String, AuthError> {
        let claims = SessionClaims {
            sub: person.to_owned(),
            sid: sid.to_owned(),
            trust: trust.to_owned(),
            iss: self.issuer.clone(),
            aud: AUDIENCE.to_owned(),
            iat,
            exp,
        };
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&self.key),
        )
        .map_err(|error| AuthError::Session(error.to_string()))
    }

    /// The claims of a token valid at `now` (Unix seconds; the application's clock, so
    /// tests and demos that set the time agree with it).
    pub fn verify(&self, token: &str, now: i64) -> Result<SessionClaims, AuthError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // Checked below against `now`, not the machine's clock.
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<SessionClaims>(
            token,
            &DecodingKey::from_secret(&self.key),
            &validation,
        )
        .map(|data| data.claims)
        .map_err(|error| AuthError::Session(error.to_string()))?;
        if claims.exp <= now {
            return Err(AuthError::Session("expired".to_owned()));
        }
        if claims.iat > now + 60 {
            return Err(AuthError::Session("issued in the future".to_owned()));
        }
        Ok(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(issuer: &str) -> SessionTokens {
        let key =
            SealingKey::from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=").expect("key");
        SessionTokens::new(&key, issuer)
    }

    #[test]
    fn tokens_verify_only_with_their_key_issuer_and_time() {
        let now = 1_790_000_000;
        let ours = tokens("https://attest.example");
        let token = ours
            .issue("p1", "s1", "t1", now - 10, now + 3600)
            .expect("issued");
        let claims = ours.verify(&token, now).expect("valid");
        assert_eq!((claims.sub.as_str(), claims.sid.as_str()), ("p1", "s1"));
        assert!(
            tokens("https://other.example").verify(&token, now).is_err(),
            "another issuer"
        );
        let expired = ours
            .issue("p1", "s1", "t1", now - 7200, now - 3600)
            .expect("issued");
        assert!(ours.verify(&expired, now).is_err(), "expired");
        let mut parts: Vec<&str> = token.split('.').collect();
        let none_header = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0";
        parts[0] = none_header;
        assert!(
            ours.verify(&parts.join("."), now).is_err(),
            "alg none is refused"
        );
        let other_key = SessionTokens::new(
            &SealingKey::from_base64("HwAeHRwbGhkYFxYVFBMSERAPDg0MCwoJCAcGBQQDAgE=").expect("key"),
            "https://attest.example",
        );
        assert!(other_key.verify(&token, now).is_err(), "another key");
    }
}
