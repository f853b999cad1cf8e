//! PKCE (RFC 7636) for the authorization code flow of `aws sso login`: the code verifier made
//! from random bytes the host gives (the core has no random source), its S256 challenge, and
//! the `state` value, a UUID4 string.

use core::fmt;

use sha2::{Digest, Sha256};

/// The verifier's length: 64 characters, as the AWS CLI makes it.
pub const VERIFIER_LEN: usize = 64;
/// The S256 challenge's length: 43 base64url characters.
pub const CHALLENGE_LEN: usize = 43;
/// The characters a verifier is made of (RFC 7636's unreserved set).
const VERIFIER_CHARS: &[u8; 66] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~";

/// A code verifier (a secret until the token is redeemed). Debug never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Verifier(heapless::String<VERIFIER_LEN>);

impl Verifier {
    /// The verifier made from `random` bytes: each byte below 198 (three times the 66
    /// characters) picks a character, the others are skipped so that every character is as
    /// likely. `None` when `random` runs out first (256 bytes are plenty: fewer than 64 usable
    /// ones among 256 has a probability below 10^-60).
    #[must_use]
    pub fn from_random(random: &[u8]) -> Option<Verifier> {
        let mut out = heapless::String::new();
        for &b in random {
            if out.len() == VERIFIER_LEN {
                break;
            }
            if usize::from(b) < 3 * VERIFIER_CHARS.len() {
                let c = VERIFIER_CHARS[usize::from(b) % VERIFIER_CHARS.len()];
                out.push(char::from(c)).ok()?;
            }
        }
        (out.len() == VERIFIER_LEN).then_some(Verifier(out))
    }

    /// A verifier given as text (for tests and replays); `None` unless it is 43 to 64
    /// unreserved characters.
    #[must_use]
    pub fn from_text(text: &str) -> Option<Verifier> {
        let ok = (43..=VERIFIER_LEN).contains(&text.len())
            && text.bytes().all(|b| VERIFIER_CHARS.contains(&b));
        ok.then(|| heapless::String::try_from(text).ok().map(Verifier))
            .flatten()
    }

    /// The verifier's text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The S256 challenge: base64url of SHA-256 of the verifier, unpadded.
    #[must_use]
    pub fn challenge(&self) -> heapless::String<CHALLENGE_LEN> {
        challenge_of(&self.0)
    }
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Verifier(<redacted>)")
    }
}

/// The S256 challenge of any verifier text (what a server checks a redeemed code against).
#[must_use]
pub fn challenge_of(verifier: &str) -> heapless::String<CHALLENGE_LEN> {
    let digest = Sha256::digest(verifier.as_bytes());
    let mut out = heapless::String::new();
    // 32 bytes are 43 characters: it fits.
    let _ = crate::signing::dpop::write_base64url(&mut out, &digest);
    out
}

/// A random UUID (version 4, RFC 9562) from 16 random bytes, as Python's `str(uuid.uuid4())`
/// writes it: lower-case hex in 8-4-4-4-12 groups.
#[must_use]
pub fn uuid4(random: [u8; 16]) -> heapless::String<36> {
    let mut bytes = random;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let mut out = heapless::String::new();
    for (i, b) in bytes.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            let _ = out.push('-');
        }
        let hex = b"0123456789abcdef";
        let _ = out.push(char::from(hex[usize::from(b >> 4)]));
        let _ = out.push(char::from(hex[usize::from(b & 0xf)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7636_example() {
        let v = Verifier::from_text("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
        assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(std::format!("{v:?}"), "Verifier(<redacted>)");
    }

    #[test]
    fn verifiers_from_random_bytes() {
        let bytes: std::vec::Vec<u8> = (0..=255u8).collect();
        let v = Verifier::from_random(&bytes).unwrap();
        assert_eq!(v.as_str().len(), VERIFIER_LEN);
        assert!(v.as_str().starts_with("ABCDEFGHIJ"));
        assert_eq!(v.challenge().len(), CHALLENGE_LEN);
        // Bytes that would bias the choice are skipped.
        assert!(Verifier::from_random(&[255; 300]).is_none());
        assert!(Verifier::from_random(&[0; 63]).is_none());
    }

    #[test]
    fn uuid4_is_version_4() {
        let u = uuid4([0xff; 16]);
        assert_eq!(u, "ffffffff-ffff-4fff-bfff-ffffffffffff");
        assert_eq!(uuid4([0; 16]), "00000000-0000-4000-8000-000000000000");
    }
}
