//! `credchain logout` through the real binary: the profile's login cache file removed and no
//! other, `--all` removing exactly the login cache files (as `aws logout` does), the config
//! left alone, the AWS CLI's messages. (`credchain login` is not there yet.)

mod common;

use common::Home;

const ARN: &str = "arn:aws:sts::012345678910:assumed-role/Admin/admin";
/// sha256 of the ARN, the name `aws login` gives its cache file.
const CACHE: &str =
    ".aws/login/cache/4b0ba8f99f075c0633e122fd73346ce203a3faf18ea0310eb2d29df1bab2e255.json";
const OTHER: &str = ".aws/login/cache/other.json";
const NOT_LOGIN: &str = ".aws/login/cache/notes.json";
const NOT_JSON: &str = ".aws/login/cache/keep.json";
const NOT_JSON_NAME: &str = ".aws/login/cache/login.txt";
const CONFIG: &str = "[profile signin]\nlogin_session = arn:aws:sts::012345678910:assumed-role/Admin/admin\n\n[profile plain]\nregion = us-east-1\n";

fn home() -> Home {
    let home = Home::with_config(CONFIG);
    let login = r#"{"accessToken": {"accessKeyId": "ASIAEXAMPLE", "secretAccessKey": "secretEXAMPLEsecret", "sessionToken": "tokenEXAMPLEtoken", "expiresAt": "2030-01-01T00:00:00Z"}, "clientId": "arn:aws:signin:::devtools/same-device", "refreshToken": "refreshEXAMPLErefresh", "dpopKey": "dpopKeyEXAMPLEdpopKey"}"#;
    home.write(CACHE, login);
    home.write(OTHER, login);
    home.write(NOT_LOGIN, r#"{"accessToken": "not an object"}"#);
    home.write(NOT_JSON, "not json");
    home.write(NOT_JSON_NAME, login);
    home.secret("secretEXAMPLEsecret");
    home.secret("tokenEXAMPLEtoken");
    home
}

const NOTE: &str = "Note, any local developer tools that have already loaded the access token may continue to use it until its expiration. Access tokens expire in 15 minutes.\n";

#[test]
fn logout_removes_only_the_profiles_session_file() {
    let home = home();
    let run = home.run(&["logout", "--profile", "signin"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout,
        format!("Removed cached login credentials for profile 'signin'. {NOTE}")
    );
    assert_eq!(home.read(CACHE), None);
    for kept in [OTHER, NOT_LOGIN, NOT_JSON, NOT_JSON_NAME] {
        assert!(home.read(kept).is_some(), "{kept}");
    }
    assert_eq!(home.read(".aws/config").as_deref(), Some(CONFIG));
    home.assert_no_secret(&run);
    // Again, with the file gone: the same message, as the AWS CLI prints it.
    let again = home.run_with(&["logout"], &[("AWS_PROFILE", "signin")]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.stdout, run.stdout);
    let _ = ARN;
}

#[test]
fn logout_without_a_session_warns_and_removes_nothing() {
    let home = home();
    let run = home.run(&["logout", "--profile", "plain"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "warning: no login session found for profile 'plain'\n"
    );
    for kept in [CACHE, OTHER, NOT_LOGIN, NOT_JSON, NOT_JSON_NAME] {
        assert!(home.read(kept).is_some(), "{kept}");
    }
}

#[test]
fn logout_all_removes_exactly_the_login_cache_files() {
    let home = home();
    let run = home.run(&["logout", "--all"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stdout,
        "Removed 3 cached login credentials. Note, any local developer tools that have already loaded access tokens may continue to use them until their expiration. Access tokens expire in 15 minutes.\n"
    );
    assert_eq!(home.read(CACHE), None);
    assert_eq!(home.read(OTHER), None);
    // Whatever its name: logout.py reads every file of the directory as JSON.
    assert_eq!(home.read(NOT_JSON_NAME), None);
    assert!(home.read(NOT_LOGIN).is_some());
    assert!(home.read(NOT_JSON).is_some());
    assert_eq!(home.read(".aws/config").as_deref(), Some(CONFIG));
    let again = home.run(&["logout", "--all"]);
    assert_eq!(again.code, 0, "{again:#?}");
    assert_eq!(again.stdout, "No cached login session tokens found.\n");
    home.assert_no_secret(&run);
}

#[test]
fn logout_of_a_profile_neither_file_defines_warns() {
    let home = home();
    let run = home.run(&["logout", "--profile", "nowhere"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stderr,
        "warning: no login session found for profile 'nowhere'\n"
    );
    assert!(home.read(CACHE).is_some());
}

#[test]
fn logout_all_follows_aws_login_cache_directory() {
    let home = home();
    let dir = home.path().join("elsewhere");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x.json"),
        r#"{"accessToken": {"accessKeyId": "ASIAEXAMPLE"}}"#,
    )
    .unwrap();
    let run = home.run_with(
        &["logout", "--all"],
        &[("AWS_LOGIN_CACHE_DIRECTORY", dir.to_str().unwrap())],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(
        run.stdout
            .starts_with("Removed 1 cached login credential. "),
        "{run:#?}"
    );
    assert!(!dir.join("x.json").exists());
    assert!(home.read(CACHE).is_some());
}
