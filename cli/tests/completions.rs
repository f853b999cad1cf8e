//! `credchain completions SHELL` and `credchain man` through the real binary: the bash script
//! loaded into a real bash, which completes subcommands, options and the profiles of a
//! temporary HOME by calling the binary back; the other shells' scripts name the same
//! callback; the manual page is roff made from the same definitions.

mod common;

use std::process::Command;

use common::{credchain, Home};

/// What bash completes for `words` (the last one being completed), with the script loaded.
fn bash_completes(home: &Home, words: &[&str]) -> Vec<String> {
    let script = home.run(&["completions", "bash"]);
    assert_eq!(script.code, 0, "{script:#?}");
    let path = home.file("completion.bash");
    std::fs::write(&path, &script.stdout).unwrap();
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    let current = words.last().unwrap();
    let previous = words[words.len() - 2];
    let program = format!(
        "source '{path}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_TYPE=9\n\
         _clap_complete_credchain credchain '{current}' '{previous}'\n\
         printf '%s\\n' \"${{COMPREPLY[@]}}\"\n",
        quoted.join(" "),
        words.len() - 1
    );
    let out = Command::new("bash")
        .arg("--norc")
        .arg("-c")
        .arg(program)
        .env_clear()
        .env("HOME", home.path())
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("bash runs");
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn home() -> Home {
    Home::new(
        "[default]\nregion = eu-west-1\n[profile dev]\n[profile dev-eu]\n[profile prod]\n",
        "[creds-only]\naws_access_key_id = AKIDEXAMPLE\n",
    )
}

#[test]
fn bash_completes_subcommands_options_and_profiles() {
    let home = home();
    assert_eq!(
        bash_completes(&home, &["credchain", "con"]),
        ["configure", "console"]
    );
    assert_eq!(
        bash_completes(&home, &["credchain", "configure", "list-p"]),
        ["list-profiles"]
    );
    assert_eq!(
        bash_completes(&home, &["credchain", "whoami", "--prof"]),
        ["--profile"]
    );
    // Every profile of both files, as list-profiles lists them, filtered by what is typed.
    assert_eq!(
        bash_completes(&home, &["credchain", "export-credentials", "--profile", ""]),
        ["default", "dev", "dev-eu", "prod", "creds-only"]
    );
    assert_eq!(
        bash_completes(&home, &["credchain", "--profile", "dev"]),
        ["dev", "dev-eu"]
    );
    // Values with a fixed set complete from it.
    assert_eq!(
        bash_completes(&home, &["credchain", "explain", "--format", ""]),
        ["text", "json"]
    );
}

#[test]
fn unreadable_files_complete_no_profiles_and_no_error() {
    let home = Home::with_config("[profile ok\n");
    home.write(".aws/credentials", "not ini at all [[[");
    let got = bash_completes(&home, &["credchain", "--profile", ""]);
    assert!(got.iter().all(|c| !c.contains("ERROR")), "{got:?}");
}

#[test]
fn every_shell_gets_a_script_that_calls_credchain_back() {
    let home = home();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = home.run(&["completions", shell]);
        assert_eq!(run.code, 0, "{shell}: {run:#?}");
        assert!(
            run.stdout.contains("_CREDCHAIN_COMPLETE"),
            "{shell}: {}",
            run.stdout
        );
        assert!(run.stdout.contains(credchain()), "{shell}: {}", run.stdout);
    }
    let run = home.run(&["completions", "tcsh"]);
    assert_eq!(run.code, 2, "{run:#?}");
    // A callback naming a shell credchain does not know completes nothing, with status 1.
    let run = home.run_with(&["--", "credchain", ""], &[("_CREDCHAIN_COMPLETE", "tcsh")]);
    assert_eq!((run.code, run.stdout.as_str()), (1, ""), "{run:#?}");
}

#[test]
fn the_manual_page_is_roff_from_the_same_definitions() {
    let run = home().run(&["man"]);
    assert_eq!(run.code, 0, "{run:#?}");
    assert!(run.stdout.contains(".TH credchain 1"), "{}", run.stdout);
    for subcommand in [
        "configure",
        "export\\-credentials",
        "explain",
        "whoami",
        "completions",
    ] {
        assert!(run.stdout.contains(subcommand), "{subcommand} missing");
    }
}
