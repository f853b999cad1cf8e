//! When a long-lived resolver (the C library's `credchain_resolver`, the npm package's
//! `createCredentialsResolver`) serves the credentials it holds, and when it fetches new ones.
//!
//! Pure decisions over an expiry and the time; the frontends own the state and the locking.

/// Credentials are refreshed once they are this close to their expiry.
///
/// botocore refreshes 15 minutes ahead when it can (and must by 10); credchain's resolvers use
/// the 5 minutes the AWS SDKs use, since a resolver lives inside a program that asks often.
pub const REFRESH_WINDOW_SECS: i64 = 5 * 60;

/// What a resolver does with the credentials it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Serve them: they have no expiry, or it is more than [`REFRESH_WINDOW_SECS`] away.
    Fresh,
    /// Fetch new ones; until those arrive (or if fetching fails) the held ones may still be
    /// served, since they have not expired.
    Refresh,
    /// Fetch new ones; the held ones have expired and must not be served.
    Expired,
}

/// How credentials expiring at `expiration` (Unix seconds; `None` for long-term keys) stand at
/// `now`.
#[must_use]
pub fn freshness(expiration: Option<i64>, now: i64) -> Freshness {
    match expiration {
        None => Freshness::Fresh,
        Some(at) if at <= now => Freshness::Expired,
        Some(at) if at.saturating_sub(now) <= REFRESH_WINDOW_SECS => Freshness::Refresh,
        Some(_) => Freshness::Fresh,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_term_keys_never_refresh() {
        assert_eq!(freshness(None, i64::MAX), Freshness::Fresh);
    }

    #[test]
    fn the_window_and_its_edges() {
        let at = 1_000_000;
        assert_eq!(freshness(Some(at), at - 301), Freshness::Fresh);
        assert_eq!(freshness(Some(at), at - 300), Freshness::Refresh);
        assert_eq!(freshness(Some(at), at - 1), Freshness::Refresh);
        assert_eq!(freshness(Some(at), at), Freshness::Expired);
        assert_eq!(freshness(Some(at), at + 1), Freshness::Expired);
        // No overflow at the ends of time.
        assert_eq!(freshness(Some(i64::MIN), i64::MAX), Freshness::Expired);
        assert_eq!(freshness(Some(i64::MAX), i64::MIN), Freshness::Fresh);
    }
}
