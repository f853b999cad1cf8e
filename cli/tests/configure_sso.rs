//! `credchain configure sso-session` with its answers piped in: the AWS CLI's prompts and
//! defaults in order, an empty answer keeping the current value, a required value asked again,
//! the `[sso-session NAME]` section written with the keys already there kept, and the closing
//! words. (`configure sso` itself is not there yet.)

mod common;

use common::Home;

const DONE: &str = "\nCompleted configuring SSO session: corp\nRun the following to login and \
                    refresh access token for this session:\n\naws sso login --sso-session corp\n";

#[test]
fn a_new_session_from_an_empty_home() {
    let home = Home::empty();
    let run = home.run_stdin(
        &["configure", "sso-session"],
        &[],
        "  corp \nhttps://d-1.awsapps.com/start\n\nus-east-1\n\n",
    );
    // The empty region answer has no default: the region is asked again.
    run.assert_ok(&format!(
        "SSO session name: SSO start URL [None]: SSO region [None]: SSO region [None]: \
         SSO registration scopes [sso:account:access]: {DONE}"
    ));
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[sso-session corp]\nsso_start_url = https://d-1.awsapps.com/start\nsso_region = \
         us-east-1\nsso_registration_scopes = sso:account:access\n"
    );
    let run = home.run_stdin(&["configure", "list-profiles"], &[], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn an_existing_session_gives_the_defaults_and_keeps_its_other_keys() {
    let home = Home::with_config(
        "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_region = eu-west-1\n\
         sso_start_url = https://old.awsapps.com/start\nsso_registration_scopes = a:b\nextra = 1\n",
    );
    let run = home.run_stdin(
        &["configure", "sso-session"],
        &[],
        "corp\nhttps://new.awsapps.com/start\n\n\n",
    );
    run.assert_ok(&format!(
        "SSO session name: SSO start URL [https://old.awsapps.com/start]: \
         SSO region [eu-west-1]: SSO registration scopes [a:b]: {DONE}"
    ));
    assert_eq!(
        home.read(".aws/config").unwrap(),
        "[profile dev]\nsso_session = corp\n\n[sso-session corp]\nsso_region = eu-west-1\n\
         sso_start_url = https://new.awsapps.com/start\nsso_registration_scopes = a:b\nextra = 1\n"
    );
}

#[test]
fn input_ending_early_writes_nothing() {
    let home = Home::empty();
    let run = home.run_stdin(&["configure", "sso-session"], &[], "corp\n");
    assert_eq!(run.code, 255, "{}", run.stderr);
    assert!(run.stderr.contains("SSO start URL"), "{}", run.stderr);
    assert!(home.read(".aws/config").is_none());
}
