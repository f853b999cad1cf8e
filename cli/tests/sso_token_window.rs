//! The IAM Identity Center token's refresh window, credchain against botocore: for cached
//! tokens of an `sso_session` profile that expire at different times, with a refresh that the
//! SSO-OIDC mock grants, one it refuses, and tokens that cannot be refreshed (no refresh token, an
//! expired client registration), both resolve the profile's role credentials from their own
//! copy of the same home, against the same loopback mock. Each must succeed or fail alike, ask
//! CreateToken as many times, and leave the token file changed or not alike.
//!
//! Ignored by default: it needs botocore (run it with `-- --ignored` after tests/difftest/run
//! has made its venv, or with CREDCHAIN_BOTOCORE_PYTHON); when run, a missing botocore is a
//! failure. tests/run's difftest stage runs it.

mod common;

use common::signin::run_python;
use common::sso_mock::*;
use common::Home;
use credchain_test_support::mock_server::closed_port_url;
use credchain_test_support::venv_python as python_of;

const CONFIG: &str = "[profile dev]\nsso_session = corp\nsso_account_id = 123456789012\n\
    sso_role_name = ReadOnly\n\n[sso-session corp]\n\
    sso_start_url = https://d-abc123.awsapps.com/start\nsso_region = us-east-1\n";

/// How a case's cached token may be refreshed.
#[derive(Clone, Copy, Debug)]
enum Refresh {
    /// The mock grants the refresh.
    Granted,
    /// The mock refuses the refresh token (invalid_grant).
    Refused,
    /// The client registration expired yesterday: no refresh is attempted.
    RegistrationExpired,
    /// The file has no refresh token: no refresh is attempted.
    Absent,
    /// SSO-OIDC cannot be reached (nothing listens at its endpoint): botocore tolerates a
    /// refused refresh, not a failed connection.
    Unreachable,
}

/// The token file `sso login` leaves for `corp`, expiring `in_secs` from now: [`token_json`],
/// with the registration and refresh token after `expiresAt` unless the case has none.
fn token_file_text(in_secs: i64, refresh: Refresh) -> String {
    let token = token_json(ACCESS, now() + in_secs);
    let (registration, refresh_token) = match refresh {
        Refresh::Granted | Refresh::Unreachable => (now() + 86400, REFRESH),
        Refresh::Refused => (now() + 86400, "qSTALEREFRESHqq7"),
        Refresh::RegistrationExpired => (now() - 86400, REFRESH),
        Refresh::Absent => return token,
    };
    let mut registration_at = String::new();
    credchain_core::caches::sso_token::write_utc_z(&mut registration_at, registration).unwrap();
    format!(
        r#"{}, "clientId": "{CLIENT_ID}", "clientSecret": "{CLIENT_SECRET}", "registrationExpiresAt": "{registration_at}", "refreshToken": "{refresh_token}"}}"#,
        token.strip_suffix('}').unwrap()
    )
}

/// What one tool did with a case: whether it resolved the credentials, how many CreateToken
/// calls it made and whether it rewrote the token file.
#[derive(Debug, PartialEq)]
struct Outcome {
    resolved: bool,
    create_token_calls: usize,
    token_file_rewritten: bool,
}

/// A fresh home holding the case's token file, and a fresh mock.
fn case_home(in_secs: i64, refresh: Refresh) -> (Home, Mock, String) {
    let home = with_secrets(CONFIG);
    home.secret("qSTALEREFRESHqq7");
    let text = token_file_text(in_secs, refresh);
    home.write(&token_file("corp"), &text);
    (home, Mock::start(&[]), text)
}

fn outcome_of(resolved: bool, home: &Home, mock: &Mock, before: &str) -> Outcome {
    Outcome {
        resolved,
        create_token_calls: mock.paths().iter().filter(|p| *p == "POST /token").count(),
        token_file_rewritten: home.read(&token_file("corp")).as_deref() != Some(before),
    }
}

/// The endpoint variables of a case: the mock's, but for an unreachable SSO-OIDC a port that
/// nothing listens on; one attempt a call, so that neither tool waits between retries.
fn endpoints(mock: &Mock, refresh: Refresh) -> Vec<(&'static str, String)> {
    let oidc = match refresh {
        Refresh::Unreachable => closed_port_url(),
        _ => mock.url.clone(),
    };
    vec![
        ("AWS_ENDPOINT_URL_SSO_OIDC", oidc),
        ("AWS_ENDPOINT_URL_SSO", mock.url.clone()),
        ("AWS_MAX_ATTEMPTS", "1".into()),
    ]
}

fn credchain_outcome(in_secs: i64, refresh: Refresh) -> Outcome {
    let (home, mock, before) = case_home(in_secs, refresh);
    let vars = endpoints(&mock, refresh);
    let run = home.run_revealing(
        &[
            "export-credentials",
            "--profile",
            "dev",
            "--format",
            "env-no-export",
        ],
        &refs(&vars),
    );
    let resolved = run.code == 0 && run.stdout.contains("AWS_ACCESS_KEY_ID=ASIAEXAMPLEROLE01\n");
    assert!(resolved || run.code != 0, "{run:#?}");
    outcome_of(resolved, &home, &mock, &before)
}

fn botocore_outcome(python: &std::path::Path, in_secs: i64, refresh: Refresh) -> Outcome {
    let (home, mock, before) = case_home(in_secs, refresh);
    let script = "import botocore.session\n\
        try:\n    \
            c = botocore.session.Session(profile='dev').get_credentials().get_frozen_credentials()\n    \
            print('resolved' if c.access_key == 'ASIAEXAMPLEROLE01' else 'other key')\n\
        except Exception as e:\n    \
            print('failed', type(e).__name__)\n";
    let vars = endpoints(&mock, refresh);
    let stdout = run_python(python, script, &home, &refs(&vars));
    assert!(
        stdout == "resolved\n" || stdout.starts_with("failed "),
        "botocore: {stdout}"
    );
    outcome_of(stdout == "resolved\n", &home, &mock, &before)
}

#[test]
#[ignore = "needs botocore: the difftest venv or CREDCHAIN_BOTOCORE_PYTHON"]
fn credchain_refreshes_cached_tokens_when_botocore_does() {
    let python = python_of("CREDCHAIN_BOTOCORE_PYTHON", "difftest-venv")
        .expect("no Python with botocore: set CREDCHAIN_BOTOCORE_PYTHON");
    // Expiries a minute or more from the windows' edges (10 and 15 minutes), so that the
    // seconds a run takes cannot move a case across one.
    let expiries = [-3600, -60, 5 * 60, 9 * 60, 11 * 60, 14 * 60, 16 * 60, 3600];
    let refreshes = [
        Refresh::Granted,
        Refresh::Refused,
        Refresh::RegistrationExpired,
        Refresh::Absent,
        Refresh::Unreachable,
    ];
    let mut differences = Vec::new();
    let mut refreshed = 0;
    for in_secs in expiries {
        for refresh in refreshes {
            let ours = credchain_outcome(in_secs, refresh);
            let theirs = botocore_outcome(&python, in_secs, refresh);
            refreshed += usize::from(theirs.token_file_rewritten);
            if ours != theirs {
                differences.push(format!(
                    "expiring in {in_secs} s, refresh {refresh:?}:\n  credchain {ours:?}\n  botocore  {theirs:?}"
                ));
            }
        }
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
    // The cases reach both sides of the window: some tokens were refreshed, most not.
    assert!(
        (1..expiries.len() * refreshes.len() / 2).contains(&refreshed),
        "{refreshed} refreshed"
    );
}
