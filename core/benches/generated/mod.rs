//! The generated files of the `resolve` bench and the `profile_once` example: `n` profiles
//! shaped like real ones (the test-support crate's generator, with a `[default]` section).

/// A config and a credentials file with `n` profiles each, `team-000000` to
/// `team-{n - 1:06}`, after a `[default]` section in the config file.
pub fn profiles(n: usize) -> (String, String) {
    credchain_test_support::generated::team_profiles(
        n,
        "[default]\nregion = us-east-1\noutput = json\n\n",
        |i| format!("secret-{i:030}"),
    )
}
