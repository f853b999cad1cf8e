//! DPoP proofs (RFC 9449) for the console login's token refresh, and the PEM key they are signed
//! with.
//!
//! `aws login` keeps a P-256 private key in its cache file (`dpopKey`) as PEM: the AWS CLI writes
//! SEC1 (`-----BEGIN EC PRIVATE KEY-----`); PKCS#8 (`-----BEGIN PRIVATE KEY-----`) is read as
//! well. A proof is a compact JWS:
//!
//! ```text
//! base64url({"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":X,"y":Y}})
//! . base64url({"jti":UUID,"htm":"POST","htu":URL,"iat":UNIX_SECONDS})
//! . base64url(r || s)
//! ```
//!
//! base64url without padding; the signature is ECDSA P-256 over SHA-256 of the first two parts,
//! as the raw 64-byte `r || s`, with RFC 6979 deterministic nonces (the core has no random
//! source, and RFC 6979 needs none). The claims are the ones the AWS CLI sends: no `ath` (the
//! token request carries no access token) and no `nonce`.
//!
//! Nothing here allocates: the PEM is decoded into a fixed buffer, the DER walked in place.

use core::fmt::{self, Write as _};

use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// The largest DER key read from a PEM block (a P-256 key is 121 bytes as SEC1, 138 as PKCS#8).
pub const MAX_KEY_DER_LEN: usize = 512;
/// The longest proof written (a proof for a 512-byte URL is about 1.2 KB).
pub const MAX_DPOP_PROOF_LEN: usize = 2048;
/// The longest `htu` claim, in bytes.
pub const MAX_HTU_LEN: usize = 768;

/// `id-ecPublicKey` (1.2.840.10045.2.1), DER content octets.
const OID_EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// `prime256v1` / `secp256r1` (1.2.840.10045.3.1.7), DER content octets.
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

/// Why a `dpopKey` is not a usable P-256 private key. None of these carry key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyError {
    /// No `-----BEGIN ...-----` / `-----END ...-----` block.
    NotPem,
    /// The PEM is encrypted (`ENCRYPTED PRIVATE KEY` or a `Proc-Type` header).
    Encrypted,
    /// The PEM body is not base64, or is larger than [`MAX_KEY_DER_LEN`].
    BadBase64,
    /// The DER is not a SEC1 `ECPrivateKey` or a PKCS#8 `PrivateKeyInfo`.
    Malformed,
    /// The key is not an elliptic-curve key (an RSA key, say).
    NotEc,
    /// The key is on another curve than P-256.
    NotP256,
    /// The private scalar is zero or not below the curve order.
    BadScalar,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            KeyError::NotPem => "it is not a PEM private key (-----BEGIN EC PRIVATE KEY-----)",
            KeyError::Encrypted => "it is an encrypted PEM key, which credchain cannot use",
            KeyError::BadBase64 => "its PEM body is not base64 or is too large",
            KeyError::Malformed => "its DER is not a SEC1 or PKCS#8 private key",
            KeyError::NotEc => "it is not an elliptic-curve key",
            KeyError::NotP256 => "it is not a P-256 (secp256r1) key",
            KeyError::BadScalar => "its private value is not a valid P-256 scalar",
        })
    }
}

/// The proof did not fit [`MAX_DPOP_PROOF_LEN`] (or the URL [`MAX_HTU_LEN`]), or signing failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProofError;

impl fmt::Display for ProofError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the DPoP proof could not be made: the endpoint URL is longer than MAX_HTU_LEN \
             ({MAX_HTU_LEN}) bytes or the proof longer than MAX_DPOP_PROOF_LEN \
             ({MAX_DPOP_PROOF_LEN})"
        )
    }
}

/// How many random draws [`DpopKey::generate`] makes before it gives up (an invalid draw has
/// a chance below 2^-32, so this many in a row means the random source is broken).
pub const MAX_KEY_DRAWS: usize = 8;
/// The length of the SEC1 DER of a P-256 key with its curve and public key.
const SEC1_DER_LEN: usize = 121;

/// A P-256 private key for DPoP proofs. Debug shows no key material.
#[derive(Clone)]
pub struct DpopKey {
    key: SigningKey,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DpopKey(P-256, redacted)")
    }
}

impl DpopKey {
    /// Reads a PEM private key: SEC1 (`EC PRIVATE KEY`) or PKCS#8 (`PRIVATE KEY`), on P-256.
    ///
    /// # Errors
    /// [`KeyError`].
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let (label, body) = pem_block(pem)?;
        let mut der = [0u8; MAX_KEY_DER_LEN];
        let len = decode_base64(body, &mut der).ok_or(KeyError::BadBase64)?;
        let der = der.get(..len).ok_or(KeyError::BadBase64)?;
        let scalar = match label {
            "EC PRIVATE KEY" => sec1_scalar(der, true)?,
            "PRIVATE KEY" => pkcs8_scalar(der)?,
            "ENCRYPTED PRIVATE KEY" => return Err(KeyError::Encrypted),
            _ => return Err(KeyError::NotEc),
        };
        Self::from_scalar(scalar)
    }

    /// A key from its private scalar (big-endian, at most 32 bytes; shorter is left-padded).
    ///
    /// # Errors
    /// [`KeyError::NotP256`] when longer than 32 bytes (after leading zeros),
    /// [`KeyError::BadScalar`] when zero or not below the order.
    pub fn from_scalar(scalar: &[u8]) -> Result<Self, KeyError> {
        let start = scalar.iter().position(|&b| b != 0).unwrap_or(scalar.len());
        let scalar = &scalar[start..];
        if scalar.len() > 32 {
            return Err(KeyError::NotP256);
        }
        let mut bytes = [0u8; 32];
        bytes[32 - scalar.len()..].copy_from_slice(scalar);
        let key = SigningKey::from_slice(&bytes).map_err(|_| KeyError::BadScalar)?;
        Ok(DpopKey { key })
    }

    /// A fresh key from the OS's random source: `fill` puts 32 random bytes in its argument,
    /// called again on the rare draw that is not a valid scalar (zero, or not below the order);
    /// `None` after [`MAX_KEY_DRAWS`] invalid draws (a broken random source, not bad luck).
    pub fn generate(mut fill: impl FnMut(&mut [u8; 32])) -> Option<Self> {
        for _ in 0..MAX_KEY_DRAWS {
            let mut bytes = [0u8; 32];
            fill(&mut bytes);
            if let Ok(key) = SigningKey::from_slice(&bytes) {
                return Some(DpopKey { key });
            }
        }
        None
    }

    /// Writes the key as the AWS CLI saves `dpopKey`: PEM `EC PRIVATE KEY`, SEC1 DER with the
    /// P-256 OID and the uncompressed public key (121 bytes), base64 lines of 64, a final newline.
    /// The text is the secret key: it goes only into the 0600 login cache file.
    ///
    /// # Errors
    /// `fmt::Error` when `out` is full.
    pub fn write_sec1_pem(&self, out: &mut impl fmt::Write) -> fmt::Result {
        use base64::Engine;
        // SEQUENCE { INTEGER 1, OCTET STRING d, [0] OID prime256v1, [1] BIT STRING 04||x||y }.
        const HEAD: [u8; 7] = [0x30, 0x77, 0x02, 0x01, 0x01, 0x04, 0x20];
        const CURVE: [u8; 12] = [
            0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
        ];
        const POINT: [u8; 5] = [0xa1, 0x44, 0x03, 0x42, 0x00];
        let mut der = [0u8; SEC1_DER_LEN];
        der[..7].copy_from_slice(&HEAD);
        der[7..39].copy_from_slice(&self.key.to_bytes());
        der[39..51].copy_from_slice(&CURVE);
        der[51..56].copy_from_slice(&POINT);
        der[56] = 0x04;
        let (x, y) = self.public_coordinates();
        der[57..89].copy_from_slice(&x);
        der[89..121].copy_from_slice(&y);
        let mut text = [0u8; 164];
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(der, &mut text)
            .map_err(|_| fmt::Error)?;
        out.write_str("-----BEGIN EC PRIVATE KEY-----\n")?;
        for line in text[..n].chunks(64) {
            out.write_str(core::str::from_utf8(line).map_err(|_| fmt::Error)?)?;
            out.write_char('\n')?;
        }
        out.write_str("-----END EC PRIVATE KEY-----\n")
    }

    /// The public key's affine coordinates `(x, y)`, 32 bytes each.
    #[must_use]
    pub fn public_coordinates(&self) -> ([u8; 32], [u8; 32]) {
        let point = self.key.verifying_key().to_sec1_point(false);
        let mut x = [0u8; 32];
        let mut y = [0u8; 32];
        if let (Some(px), Some(py)) = (point.x(), point.y()) {
            x.copy_from_slice(px);
            y.copy_from_slice(py);
        }
        (x, y)
    }
}

/// The claims of one proof.
#[derive(Debug, Clone, Copy)]
pub struct Claims<'a> {
    /// `jti`: unique per proof (see [`derive_jti`]).
    pub jti: &'a str,
    /// `htm`: the request's method.
    pub htm: &'a str,
    /// `htu`: the request's URL, without query or fragment.
    pub htu: &'a str,
    /// `iat`: when the proof is made, in Unix seconds.
    pub iat: i64,
}

/// A proof: the value of the `DPoP` header.
pub type Proof = heapless::String<MAX_DPOP_PROOF_LEN>;

/// Makes the proof for `claims`, signed with `key` (see the module docs).
///
/// # Errors
/// [`ProofError`].
pub fn proof(key: &DpopKey, claims: &Claims<'_>) -> Result<Proof, ProofError> {
    if claims.htu.len() > MAX_HTU_LEN {
        return Err(ProofError);
    }
    let (x, y) = key.public_coordinates();
    let mut header = heapless::String::<256>::new();
    (|| -> fmt::Result {
        header.write_str(
            r#"{"typ":"dpop+jwt","alg":"ES256","jwk":{"kty":"EC","crv":"P-256","x":""#,
        )?;
        write_base64url(&mut header, &x)?;
        header.write_str(r#"","y":""#)?;
        write_base64url(&mut header, &y)?;
        header.write_str(r#""}}"#)
    })()
    .map_err(|_| ProofError)?;
    let mut payload = heapless::String::<{ MAX_HTU_LEN * 2 + 256 }>::new();
    (|| -> fmt::Result {
        payload.write_str(r#"{"jti":"#)?;
        write_json_str(&mut payload, claims.jti)?;
        payload.write_str(r#","htm":"#)?;
        write_json_str(&mut payload, claims.htm)?;
        payload.write_str(r#","htu":"#)?;
        write_json_str(&mut payload, claims.htu)?;
        write!(payload, r#","iat":{}}}"#, claims.iat)
    })()
    .map_err(|_| ProofError)?;
    let mut out = Proof::new();
    write_base64url(&mut out, header.as_bytes()).map_err(|_| ProofError)?;
    out.push('.').map_err(|_| ProofError)?;
    write_base64url(&mut out, payload.as_bytes()).map_err(|_| ProofError)?;
    let signature: Signature = key.key.try_sign(out.as_bytes()).map_err(|_| ProofError)?;
    out.push('.').map_err(|_| ProofError)?;
    write_base64url(&mut out, &signature.to_bytes()).map_err(|_| ProofError)?;
    Ok(out)
}

/// A `jti` in the shape of a version 4 UUID, derived without a random source: the SHA-256 of
/// the public key, the time and `salt` (the refresh token being spent), so two proofs share a
/// `jti` only when they are made for the same refresh token by the same key in the same second
/// (the server treats such a pair as one attempt anyway; RFC 9449 asks only that a `jti` not be
/// reused within the server's replay window).
#[must_use]
pub fn derive_jti(key: &DpopKey, iat: i64, salt: &[u8]) -> heapless::String<36> {
    let (x, y) = key.public_coordinates();
    let mut h = Sha256::new();
    h.update(b"credchain dpop jti\0");
    h.update(x);
    h.update(y);
    h.update(iat.to_be_bytes());
    h.update((salt.len() as u64).to_be_bytes());
    h.update(salt);
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x40; // version 4
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let mut out = heapless::String::new();
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            let _ = out.push('-');
        }
        // 32 hex digits and 4 hyphens fill the 36 bytes exactly.
        let _ = write!(out, "{byte:02x}");
    }
    out
}

/// The label and body of the first PEM block in `pem`.
fn pem_block(pem: &str) -> Result<(&str, &str), KeyError> {
    let begin = pem.find("-----BEGIN ").ok_or(KeyError::NotPem)?;
    let rest = &pem[begin + "-----BEGIN ".len()..];
    let label_end = rest.find("-----").ok_or(KeyError::NotPem)?;
    let label = &rest[..label_end];
    let body = &rest[label_end + "-----".len()..];
    let end = body.find("-----END ").ok_or(KeyError::NotPem)?;
    let end_label = body[end + "-----END ".len()..]
        .split("-----")
        .next()
        .unwrap_or_default();
    if end_label != label {
        return Err(KeyError::NotPem);
    }
    let body = &body[..end];
    if body.contains(':') {
        // RFC 1421 headers (Proc-Type: 4,ENCRYPTED; DEK-Info: ...) mean an encrypted key.
        return Err(KeyError::Encrypted);
    }
    Ok((label, body))
}

/// The most base64 characters of a PEM body: [`MAX_KEY_DER_LEN`] bytes, padded.
const MAX_PEM_BASE64_LEN: usize = MAX_KEY_DER_LEN.div_ceil(3) * 4;

/// Decodes a PEM body (standard base64 with `=` padding, broken into lines) into `out`; `None`
/// when it is not base64 or does not fit.
fn decode_base64(text: &str, out: &mut [u8]) -> Option<usize> {
    use base64::Engine;
    // The engine takes no line breaks: the body's characters without them, first.
    let mut joined = [0u8; MAX_PEM_BASE64_LEN];
    let mut len = 0;
    for b in text
        .bytes()
        .filter(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
    {
        *joined.get_mut(len)? = b;
        len += 1;
    }
    // As lenient as the reader it replaced: padding optional, stray low bits ignored.
    const PEM_BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    PEM_BASE64.decode_slice(&joined[..len], out).ok()
}

/// Writes `bytes` as base64url without padding (RFC 7515).
pub fn write_base64url(out: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    use base64::Engine;
    // Whole 3-byte groups per chunk, so that no padding falls inside the text.
    let mut text = [0u8; 64];
    for chunk in bytes.chunks(48) {
        let n = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode_slice(chunk, &mut text)
            .map_err(|_| fmt::Error)?;
        out.write_str(core::str::from_utf8(&text[..n]).map_err(|_| fmt::Error)?)?;
    }
    Ok(())
}

/// Writes `s` as a JSON string: `"` and `\` escaped, control characters as `\u00XX`.
pub fn write_json_str(out: &mut impl fmt::Write, s: &str) -> fmt::Result {
    out.write_char('"')?;
    for c in s.chars() {
        match c {
            '"' => out.write_str("\\\"")?,
            '\\' => out.write_str("\\\\")?,
            c if (c as u32) < 0x20 => write!(out, "\\u{:04x}", c as u32)?,
            c => out.write_char(c)?,
        }
    }
    out.write_char('"')
}

/// One DER element: its tag and contents, and what follows it.
fn der_next(input: &[u8]) -> Result<(u8, &[u8], &[u8]), KeyError> {
    let bad = KeyError::Malformed;
    let (&tag, rest) = input.split_first().ok_or(bad)?;
    let (&first, rest) = rest.split_first().ok_or(bad)?;
    let (len, rest) = match first {
        0..=0x7f => (usize::from(first), rest),
        0x81 => {
            let (&l, rest) = rest.split_first().ok_or(bad)?;
            (usize::from(l), rest)
        }
        0x82 => {
            let l = rest.get(..2).ok_or(bad)?;
            (usize::from(l[0]) << 8 | usize::from(l[1]), &rest[2..])
        }
        _ => return Err(bad),
    };
    if len > rest.len() {
        return Err(bad);
    }
    let (content, after) = rest.split_at(len);
    Ok((tag, content, after))
}

/// The private scalar of a SEC1 `ECPrivateKey`, checking the curve when parameters are given.
/// `top_level`: a bare SEC1 key must be the whole input.
fn sec1_scalar(der: &[u8], top_level: bool) -> Result<&[u8], KeyError> {
    let (tag, body, after) = der_next(der)?;
    if tag != 0x30 || (top_level && !after.is_empty()) {
        return Err(KeyError::Malformed);
    }
    let (tag, version, rest) = der_next(body)?;
    if tag != 0x02 || version != [1] {
        return Err(KeyError::Malformed);
    }
    let (tag, scalar, mut rest) = der_next(rest)?;
    if tag != 0x04 {
        return Err(KeyError::Malformed);
    }
    while !rest.is_empty() {
        let (tag, content, after) = der_next(rest)?;
        if tag == 0xa0 {
            // [0] ECParameters: a named curve.
            let (tag, oid, _) = der_next(content)?;
            if tag != 0x06 {
                return Err(KeyError::NotP256);
            }
            if oid != OID_P256 {
                return Err(KeyError::NotP256);
            }
        }
        rest = after;
    }
    Ok(scalar)
}

/// The private scalar of a PKCS#8 `PrivateKeyInfo` holding an EC key on P-256.
fn pkcs8_scalar(der: &[u8]) -> Result<&[u8], KeyError> {
    let (tag, body, after) = der_next(der)?;
    if tag != 0x30 || !after.is_empty() {
        return Err(KeyError::Malformed);
    }
    let (tag, version, rest) = der_next(body)?;
    if tag != 0x02 || !(version == [0] || version == [1]) {
        return Err(KeyError::Malformed);
    }
    let (tag, algorithm, rest) = der_next(rest)?;
    if tag != 0x30 {
        return Err(KeyError::Malformed);
    }
    let (tag, oid, params) = der_next(algorithm)?;
    if tag != 0x06 {
        return Err(KeyError::Malformed);
    }
    if oid != OID_EC_PUBLIC_KEY {
        return Err(KeyError::NotEc);
    }
    let (tag, curve, _) = der_next(params).map_err(|_| KeyError::NotP256)?;
    if tag != 0x06 || curve != OID_P256 {
        return Err(KeyError::NotP256);
    }
    let (tag, inner, _) = der_next(rest)?;
    if tag != 0x04 {
        return Err(KeyError::Malformed);
    }
    sec1_scalar(inner, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier as _;
    use std::string::String;
    use std::vec::Vec;

    /// The key of the conformance suite's cache files.
    const SEC1: &str = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIPt/u8InPLpQeQLJTvVX+sNDzni8vMDMt3Liu+nMBigfoAoGCCqGSM49\nAwEHoUQDQgAEILkGG7rNOnxiIJlMgimY1UPP8eDMFP0DAY6WGjngP4bvTAiUCQ/I\nffut2379uP+OBCm2ovGpBOJRgrl1RspUOQ==\n-----END EC PRIVATE KEY-----\n";

    fn der_of(pem: &str) -> Vec<u8> {
        let (_, body) = pem_block(pem).unwrap();
        let mut out = [0u8; MAX_KEY_DER_LEN];
        let n = decode_base64(body, &mut out).unwrap();
        out[..n].to_vec()
    }

    fn pem(label: &str, der: &[u8]) -> String {
        use base64::Engine;
        let mut text = [0u8; 4096];
        let n = base64::engine::general_purpose::STANDARD
            .encode_slice(der, &mut text)
            .unwrap();
        let body = core::str::from_utf8(&text[..n]).unwrap();
        std::format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
    }

    #[test]
    fn reads_the_suites_sec1_key_and_its_public_point() {
        let key = DpopKey::from_pem(SEC1).unwrap();
        let (x, y) = key.public_coordinates();
        // The public key the file carries in its [1] element.
        let der = der_of(SEC1);
        let point = &der[der.len() - 64..];
        assert_eq!((&point[..32], &point[32..]), (&x[..], &y[..]));
        assert_eq!(std::format!("{key:?}"), "DpopKey(P-256, redacted)");
    }

    #[test]
    fn reads_the_same_key_as_pkcs8() {
        let sec1 = der_of(SEC1);
        // PrivateKeyInfo { 0, { ecPublicKey, prime256v1 }, OCTET STRING { ECPrivateKey } }.
        let mut alg = std::vec![0x06, 7];
        alg.extend_from_slice(OID_EC_PUBLIC_KEY);
        alg.extend_from_slice(&[0x06, 8]);
        alg.extend_from_slice(OID_P256);
        let mut body = std::vec![0x02, 1, 0, 0x30, alg.len() as u8];
        body.extend_from_slice(&alg);
        body.extend_from_slice(&[0x04, 0x81, sec1.len() as u8]);
        body.extend_from_slice(&sec1);
        let mut der = std::vec![0x30, 0x81, body.len() as u8];
        der.extend_from_slice(&body);
        let key = DpopKey::from_pem(&pem("PRIVATE KEY", &der)).unwrap();
        assert_eq!(
            key.public_coordinates(),
            DpopKey::from_pem(SEC1).unwrap().public_coordinates()
        );
        // Another curve's OID in the algorithm is refused.
        let mut p384 = der.clone();
        let at = p384
            .windows(OID_P256.len())
            .position(|w| w == OID_P256)
            .unwrap();
        p384[at + 7] = 0x22; // 1.2.840.10045.3.1.34 is not P-256
        assert_eq!(
            DpopKey::from_pem(&pem("PRIVATE KEY", &p384)).unwrap_err(),
            KeyError::NotP256
        );
    }

    #[test]
    fn refuses_what_is_not_a_p256_private_key() {
        assert_eq!(DpopKey::from_pem("").unwrap_err(), KeyError::NotPem);
        assert_eq!(
            DpopKey::from_pem("-----BEGIN EC PRIVATE KEY-----\nMHcC\n").unwrap_err(),
            KeyError::NotPem
        );
        assert_eq!(
            DpopKey::from_pem(&SEC1.replace("MHcC", "MH*C")).unwrap_err(),
            KeyError::BadBase64
        );
        assert_eq!(
            DpopKey::from_pem(&pem("RSA PRIVATE KEY", &[0x30, 0])).unwrap_err(),
            KeyError::NotEc
        );
        assert_eq!(
            DpopKey::from_pem(&pem("ENCRYPTED PRIVATE KEY", &[0x30, 0])).unwrap_err(),
            KeyError::Encrypted
        );
        assert_eq!(
            DpopKey::from_pem(&pem("EC PRIVATE KEY", &[0x30, 3, 2, 1])).unwrap_err(),
            KeyError::Malformed
        );
        // A secp384r1 SEC1 key: a 48-byte scalar and the curve's OID.
        let mut der = std::vec![0x30, 0x3e, 0x02, 1, 1, 0x04, 48];
        der.extend_from_slice(&[7u8; 48]);
        der.extend_from_slice(&[0xa0, 7, 0x06, 5, 0x2b, 0x81, 0x04, 0x00, 0x22]);
        assert_eq!(
            DpopKey::from_pem(&pem("EC PRIVATE KEY", &der)).unwrap_err(),
            KeyError::NotP256
        );
        // A zero scalar.
        let mut der = std::vec![0x30, 0x25, 0x02, 1, 1, 0x04, 32];
        der.extend_from_slice(&[0u8; 32]);
        assert_eq!(
            DpopKey::from_pem(&pem("EC PRIVATE KEY", &der)).unwrap_err(),
            KeyError::BadScalar
        );
        // Truncated DER never panics.
        let full = der_of(SEC1);
        for n in 0..full.len() {
            assert!(DpopKey::from_pem(&pem("EC PRIVATE KEY", &full[..n])).is_err());
        }
    }

    #[test]
    fn proofs_verify_with_the_public_key_in_their_header() {
        let key = DpopKey::from_pem(SEC1).unwrap();
        let jti = derive_jti(&key, 1_763_510_400, b"refresh");
        let claims = Claims {
            jti: &jti,
            htm: "POST",
            htu: "https://us-east-1.signin.aws.amazon.com/v1/token",
            iat: 1_763_510_400,
        };
        let p = proof(&key, &claims).unwrap();
        let checked = credchain_test_support::dpop::verify(&p, "POST", claims.htu, 1_763_510_400);
        assert_eq!(checked.claims["jti"], jti.as_str());
        assert!(checked
            .key
            .verify(b"something else", &checked.signature)
            .is_err());
        // No padding anywhere.
        assert!(!p.contains('='));
    }

    #[test]
    fn jti_is_a_uuid_shape_and_changes_with_its_inputs() {
        let key = DpopKey::from_pem(SEC1).unwrap();
        let a = derive_jti(&key, 1, b"r");
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "4");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
        assert_ne!(a, derive_jti(&key, 2, b"r"));
        assert_ne!(a, derive_jti(&key, 1, b"s"));
        assert_eq!(a, derive_jti(&key, 1, b"r"));
    }

    #[test]
    fn base64url_and_json_strings() {
        let mut s = String::new();
        write_base64url(&mut s, b"\xfb\xff").unwrap();
        assert_eq!(s, "-_8");
        let mut s = String::new();
        write_json_str(&mut s, "a\"b\\c\n").unwrap();
        assert_eq!(s, r#""a\"b\\c\u000a""#);
    }

    #[test]
    fn mutated_keys_never_panic() {
        let mut random = crate::random_input::Xorshift64::new(0x9e37_79b9_7f4a_7c15);
        let mut next = || random.next();
        let der = der_of(SEC1);
        for _ in 0..400 {
            let mut bytes = der.clone();
            for _ in 0..=next() % 3 {
                let at = next() as usize % bytes.len();
                bytes[at] = next() as u8;
            }
            let _ = DpopKey::from_pem(&pem("EC PRIVATE KEY", &bytes));
            let _ = DpopKey::from_pem(&pem("PRIVATE KEY", &bytes));
            let mut text = SEC1.as_bytes().to_vec();
            let at = next() as usize % text.len();
            text[at] = next() as u8 & 0x7f;
            let _ = DpopKey::from_pem(core::str::from_utf8(&text).unwrap());
        }
    }

    #[test]
    fn generated_key_round_trips_through_its_sec1_pem() {
        let mut draws = 0u8;
        let key = DpopKey::generate(|b| {
            draws += 1;
            // The first draw is the order-exceeding all-ones value: generate must retry.
            *b = if draws == 1 { [0xff; 32] } else { [draws; 32] };
        })
        .unwrap();
        assert_eq!(draws, 2);
        let mut pem = heapless::String::<256>::new();
        key.write_sec1_pem(&mut pem).unwrap();
        assert!(
            pem.starts_with("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI"),
            "{pem}"
        );
        assert!(pem.ends_with("\n-----END EC PRIVATE KEY-----\n"));
        assert_eq!(pem.lines().count(), 5);
        assert_eq!(pem.lines().nth(1).map(str::len), Some(64));
        let again = DpopKey::from_pem(&pem).unwrap();
        assert_eq!(again.public_coordinates(), key.public_coordinates());
    }

    #[test]
    fn generate_gives_up_on_a_broken_source() {
        assert!(DpopKey::generate(|b| *b = [0; 32]).is_none());
    }
}
