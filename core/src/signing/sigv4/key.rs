//! The signing key, derived from the secret by HMAC over date, region and service.

use core::fmt::{self, Write};

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

use super::{HmacSha256, Timestamp, TERMINATOR};

/// The HMAC keyed with the signing key of (secret, date, region, service), ready for the string
/// to sign.
pub(super) fn signing_key(
    secret: &str,
    time: Timestamp,
    region: &str,
    service: &str,
) -> HmacSha256 {
    // The first key is "AWS4" + secret. HMAC zero-pads a key up to the 64-byte block and hashes
    // a longer one; doing the same here keeps the key off any buffer but this block.
    let mut block = [0u8; 64];
    let prefix = b"AWS4";
    if prefix.len() + secret.len() <= block.len() {
        block[..4].copy_from_slice(prefix);
        block[4..4 + secret.len()].copy_from_slice(secret.as_bytes());
    } else {
        let digest = Sha256::new()
            .chain_update(prefix)
            .chain_update(secret.as_bytes())
            .finalize();
        block[..32].copy_from_slice(&digest);
    }
    let mut date = [0u8; 8];
    let mut cursor = Cursor {
        buf: &mut date,
        len: 0,
    };
    let _ = write!(cursor, "{}", time.date_stamp());
    let k_date = hmac_once(&block, &date);
    let k_region = hmac_once(&k_date, region.as_bytes());
    let k_service = hmac_once(&k_region, service.as_bytes());
    let k_signing = hmac_once(&k_service, TERMINATOR.as_bytes());
    keyed(&k_signing)
}

/// HMAC-SHA256 keyed with `key` (at most 64 bytes), fed nothing yet.
pub(super) fn keyed(key: &[u8]) -> HmacSha256 {
    let mut block = [0u8; 64];
    block[..key.len()].copy_from_slice(key);
    HmacSha256::new(&block.into())
}

pub(super) fn hmac_once(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = keyed(key);
    Mac::update(&mut mac, data);
    mac.finalize().into_bytes().into()
}

/// A fixed byte buffer as a `fmt::Write` (the date stamp, eight digits).
pub(super) struct Cursor<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl Write for Cursor<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        self.buf
            .get_mut(self.len..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}
