//! Generated configuration: large files shaped like real ones, for the tests (and benchmarks)
//! of reading many profiles.

/// A config and a credentials file with `n` profiles each: `default_section` first in the
/// config, then `[profile team-NNNNNN]` with a region, an output, an empty `cli_pager` and
/// `max_attempts`, and in the credentials file `[team-NNNNNN]` with the key `AKIAEXAMPLE`
/// followed by the number in nine digits and the secret `secret(i)`. Over a megabyte together
/// from n = 6,000.
pub fn team_profiles(
    n: usize,
    default_section: &str,
    secret: impl Fn(usize) -> String,
) -> (String, String) {
    let mut config = String::from(default_section);
    let mut creds = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[profile team-{i:06}]\nregion = eu-west-{}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n",
            i % 3 + 1
        ));
        creds.push_str(&format!(
            "[team-{i:06}]\naws_access_key_id = AKIAEXAMPLE{i:09}\naws_secret_access_key = {}\n\n",
            secret(i)
        ));
    }
    (config, creds)
}
