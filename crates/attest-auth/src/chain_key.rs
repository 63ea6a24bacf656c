//! The server's Ed25519 key for signing each trust's chain head and anchors. The
//! private half is stored sealed with the server's sealing key; the public half is
//! published, and kept after rotation so that old signatures still verify.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signer, SigningKey};
use sha2::{Digest, Sha256};

use crate::{AuthError, SealingKey};

/// A chain-signing key, usable to sign.
pub struct ChainSigningKey {
    key_id: String,
    signing: SigningKey,
}

impl std::fmt::Debug for ChainSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainSigningKey")
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

/// A key's id: the first 16 hex digits of the SHA-256 of its public key, so anyone
/// holding the public key can compute it.
pub fn chain_key_id(public_key: &[u8]) -> String {
    hex::encode(Sha256::digest(public_key))[..16].to_owned()
}

fn context(key_id: &str) -> Vec<u8> {
    format!("attest chain signing key {key_id}").into_bytes()
}

impl ChainSigningKey {
    pub fn generate() -> Result<Self, AuthError> {
        let mut seed = [0_u8; 32];
        getrandom::fill(&mut seed).map_err(|error| AuthError::Random(error.to_string()))?;
        Ok(Self::from_seed(seed))
    }

    fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        Self {
            key_id: chain_key_id(signing.verifying_key().as_bytes()),
            signing,
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// The public key, base64 (32 bytes).
    pub fn public_key(&self) -> String {
        STANDARD.encode(self.signing.verifying_key().as_bytes())
    }

    /// The private key sealed for storage, bound to the key's id.
    pub fn seal(&self, sealing: &SealingKey) -> Result<String, AuthError> {
        sealing.seal(
            &STANDARD.encode(self.signing.to_bytes()),
            &context(&self.key_id),
        )
    }

    /// Opens a stored key; refuses one whose seed does not give `key_id`.
    pub fn open(key_id: &str, sealed: &str, sealing: &SealingKey) -> Result<Self, AuthError> {
        let seed = sealing.open(sealed, &context(key_id))?;
        let seed: [u8; 32] = STANDARD
            .decode(seed)
            .ok()
            .and_then(|bytes| bytes.try_into().ok())
            .ok_or_else(|| AuthError::Sealed("is not a chain signing key".to_owned()))?;
        let key = Self::from_seed(seed);
        if key.key_id != key_id {
            return Err(AuthError::Sealed(
                "does not belong to that key id".to_owned(),
            ));
        }
        Ok(key)
    }

    /// The signature over `message`, base64 (64 bytes).
    pub fn sign(&self, message: &[u8]) -> String {
        STANDARD.encode(self.signing.sign(message).to_bytes())
    }
}

/// A random salt for a signature's personal-field commitment, hex.
pub fn commitment_salt() -> Result<String, AuthError> {
    let mut salt = [0_u8; 32];
    getrandom::fill(&mut salt).map_err(|error| AuthError::Random(error.to_string()))?;
    Ok(hex::encode(salt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_key_opens_only_as_itself() {
        let sealing = SealingKey::from_base64(&SealingKey::generate().expect("key")).expect("key");
        let key = ChainSigningKey::generate().expect("key");
        let sealed = key.seal(&sealing).expect("sealed");
        let opened = ChainSigningKey::open(key.key_id(), &sealed, &sealing).expect("opens");
        assert_eq!(opened.public_key(), key.public_key());
        assert_eq!(opened.sign(b"x"), key.sign(b"x"));
        let other = ChainSigningKey::generate().expect("key");
        assert!(ChainSigningKey::open(other.key_id(), &sealed, &sealing).is_err());
        let public = STANDARD.decode(key.public_key()).expect("base64");
        assert_eq!(chain_key_id(&public), key.key_id());
        assert_eq!(commitment_salt().expect("salt").len(), 64);
        assert_ne!(
            commitment_salt().expect("salt"),
            commitment_salt().expect("salt")
        );
    }
}
