//! Checks a DPoP proof (RFC 9449) as a server would: its three base64url parts, the header's
//! type, algorithm and key, the claims, and the ES256 signature against the key in the header.
//! For the core's unit and integration tests alike.

use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};

use crate::base64url::decode as b64url;

/// A verified proof's header and claims, and the key and signature it was verified with.
pub struct Checked {
    /// The JOSE header.
    pub header: serde_json::Value,
    /// The claims (`htm`, `htu`, `iat`, `jti`).
    pub claims: serde_json::Value,
    /// The public key's x coordinate from the header's `jwk`.
    pub x: Vec<u8>,
    /// The public key's y coordinate.
    pub y: Vec<u8>,
    /// The public key of the header's `jwk`.
    pub key: VerifyingKey,
    /// The proof's signature.
    pub signature: Signature,
}

/// Verifies `proof` for a request of `method` to `url` made at `iat`; panics, naming what is
/// wrong, on any failed check.
pub fn verify(proof: &str, method: &str, url: &str, iat: i64) -> Checked {
    let parts: Vec<&str> = proof.split('.').collect();
    assert_eq!(parts.len(), 3, "a compact JWS: {proof}");
    let header: serde_json::Value = serde_json::from_slice(&b64url(parts[0])).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(&b64url(parts[1])).unwrap();
    assert_eq!(header["typ"], "dpop+jwt");
    assert_eq!(header["alg"], "ES256");
    assert_eq!(header["jwk"]["kty"], "EC");
    assert_eq!(header["jwk"]["crv"], "P-256");
    assert!(
        header["jwk"].get("d").is_none(),
        "the private key is not in the header"
    );
    assert_eq!(claims["htm"], method);
    assert_eq!(claims["htu"], url);
    assert_eq!(claims["iat"], iat);
    let jti = claims["jti"].as_str().unwrap();
    assert_eq!(jti.len(), 36, "{jti}");
    let x = b64url(header["jwk"]["x"].as_str().unwrap());
    let y = b64url(header["jwk"]["y"].as_str().unwrap());
    assert_eq!((x.len(), y.len()), (32, 32));
    let mut point = vec![4u8];
    point.extend_from_slice(&x);
    point.extend_from_slice(&y);
    let key = VerifyingKey::from_sec1_bytes(&point).expect("a point on P-256");
    let signature = b64url(parts[2]);
    assert_eq!(signature.len(), 64, "raw r || s");
    let signature = Signature::from_slice(&signature).unwrap();
    let signed = &proof[..parts[0].len() + 1 + parts[1].len()];
    key.verify(signed.as_bytes(), &signature)
        .expect("the signature verifies with the key in the header");
    Checked {
        header,
        claims,
        x,
        y,
        key,
        signature,
    }
}
