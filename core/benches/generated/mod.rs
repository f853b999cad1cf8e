//! The generated files of the `resolve` bench and the `profile_once` example: `n` profiles
//! shaped like real ones.

/// A config and a credentials file with `n` profiles each, `team-000000` to
/// `team-{n - 1:06}`, after a `[default]` section in the config file.
pub fn profiles(n: usize) -> (String, String) {
    let mut config = String::from("[default]\nregion = us-east-1\noutput = json\n\n");
    let mut creds = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[profile team-{i:06}]\nregion = eu-west-{}\noutput = json\ncli_pager =\nmax_attempts = 5\n\n",
            i % 3 + 1
        ));
        creds.push_str(&format!(
            "[team-{i:06}]\naws_access_key_id = AKIAEXAMPLE{i:09}\naws_secret_access_key = secret-{i:030}\n\n"
        ));
    }
    (config, creds)
}
