//! Secrets sealed at rest: an identity provider's client secret is stored encrypted
//! with XChaCha20-Poly1305 under a key from the server's configuration, bound to the
//! row it belongs to (associated data), so a sealed value copied to another trust's
//! row, or altered, does not open.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::AuthError;

const VERSION: &str = "v1:";
const NONCE_BYTES: usize = 24;

/// The key secrets are sealed with: 32 bytes, configured as base64.
#[derive(Clone)]
pub struct SealingKey([u8; 32]);

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

impl SealingKey {
    /// Reads a key written as base64 (44 characters for 32 bytes).
    pub fn from_base64(text: &str) -> Result<Self, AuthError> {
        let bytes = STANDARD
            .decode(text.trim())
            .map_err(|_| AuthError::SealingKey("is not base64".to_owned()))?;
        let key: [u8; 32] = bytes.try_into().map_err(|bytes: Vec<u8>| {
            AuthError::SealingKey(format!("is {} bytes; it must be 32", bytes.len()))
        })?;
        Ok(Self(key))
    }

    /// A new random key, as base64 (for `attest sso key` and the demo).
    pub fn generate() -> Result<String, AuthError> {
        let mut key = [0_u8; 32];
        getrandom::fill(&mut key).map_err(|error| AuthError::Random(error.to_string()))?;
        Ok(STANDARD.encode(key))
    }

    /// A separate key for another purpose, so one secret never does two jobs.
    pub fn derive(&self, purpose: &[u8]) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut hasher = Sha256::new();
        hasher.update(purpose);
        hasher.update(self.0);
        hasher.finalize().into()
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// Seals `secret` for the row described by `context` (e.g. trust and provider ids).
    pub fn seal(&self, secret: &str, context: &[u8]) -> Result<String, AuthError> {
        let mut nonce = [0_u8; NONCE_BYTES];
        getrandom::fill(&mut nonce).map_err(|error| AuthError::Random(error.to_string()))?;
        let sealed = self
            .cipher()
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: secret.as_bytes(),
                    aad: context,
                },
            )
            .map_err(|_| AuthError::Sealed("could not be sealed".to_owned()))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(format!("{VERSION}{}", STANDARD.encode(out)))
    }

    /// Opens a sealed secret; fails if the key, the context or the text is wrong.
    pub fn open(&self, sealed: &str, context: &[u8]) -> Result<String, AuthError> {
        let wrong = || AuthError::Sealed("does not open with this key for this row".to_owned());
        let body = sealed.strip_prefix(VERSION).ok_or_else(wrong)?;
        let bytes = STANDARD.decode(body).map_err(|_| wrong())?;
        if bytes.len() < NONCE_BYTES {
            return Err(wrong());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| wrong())?;
        let plain = self
            .cipher()
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| wrong())?;
        String::from_utf8(plain).map_err(|_| wrong())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SealingKey {
        SealingKey::from_base64(&SealingKey::generate().expect("random")).expect("valid")
    }

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_row() {
        let key = key();
        let sealed = key
            .seal("client-secret-123", b"trust-a/provider-1")
            .expect("sealed");
        assert!(sealed.starts_with("v1:"));
        assert!(!sealed.contains("client-secret-123"));
        assert_ne!(
            sealed,
            key.seal("client-secret-123", b"trust-a/provider-1")
                .expect("again"),
            "fresh nonce each time"
        );
        assert_eq!(
            key.open(&sealed, b"trust-a/provider-1").expect("opens"),
            "client-secret-123"
        );
        assert!(
            key.open(&sealed, b"trust-b/provider-1").is_err(),
            "another row"
        );
        assert!(
            self::key().open(&sealed, b"trust-a/provider-1").is_err(),
            "another key"
        );
        let mut tampered = sealed.clone();
        tampered.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert!(
            key.open(&tampered, b"trust-a/provider-1").is_err(),
            "altered"
        );
        assert!(key.open("plain text", b"trust-a/provider-1").is_err());
    }

    #[test]
    fn keys_must_be_32_bytes_of_base64() {
        assert_eq!(
            SealingKey::from_base64("c2hvcnQ=")
                .expect_err("short")
                .to_string(),
            "the sealing key (ATTEST_SECRET_KEY) is 5 bytes; it must be 32"
        );
        assert!(SealingKey::from_base64("not base64!").is_err());
        assert!(!format!("{:?}", key()).contains('='), "never printed");
    }
}
