//! `credchain configure sso-session` and `credchain configure sso` through the binary, their
//! answers piped in (and, for the arrow-key menu, typed on a pseudo-terminal): the AWS CLI's
//! prompts and defaults in order, an empty answer keeping the current value, a required or
//! invalid value asked again, the sign-in against the loopback SSO-OIDC and portal mock
//! (cli/tests/common/sso_mock.rs), one account or role taken without asking, paging, the
//! numbered list without a terminal, the sections written in the AWS CLI's key order, and
//! the closing words; then `export-credentials` of the profile written.

mod common;

use common::{assert_contains_all, Home, Run};

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
    // The empty region answer has no default: the region is asked again, with the AWS CLI
    // validator's words.
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (
            0,
            format!(
                "SSO session name: SSO start URL [None]: SSO region [None]: SSO region [None]: \
                 SSO registration scopes [sso:account:access]: {DONE}"
            )
            .as_str(),
            "A value is required\n"
        ),
        "{run:#?}"
    );
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

// ---- `configure sso`, against the loopback SSO-OIDC and portal mock.

use common::sso_mock::{
    assert_exports_role_credentials, browse, param, query, refs, token_file, with_secrets,
    write_cached_token, Mock, MockAccount, Running, ACCESS, CORP, START_URL,
};

/// `credchain configure sso ARGS` in `home` against `mock`, `input` piped in.
fn configure_sso(home: &Home, mock: &Mock, args: &[&str], input: &str) -> Run {
    let vars = vars(mock);
    home.run_stdin(
        &[&["configure", "sso"][..], args].concat(),
        &refs(&vars),
        input,
    )
}

/// The mock's variables, and a short wait for the browser.
fn vars(mock: &Mock) -> Vec<(&'static str, String)> {
    let mut vars = mock.vars();
    vars.push(("CREDCHAIN_SSO_LOGIN_TIMEOUT", "20".into()));
    vars
}

#[test]
fn configure_sso_from_an_empty_home_then_export_credentials_works() {
    let home = with_secrets("");
    let mock = Mock::start(&[]);
    let input = format!("corp\n{START_URL}\nus-east-1\n\neu-west-1\njson\n\n");
    let args = ["--use-device-code", "--no-browser"];
    let run = configure_sso(&home, &mock, &args, &input);
    run.assert_ok(
        "SSO session name (Recommended): SSO start URL [None]: SSO region [None]: \
         SSO registration scopes [sso:account:access]: \
         The only AWS account available to you is: 123456789012\n\
         Using the account ID 123456789012\n\
         The only role available to you is: ReadOnly\n\
         Using the role name \"ReadOnly\"\n\
         Default client Region [None]: CLI default output format (json if not specified) \
         [None]: Profile name [ReadOnly-123456789012]: To use this profile, specify the \
         profile name using --profile, as shown:\n\n\
         aws sts get-caller-identity --profile ReadOnly-123456789012\n",
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!(
            "[profile ReadOnly-123456789012]\nsso_session = corp\nsso_account_id = \
             123456789012\nsso_role_name = ReadOnly\nregion = eu-west-1\noutput = json\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n"
        )
    );
    assert!(home.read(&token_file("corp")).unwrap().contains(ACCESS));
    assert_eq!(
        mock.paths(),
        [
            "POST /client/register",
            "POST /device_authorization",
            "POST /token",
            "GET /assignment/accounts",
            "GET /assignment/roles"
        ]
    );
    assert_exports_role_credentials(&home, &mock, "ReadOnly-123456789012");
}

/// Three accounts (two pages of two) and, for the chosen one, three roles (two pages).
fn three_accounts() -> Vec<MockAccount> {
    vec![
        MockAccount::new("333333333333", "zeta", &["Admin"]),
        MockAccount::new("123456789012", "Beta", &["ReadOnly", "admin", "Billing"]),
        MockAccount {
            id: "111111111111".into(),
            name: None,
            email: None,
            roles: vec!["Admin".into()],
        },
    ]
}

#[test]
fn the_browser_flow_with_paging_and_numbered_choices() {
    let home = with_secrets("[default]\nregion = us-west-2\n");
    let mock = Mock::with_accounts(&[], &three_accounts(), 2);
    let vars = vars(&mock);
    // Account 1 is Beta (sorted: Beta, zeta, then the id-only one); a wrong answer is asked
    // again; role 3 of admin, Billing, ReadOnly is ReadOnly.
    let input = format!("corp\n{START_URL}\nus-east-1\n\n7\n1\n3\n\n\ndev\n");
    let login = Running::start_with_input(
        &home,
        &["configure", "sso", "--no-browser"],
        &refs(&vars),
        &input,
    );
    let url = login.line_starting("http://127.0.0.1");
    let (status, _) = browse(&url);
    assert!(status.contains(" 200 "), "{status}");
    assert_eq!(param(&query(&url), "scopes").unwrap(), "sso:account:access");
    let run = login.finish(&home);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(
        run.stderr, "Not a choice: answer with a number from 1 to 3\n",
        "{run:#?}"
    );
    assert!(
        run.stdout.contains(
            "There are 3 AWS accounts available to you.\n1. Beta, Beta@example.com \
             (123456789012)\n2. zeta, zeta@example.com (333333333333)\n3. 111111111111\n\
             Choose a number (1-3): Choose a number (1-3): Using the account ID 123456789012\n\
             There are 3 roles available to you.\n1. admin\n2. Billing\n3. ReadOnly\n\
             Choose a number (1-3): Using the role name \"ReadOnly\"\n\
             Default client Region [us-west-2]: CLI default output format (json if not \
             specified) [None]: Profile name [ReadOnly-123456789012]: To use this profile"
        ),
        "{run:#?}"
    );
    let paths = mock.paths();
    let count = |p: &str| paths.iter().filter(|x| *x == p).count();
    assert_eq!(count("GET /assignment/accounts"), 2, "{paths:?}");
    assert_eq!(count("GET /assignment/roles"), 2, "{paths:?}");
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!(
            "[default]\nregion = us-west-2\n[profile dev]\nsso_session = corp\n\
             sso_account_id = 123456789012\nsso_role_name = ReadOnly\nregion = us-west-2\n\
             [sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n\
             sso_registration_scopes = sso:account:access\n"
        )
    );
    assert_exports_role_credentials(&home, &mock, "dev");
}

#[test]
fn the_legacy_form_without_a_session_name() {
    let home = with_secrets("[profile old]\nsso_region = eu-west-1\n");
    let mock = Mock::start(&[]);
    // No session name, a start URL refused, then the legacy keys.
    let input = format!("\nnot a url\n{START_URL}\n\n\n\n");
    let run = configure_sso(&home, &mock, &["--profile", "old", "--no-browser"], &input);
    assert_eq!(run.code, 0, "{run:#?}");
    assert_eq!(run.stderr, "Not a valid Start URL\n");
    assert_eq!(
        run.stdout,
        format!(
            "SSO session name (Recommended): \x1b[1mWARNING: Configuring using legacy format \
             (e.g. without an SSO session).\nConsider re-running \"configure sso\" command and \
             providing a session name.\n\x1b[0mSSO start URL [None]: SSO start URL [None]: \
             SSO region [eu-west-1]: The only AWS account available to you is: 123456789012\n\
             Using the account ID 123456789012\nThe only role available to you is: ReadOnly\n\
             Using the role name \"ReadOnly\"\nDefault client Region [None]: CLI default \
             output format (json if not specified) [None]: To use this profile, specify the \
             profile name using --profile, as shown:\n\naws sts get-caller-identity --profile \
             old\n"
        )
    );
    // The legacy form always uses the device flow; the token file is named by the URL.
    assert!(mock
        .paths()
        .contains(&"POST /device_authorization".to_owned()));
    assert!(home.read(&token_file(START_URL)).is_some());
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!(
            "[profile old]\nsso_region = eu-west-1\nsso_start_url = {START_URL}\n\
             sso_account_id = 123456789012\nsso_role_name = ReadOnly\n"
        )
    );
    assert_exports_role_credentials(&home, &mock, "old");
}

#[test]
fn an_existing_session_reuses_its_cached_token_and_is_not_rewritten() {
    let home = with_secrets(&format!(
        "[profile dev]\nsso_session = corp\noutput = text\n\n{CORP}"
    ));
    write_cached_token(&home, ACCESS, 3600);
    let mock = Mock::start(&[]);
    let mut vars = vars(&mock);
    vars.push(("AWS_PROFILE", "dev".into()));
    let run = home.run_stdin(&["configure", "sso"], &refs(&vars), "\n\n\n");
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert!(run
        .stdout
        .starts_with("SSO session name [corp]: The only AWS account"));
    assert!(run
        .stdout
        .contains("[None]: CLI default output format (json if not specified) [text]: To use"));
    // No sign-in: the cached token served the listing.
    assert_eq!(
        mock.paths(),
        ["GET /assignment/accounts", "GET /assignment/roles"]
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!(
            "[profile dev]\nsso_session = corp\noutput = text\nsso_account_id = 123456789012\n\
             sso_role_name = ReadOnly\n\n{CORP}"
        )
    );
}

#[test]
fn a_refused_listing_writes_the_profile_without_account_and_role() {
    let home = with_secrets(CORP);
    home.secret("someOtherToken-EXAMPLE");
    write_cached_token(&home, "someOtherToken-EXAMPLE", 3600);
    let mock = Mock::start(&[]);
    let run = configure_sso(&home, &mock, &[], "corp\n\n\n\nmine\n");
    // No default name without account and role: the empty answer is asked again.
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (0, "A value is required\n"),
        "{run:#?}"
    );
    assert!(
        run.stdout.ends_with(
            "Unable to list AWS accounts and/or roles. Skipping configuring AWS credential \
             provider for profile.\nDefault client Region [None]: CLI default output format \
             (json if not specified) [None]: Profile name [None]: Profile name [None]: \
             Successfully configured SSO for profile: mine\n"
        ),
        "{run:#?}"
    );
    assert_eq!(
        home.read(".aws/config").unwrap(),
        format!("{CORP}[profile mine]\nsso_session = corp\n")
    );
}

#[test]
fn no_accounts_is_an_error_and_writes_nothing() {
    let home = with_secrets(CORP);
    write_cached_token(&home, ACCESS, 3600);
    let mock = Mock::with_accounts(&[], &[], 10);
    let run = configure_sso(&home, &mock, &[], "corp\n\n\n\nx\n");
    assert_eq!(run.code, 255, "{run:#?}");
    assert!(
        run.stderr.contains("No AWS accounts are available to you."),
        "{run:#?}"
    );
    assert_eq!(home.read(".aws/config").unwrap(), CORP);
}

/// Python with its `pty` module, to type on a pseudo-terminal.
fn python_with_pty() -> Option<&'static str> {
    let ok = std::process::Command::new("python3")
        .args(["-c", "import pty, os, select"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some("python3")
}

/// Runs `credchain ARGS` on a pseudo-terminal (python3's pty module), typing `keys` one
/// chunk at a time as each `wait_for` text appears; at most 30 seconds. The terminal's
/// output, and the exit status.
#[cfg(unix)]
fn run_on_pty(
    home: &Home,
    args: &[&str],
    vars: &[(&str, &str)],
    steps: &[(&str, &str)],
) -> (String, i32) {
    const DRIVER: &str = r#"
import os, pty, select, sys, time, json
steps = json.loads(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[2], sys.argv[2:])
out = b""
deadline = time.time() + 30
i = 0
seen = 0
while time.time() < deadline:
    if i < len(steps) and steps[i][0].encode() in out[seen:]:
        seen = out.index(steps[i][0].encode(), seen) + len(steps[i][0])
        time.sleep(0.05)
        os.write(fd, steps[i][1].encode())
        i += 1
        continue
    r, _, _ = select.select([fd], [], [], 0.1)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
_, status = os.waitpid(pid, 0)
sys.stdout.write(out.decode("utf-8", "replace"))
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 99)
"#;
    let steps: Vec<[&str; 2]> = steps.iter().map(|(w, k)| [*w, *k]).collect();
    let steps = serde_json::to_string(&steps).unwrap();
    let command = home.command(&[], vars);
    let program = command.get_program().to_owned();
    let mut python = std::process::Command::new("python3");
    python.args(["-c", DRIVER, &steps]).arg(program).args(args);
    python.env_clear();
    for (k, v) in command.get_envs() {
        if let Some(v) = v {
            python.env(k, v);
        }
    }
    let output = python.output().unwrap();
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        output.status.code().unwrap_or(-1),
    )
}

#[cfg(unix)]
#[test]
fn arrow_keys_choose_on_a_terminal() {
    if python_with_pty().is_none() {
        eprintln!("skipped: no python3 with the pty module");
        return;
    }
    let home = with_secrets(CORP);
    write_cached_token(&home, ACCESS, 3600);
    let mock = Mock::with_accounts(&[], &three_accounts(), 2);
    let vars = vars(&mock);
    let down = "\x1b[B";
    let up = "\x1b[A";
    let (screen, code) = run_on_pty(
        &home,
        &["configure", "sso"],
        &refs(&vars),
        &[
            ("SSO session name", "corp\r"),
            // Beta, zeta, 111...: down twice, up once: zeta.
            ("There are 3 AWS accounts", ""),
            ("> Beta", &format!("{down}{down}{up}\r")),
            ("Using the account ID 333333333333", ""),
            ("Default client Region", "\r"),
            ("CLI default output format", "\r"),
            ("Profile name", "\r"),
        ],
    );
    assert_eq!(code, 0, "{screen}");
    assert_contains_all(
        &screen,
        &[
            "Using the account ID 333333333333",
            "The only role available to you is: Admin",
        ],
    );
    // The menu was erased once chosen.
    assert!(screen.contains("\x1b[3A\r\x1b[J"), "{screen:?}");
    assert!(home
        .read(".aws/config")
        .unwrap()
        .contains("[profile Admin-333333333333]\nsso_session = corp\nsso_account_id = 333333333333\nsso_role_name = Admin\n"));
}

#[cfg(unix)]
#[test]
fn ctrl_c_at_a_prompt_exits_130_and_writes_nothing() {
    use std::io::Read;
    let home = with_secrets(CORP);
    write_cached_token(&home, ACCESS, 3600);
    let mock = Mock::start(&[]);
    let vars = vars(&mock);
    let mut command = home.command(&["configure", "sso"], &refs(&vars));
    command
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null());
    let mut child = command.spawn().unwrap();
    let stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    // Answer the session name, then wait at the region prompt (after the listing).
    std::io::Write::write_all(&mut &stdin, b"corp\n").unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            seen.extend_from_slice(&buf[..n]);
            if seen.ends_with(b"Default client Region [None]: ") {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(std::time::Duration::from_secs(20))
        .expect("the region prompt");
    let killed = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        assert!(std::time::Instant::now() < until, "still running");
        std::thread::sleep(std::time::Duration::from_millis(20));
    };
    drop(stdin);
    assert_eq!(status.code(), Some(130), "{status}");
    assert_eq!(home.read(".aws/config").unwrap(), CORP);
}
