//! The keys the readers of the shared files know, and the nearest one to a key that is not.

use crate::config::settings::SETTINGS;

/// Profile keys read by the credential chain and the AWS CLI's commands beside the settings
/// table (`s3 =`-style nested sections are recognised by their shape, not listed).
const PROFILE_KEYS: &[&str] = &[
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_security_token",
    "aws_account_id",
    "role_arn",
    "source_profile",
    "credential_source",
    "external_id",
    "mfa_serial",
    "role_session_name",
    "web_identity_token_file",
    "credential_process",
    "sso_session",
    "sso_start_url",
    "sso_region",
    "sso_account_id",
    "sso_role_name",
    "sso_registration_scopes",
    "login_session",
    "services",
    "parameter_validation",
    "cli_history",
    "cli_follow_urlparam",
    "tcp_keepalive",
    "api_versions",
    "imds_use_ipv6",
    "endpoint_discovery_enabled",
    "csm_enabled",
    "csm_host",
    "csm_port",
    "csm_client_id",
];

/// The keys of an `[sso-session]` section.
const SSO_SESSION_KEYS: &[&str] = &["sso_start_url", "sso_region", "sso_registration_scopes"];

/// Whether `key` (lower-cased) is known in a profile (`sso_session` false) or an
/// `[sso-session]` section.
pub(super) fn is_known(key: &str, sso_session: bool) -> bool {
    candidates(sso_session).any(|k| k == key)
}

fn candidates(sso_session: bool) -> impl Iterator<Item = &'static str> {
    let (table, extra): (&[_], &[&str]) = if sso_session {
        (&[], SSO_SESSION_KEYS)
    } else {
        (SETTINGS, PROFILE_KEYS)
    };
    table
        .iter()
        .filter_map(|s| s.config_key)
        .chain(extra.iter().copied())
}

/// The known key nearest to `key` within an edit distance of 2 (and less than a third of the
/// key's length, so short keys need a closer match), if any.
pub(super) fn did_you_mean(key: &str, sso_session: bool) -> Option<&'static str> {
    let limit = 2.min(key.chars().count() / 3);
    let mut best: Option<(usize, &'static str)> = None;
    for candidate in candidates(sso_session) {
        if let Some(d) = distance_within(key, candidate, limit) {
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, candidate));
            }
        }
    }
    best.map(|(_, k)| k)
}

/// The optimal string alignment distance of `a` and `b` (insertions, deletions, substitutions
/// and swaps of neighbours), when at most `limit`; keys longer than the candidate by more than
/// `limit` are refused before any work, so the cost is bounded by the candidate's length.
fn distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    const MAX: usize = 64;
    let (a_len, b_len) = (a.chars().count(), b.len());
    if a_len.abs_diff(b_len) > limit || b_len >= MAX || a_len >= MAX {
        return None;
    }
    let mut a_chars = [' '; MAX];
    a.chars().zip(a_chars.iter_mut()).for_each(|(c, s)| *s = c);
    let b_chars: heapless::Vec<char, MAX> = b.chars().collect();
    // Three rows of the table: i-2, i-1, i.
    let mut rows = [[0usize; MAX + 1]; 3];
    for (j, cell) in rows[1].iter_mut().enumerate().take(b_len + 1) {
        *cell = j;
    }
    for i in 1..=a_len {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur][0] = i;
        for j in 1..=b_len {
            let cost = usize::from(a_chars[i - 1] != b_chars[j - 1]);
            let mut d = (rows[prev][j] + 1)
                .min(rows[cur][j - 1] + 1)
                .min(rows[prev][j - 1] + cost);
            if i > 1
                && j > 1
                && a_chars[i - 1] == b_chars[j - 2]
                && a_chars[i - 2] == b_chars[j - 1]
            {
                d = d.min(rows[prev2][j - 2] + 1);
            }
            rows[cur][j] = d;
        }
    }
    let d = rows[a_len % 3][b_len];
    (d <= limit).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(did_you_mean("regoin", false), Some("region"));
        assert_eq!(
            did_you_mean("aws_acess_key_id", false),
            Some("aws_access_key_id")
        );
        assert_eq!(did_you_mean("sso_start_ur", true), Some("sso_start_url"));
        assert_eq!(did_you_mean("colour", false), None);
        assert_eq!(did_you_mean("xy", false), None);
        assert!(is_known("region", false) && is_known("mfa_serial", false));
        assert!(!is_known("region", true));
        assert_eq!(distance_within("ab", "ba", 2), Some(1));
        assert_eq!(distance_within(&"x".repeat(1000), "region", 2), None);
    }
}
