//! The files the AWS CLI shares with credchain, each module owning its file names, its format and
//! how it is written back: the assume-role cache ([`assume_role`], `~/.aws/cli/cache`), the IAM
//! Identity Center token cache ([`sso_token`], `~/.aws/sso/cache`) with the client registrations
//! `aws sso login` keeps beside it ([`sso_registration`]), and the console login cache
//! ([`login`], `~/.aws/login/cache`).
//!
//! Parsing and formatting are pure; reading and writing go through the injected
//! [`crate::io::Fs`], whose host writes atomically. It may use [`crate::services`] (for the
//! answers it stores), [`crate::signing`], [`crate::config`] and the shared value types at the
//! crate root; never [`crate::chain`].

pub mod assume_role;
pub mod login;
pub mod sso_registration;
pub mod sso_token;

use core::fmt;

/// A cache file's name made from a digest: its lower-case hex digits, then a fixed ending, `N`
/// ASCII bytes in all. [`assume_role::CacheKey`] (SHA-1, no ending: the `.json` is added with
/// the directory) names the files of `~/.aws/cli/cache` and `~/.aws/sso/cache`;
/// [`login::FileName`] (SHA-256 and `.json`) those of `~/.aws/login/cache`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct DigestName<const N: usize>([u8; N]);

impl<const N: usize> DigestName<N> {
    /// `digest` in hex, then `ending`: `N` is twice the digest's length and the ending's.
    fn new(digest: &[u8], ending: &[u8]) -> Self {
        let mut name = [b'0'; N];
        let (hex, end) = name.split_at_mut(N.saturating_sub(ending.len()));
        crate::text::write_lower_hex(digest, hex);
        for (byte, &e) in end.iter_mut().zip(ending) {
            *byte = e;
        }
        DigestName(name)
    }

    /// The name.
    #[must_use]
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored.
        core::str::from_utf8(&self.0).unwrap_or_default()
    }
}

impl<const N: usize> fmt::Display for DigestName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<const N: usize> fmt::Debug for DigestName<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
