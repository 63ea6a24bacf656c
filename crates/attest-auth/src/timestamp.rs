//! RFC 3161 trusted timestamps: the request for a SHA-256 imprint, and checking the
//! authority's token: that it is CMS SignedData over a TSTInfo for that imprint (and
//! nonce), that its messageDigest attribute matches the TSTInfo, and that the signature
//! over the signed attributes verifies with the RSA key of the certificate it carries.
//! No I/O: the caller posts the request and keeps the token.

use chrono::{DateTime, Utc};
use cmpv2::status::PkiStatus;
use cms::cert::CertificateChoices;
use cms::content_info::ContentInfo;
use cms::signed_data::SignedData;
use der::asn1::{Int, OctetString};
use der::oid::ObjectIdentifier;
use der::{Any, Decode, Encode};
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use sha2::{Digest, Sha256};
use x509_tsp::{MessageImprint, TimeStampReq, TimeStampResp, TspVersion, TstInfo};

use crate::AuthError;

const SHA_256: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
const SIGNED_DATA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
const TST_INFO: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
const MESSAGE_DIGEST: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
const RSA_ENCRYPTION: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const SHA256_WITH_RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");

fn refused(why: impl std::fmt::Display) -> AuthError {
    AuthError::Timestamp(why.to_string())
}

/// A timestamp request (DER) for `message`'s SHA-256, with a nonce, asking for the
/// authority's certificate in the token.
pub fn timestamp_request(message: &[u8], nonce: u64) -> Result<Vec<u8>, AuthError> {
    let request = TimeStampReq {
        version: TspVersion::V1,
        message_imprint: MessageImprint {
            hash_algorithm: cms::cert::x509::spki::AlgorithmIdentifier {
                oid: SHA_256,
                parameters: Some(Any::from(der::asn1::Null)),
            },
            hashed_message: OctetString::new(Sha256::digest(message).to_vec()).map_err(refused)?,
        },
        req_policy: None,
        nonce: Some(nonce_int(nonce)?),
        cert_req: true,
        extensions: None,
    };
    request.to_der().map_err(refused)
}

/// A nonce as a DER INTEGER: no leading zero bytes, and positive.
fn nonce_int(nonce: u64) -> Result<Int, AuthError> {
    let bytes = nonce.to_be_bytes();
    let first = bytes
        .iter()
        .position(|byte| *byte != 0)
        .unwrap_or(bytes.len() - 1);
    let mut minimal = bytes[first..].to_vec();
    if minimal[0] & 0x80 != 0 {
        minimal.insert(0, 0);
    }
    Int::new(&minimal).map_err(refused)
}

/// What a checked token says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTimestamp {
    /// When the authority says it saw the imprint.
    pub time: DateTime<Utc>,
    /// The authority's certificate subject.
    pub authority: String,
}

/// Checks an authority's response to `timestamp_request(message, nonce)`; the token
/// (DER) to keep, and what it says.
pub fn check_response(
    response: &[u8],
    message: &[u8],
    nonce: u64,
) -> Result<(Vec<u8>, CheckedTimestamp), AuthError> {
    let response = TimeStampResp::from_der(response).map_err(refused)?;
    if !matches!(
        response.status.status,
        PkiStatus::Accepted | PkiStatus::GrantedWithMods
    ) {
        return Err(refused(format!(
            "the authority refused the request ({:?})",
            response.status.status
        )));
    }
    let token = response
        .time_stamp_token
        .ok_or_else(|| refused("the authority granted no token"))?;
    let token = token.to_der().map_err(refused)?;
    let (checked, tst) = check_token_with(&token, message)?;
    let expected = nonce_int(nonce)?;
    if tst.nonce.as_ref() != Some(&expected) {
        return Err(refused("the token's nonce is not the request's"));
    }
    Ok((token, checked))
}

/// Checks a kept token (DER ContentInfo) against the message it should timestamp.
pub fn check_token(token: &[u8], message: &[u8]) -> Result<CheckedTimestamp, AuthError> {
    check_token_with(token, message).map(|(checked, _)| checked)
}

fn check_token_with(
    token: &[u8],
    message: &[u8],
) -> Result<(CheckedTimestamp, TstInfo), AuthError> {
    let info = ContentInfo::from_der(token).map_err(refused)?;
    if info.content_type != SIGNED_DATA {
        return Err(refused("the token is not CMS SignedData"));
    }
    let signed = SignedData::from_der(&info.content.to_der().map_err(refused)?).map_err(refused)?;
    if signed.encap_content_info.econtent_type != TST_INFO {
        return Err(refused("the token does not hold a TSTInfo"));
    }
    let content = signed
        .encap_content_info
        .econtent
        .as_ref()
        .ok_or_else(|| refused("the token's TSTInfo is missing"))?;
    let tst_der = content.value();
    let tst = TstInfo::from_der(tst_der).map_err(refused)?;
    if tst.message_imprint.hash_algorithm.oid != SHA_256
        || tst.message_imprint.hashed_message.as_bytes() != &Sha256::digest(message)[..]
    {
        return Err(refused("the token timestamps something else"));
    }
    let signer = signed
        .signer_infos
        .0
        .iter()
        .next()
        .ok_or_else(|| refused("the token has no signer"))?;
    let attributes = signer
        .signed_attrs
        .as_ref()
        .ok_or_else(|| refused("the token's signer has no signed attributes"))?;
    let digest = attributes
        .iter()
        .find(|attribute| attribute.oid == MESSAGE_DIGEST)
        .and_then(|attribute| attribute.values.iter().next())
        .and_then(|value| value.decode_as::<OctetString>().ok())
        .ok_or_else(|| refused("the token's signer has no message digest"))?;
    if digest.as_bytes() != &Sha256::digest(tst_der)[..] {
        return Err(refused("the signed digest is not the TSTInfo's"));
    }
    if signer.digest_alg.oid != SHA_256
        || ![RSA_ENCRYPTION, SHA256_WITH_RSA].contains(&signer.signature_algorithm.oid)
    {
        return Err(refused("the token is not signed with RSA and SHA-256"));
    }
    let certificate = signed
        .certificates
        .as_ref()
        .and_then(|set| {
            set.0.iter().find_map(|choice| match choice {
                CertificateChoices::Certificate(certificate) => Some(certificate),
                CertificateChoices::Other(_) => None,
            })
        })
        .ok_or_else(|| refused("the token carries no certificate"))?;
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(refused)?;
    let key = RsaPublicKey::from_public_key_der(&spki).map_err(refused)?;
    let signature = Signature::try_from(signer.signature.as_bytes()).map_err(refused)?;
    let signed_bytes = attributes.to_der().map_err(refused)?;
    VerifyingKey::<Sha256>::new(key)
        .verify(&signed_bytes, &signature)
        .map_err(|_| refused("the authority's signature does not verify"))?;
    let time = DateTime::<Utc>::from_timestamp(
        i64::try_from(tst.gen_time.to_unix_duration().as_secs()).unwrap_or(0),
        0,
    )
    .ok_or_else(|| refused("the token's time is out of range"))?;
    Ok((
        CheckedTimestamp {
            time,
            authority: certificate.tbs_certificate.subject.to_string(),
        },
        tst,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_asks_for_the_imprint_the_nonce_and_the_certificate() {
        let der = timestamp_request(b"attest", 42).expect("request");
        let request = TimeStampReq::from_der(&der).expect("decodes");
        assert_eq!(request.message_imprint.hash_algorithm.oid, SHA_256);
        assert_eq!(
            request.message_imprint.hashed_message.as_bytes(),
            &Sha256::digest(b"attest")[..]
        );
        assert!(request.cert_req);
        assert_eq!(request.nonce, Some(nonce_int(42).expect("int")));
        for nonce in [0, 0x80, u64::MAX] {
            let der = timestamp_request(b"x", nonce).expect("request");
            assert!(TimeStampReq::from_der(&der).is_ok(), "{nonce}");
        }
    }

    #[test]
    fn garbage_is_refused_with_a_reason() {
        for bad in [&b""[..], b"\x30\x03\x02\x01\x00", b"not der"] {
            let error = check_response(bad, b"m", 1).expect_err("refused");
            assert!(error.to_string().contains("timestamp"), "{error}");
            assert!(check_token(bad, b"m").is_err());
        }
    }
}
