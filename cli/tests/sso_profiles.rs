//! `credchain sso profiles` through the binary, against the loopback portal mock
//! (cli/tests/common/sso_mock.rs) and a cached token: the dry run that writes nothing, `--write`
//! with 300 accounts of three roles each (every profile listed by `configure list-profiles`,
//! in one write), existing profiles kept unless `--force`, names normalised and made unique,
//! and the errors without a token.

mod common;

use common::sso_mock::{refs, with_secrets, write_cached_token, Mock, MockAccount, ACCESS, CORP};

fn vars(mock: &Mock) -> Vec<(&'static str, String)> {
    mock.vars()
}

fn accounts(n: usize) -> Vec<MockAccount> {
    (0..n)
        .map(|i| {
            MockAccount::new(
                &format!("{:012}", 100_000_000_000u64 + i as u64),
                &format!("acct{i:03}"),
                &["Admin", "ReadOnly", "Billing"],
            )
        })
        .collect()
}

#[test]
fn three_hundred_accounts_written_in_one_go_and_listed() {
    let home = with_secrets(&format!("[profile keep]\nregion = eu-west-1\n\n{CORP}"));
    write_cached_token(&home, ACCESS, 3600);
    let mock = Mock::with_accounts(&[], &accounts(300), 50);
    let vars = vars(&mock);
    let args = ["sso", "profiles", "--sso-session", "corp"];
    // The dry run: every pair printed, nothing written.
    let before = home.read(".aws/config").unwrap();
    let dry = home.run_with(&args, &refs(&vars));
    assert_eq!((dry.code, dry.stderr.as_str()), (0, ""), "{dry:#?}");
    assert_eq!(dry.stdout.lines().count(), 901, "{}", dry.stdout);
    assert!(dry
        .stdout
        .starts_with("would add acct000.Admin  (account 100000000000, role Admin)\n"));
    assert!(dry.stdout.ends_with(
        "900 accounts and roles: 900 profiles would be added, 0 would be replaced, 0 kept, 0 \
         without a name. Nothing was written: add --write to write them.\n"
    ));
    assert_eq!(home.read(".aws/config").unwrap(), before);
    let listed = mock.paths();
    assert_eq!(
        listed
            .iter()
            .filter(|p| *p == "GET /assignment/accounts")
            .count(),
        6
    );
    assert_eq!(
        listed
            .iter()
            .filter(|p| *p == "GET /assignment/roles")
            .count(),
        300
    );

    let write = home.run_with(&[&args[..], &["--write"]].concat(), &refs(&vars));
    assert_eq!((write.code, write.stderr.as_str()), (0, ""), "{write:#?}");
    assert!(write
        .stdout
        .contains("added     acct299.Billing  (account 100000000299, role Billing)\n"));
    let config = home.read(".aws/config").unwrap();
    assert!(config.starts_with(&format!("[profile keep]\nregion = eu-west-1\n\n{CORP}")));
    assert!(config.contains(
        "[profile acct042.ReadOnly]\nsso_session = corp\nsso_account_id = 100000000042\n\
         sso_role_name = ReadOnly\n"
    ));
    let list = home.run(&["configure", "list-profiles"]);
    assert_eq!(list.code, 0, "{list:#?}");
    let names: Vec<&str> = list.stdout.lines().collect();
    assert_eq!(names.len(), 901);
    assert_eq!(names[0], "keep");
    for i in [0, 150, 299] {
        for role in ["Admin", "ReadOnly", "Billing"] {
            assert!(names.contains(&format!("acct{i:03}.{role}").as_str()));
        }
    }
    // A second run finds every profile there and leaves them alone.
    let again = home.run_with(&[&args[..], &["--write"]].concat(), &refs(&vars));
    assert!(again.stdout.ends_with(
        "900 accounts and roles: 0 profiles added, 0 replaced, 900 kept, 0 without a name.\n"
    ));
    assert_eq!(home.read(".aws/config").unwrap(), config);
}

#[test]
fn names_normalised_made_unique_and_kept_unless_forced() {
    let home = with_secrets(&format!(
        "[profile prod.Admin]\nsso_session = other\nsso_account_id = 999999999999\n\
         sso_role_name = Admin\nregion = eu-west-1\n\n{CORP}"
    ));
    write_cached_token(&home, ACCESS, 3600);
    let list = vec![
        MockAccount::new("111111111111", "prod", &["Admin"]),
        MockAccount::new("222222222222", "My Team [dev]", &["Power User"]),
        MockAccount::new("333333333333", "My Team (dev)", &["Power User"]),
    ];
    let mock = Mock::with_accounts(&[], &list, 2);
    let vars = vars(&mock);
    let run = home.run_with(
        &["sso", "profiles", "--sso-session", "corp", "--write"],
        &refs(&vars),
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""), "{run:#?}");
    assert_eq!(
        run.stdout,
        "added     My-Team-dev.Power-User  (account 333333333333, role Power User)\n\
         added     My-Team-dev.Power-User-2  (account 222222222222, role Power User)\n\
         kept      prod.Admin  (account 111111111111, role Admin): the profile exists; \
         --force replaces it\n\
         3 accounts and roles: 2 profiles added, 0 replaced, 1 kept, 0 without a name.\n"
    );
    let config = home.read(".aws/config").unwrap();
    assert!(config.contains("sso_account_id = 999999999999"));
    assert!(config.contains(
        "[profile My-Team-dev.Power-User-2]\nsso_session = corp\nsso_account_id = \
         222222222222\nsso_role_name = Power User\n"
    ));
    let forced = home.run_with(
        &[
            "sso",
            "profiles",
            "--sso-session",
            "corp",
            "--write",
            "--force",
            "--name",
            "{account_name}.{role_name}",
        ],
        &refs(&vars),
    );
    assert!(
        forced
            .stdout
            .contains("replaced  prod.Admin  (account 111111111111, role Admin)\n"),
        "{forced:#?}"
    );
    let config = home.read(".aws/config").unwrap();
    assert!(
        config.starts_with(
            "[profile prod.Admin]\nsso_session = corp\nsso_account_id = 111111111111\n\
         sso_role_name = Admin\nregion = eu-west-1\n"
        ),
        "{config}"
    );
    // Another template, as a dry run.
    let ids = home.run_with(
        &[
            "sso",
            "profiles",
            "--sso-session",
            "corp",
            "--name",
            "{sso_session}-{account_id}-{role_name}",
        ],
        &refs(&vars),
    );
    assert!(
        ids.stdout
            .starts_with("would add corp-333333333333-Power-User  "),
        "{ids:#?}"
    );
}

#[test]
fn errors_without_a_usable_token_or_with_a_bad_template() {
    let home = with_secrets(&format!("[profile dev]\nsso_session = corp\n\n{CORP}"));
    let mock = Mock::start(&[]);
    let vars = vars(&mock);
    let run = home.run_with(&["sso", "profiles", "--profile", "dev"], &refs(&vars));
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("no cached token"), "{run:#?}");
    assert!(
        run.stderr
            .contains("credchain sso login --sso-session corp"),
        "{run:#?}"
    );
    write_cached_token(&home, ACCESS, -60);
    let run = home.run_with(&["sso", "profiles", "--profile", "dev"], &refs(&vars));
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(run.stderr.contains("expired"), "{run:#?}");
    let run = home.run_with(&["sso", "profiles", "--name", "{account}"], &refs(&vars));
    assert_eq!(run.code, 252, "{run:#?}");
    assert!(run.stderr.contains("unknown field {account}"), "{run:#?}");
    let run = home.run_with(&["sso", "profiles", "--sso-session", "nope"], &refs(&vars));
    assert_eq!(run.code, 253, "{run:#?}");
    assert!(
        run.stderr
            .contains("The specified sso-session does not exist: \"nope\""),
        "{run:#?}"
    );
    assert!(mock.paths().is_empty());
}
