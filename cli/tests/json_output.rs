//! `--output json` on `configure list` and `explain` (docs/json-output.md): the documented
//! members with their schema version, no secret, and the table or text unchanged without the
//! option (an `output = json` in the config, the AWS CLI's default format, changes nothing).

mod common;

use common::Home;
use serde_json::{json, Value};

fn home() -> Home {
    Home::new(
        "[profile dev]\nregion = eu-west-1\noutput = json\n",
        "[dev]\naws_access_key_id = AKIDEXAMPLE12345\naws_secret_access_key = secretEXAMPLEsecret\n",
    )
}

fn parsed(home: &Home, args: &[&str]) -> Value {
    let run = home.run(args);
    assert_eq!(run.code, 0, "{run:#?}");
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

#[test]
fn configure_list_as_json() {
    let home = home();
    home.secret("secretEXAMPLEsecret");
    let list = parsed(
        &home,
        &["configure", "list", "--profile", "dev", "--output", "json"],
    );
    let credentials = home.file(".aws/credentials");
    assert_eq!(list["schema"], 1);
    assert_eq!(
        list["profile"],
        json!({"value": "dev", "type": "manual", "location": "--profile"})
    );
    assert_eq!(
        list["access_key"],
        json!({"value": "****************2345", "type": "shared-credentials-file",
               "location": format!("{credentials}:2")})
    );
    assert_eq!(list["region"]["value"], "eu-west-1");
    // The four rows the table always has are there; one that nothing sets is null throughout.
    let bare = Home::with_config("[profile bare]\n");
    let list = parsed(
        &bare,
        &["configure", "list", "--profile", "bare", "--output", "json"],
    );
    for row in ["access_key", "secret_key", "region"] {
        assert_eq!(
            list[row],
            json!({"value": null, "type": null, "location": null}),
            "{row}"
        );
    }
    // Without the option, the table, whatever the config's `output` says.
    let table = home.run(&["configure", "list", "--profile", "dev"]);
    assert!(table.stdout.starts_with("NAME"), "{}", table.stdout);
}

#[test]
fn explain_as_json_with_stable_codes() {
    let home = home();
    home.secret("secretEXAMPLEsecret");
    let by_output = parsed(&home, &["explain", "--profile", "dev", "--output", "json"]);
    let by_format = parsed(&home, &["explain", "--profile", "dev", "--format", "json"]);
    assert_eq!(by_output, by_format);
    assert_eq!(by_output["schema"], 1);
    let providers = by_output["providers"].as_array().unwrap();
    assert_eq!(providers[0]["status"], "skipped");
    assert_eq!(providers[0]["reason_code"], "profile-from-option");
    let chosen = providers.iter().find(|p| p["status"] == "chosen").unwrap();
    assert_eq!(chosen["provider"], "shared-credentials-file");
    assert_eq!(chosen["reason_code"], Value::Null);
    // --format wins over --output.
    let run = home.run(&[
        "explain",
        "--profile",
        "dev",
        "--output",
        "json",
        "--format",
        "text",
    ]);
    assert!(run.stdout.starts_with("Profile: dev\n"), "{}", run.stdout);
}
