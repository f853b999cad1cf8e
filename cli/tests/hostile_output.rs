//! Output under hostile input (issue 9, items 2 and 10; the probe's F2, F14, F17, F19): huge
//! values through every command that prints them, a stdout that cannot be written, unbounded
//! profile lists, and terminal control characters from outside.

mod common;

use common::Home;
use std::process::Stdio;

/// 70,000 characters: wider than a Rust format width may be (65,535).
fn huge(c: char) -> String {
    std::iter::repeat_n(c, 70_000).collect()
}

#[track_caller]
fn assert_no_panic(run: &common::Run) {
    assert_ne!(run.code, 101, "{run:#?}");
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
}

#[test]
fn configure_list_prints_values_of_any_length() {
    let home = Home::with_config(&format!(
        "[default]\nregion = us-east-1\nca_bundle = {}\n",
        huge('b')
    ));
    let run = home.run(&["configure", "list"]);
    assert_no_panic(&run);
    assert_eq!(run.code, 0, "{run:#?}");
    let row = run.row("ca_bundle").unwrap();
    assert!(row.contains(&huge('b')), "{row}");
    // The region row is padded to the widest column, not to the huge value.
    let region = run.row("region").unwrap();
    assert!(region.len() < 200, "{region}");
    // A huge value from a variable, and one from an option.
    let run = home.run_with(&["configure", "list"], &[("AWS_REGION", &huge('x'))]);
    assert_no_panic(&run);
    let run = home.run(&["configure", "list", "--region", &huge('y')]);
    assert_no_panic(&run);
    assert!(run.stdout.contains(&huge('y')), "{run:#?}");
}

#[test]
fn explain_and_configure_get_print_values_of_any_length() {
    let home = Home::with_config(&format!(
        "[default]\nregion = us-east-1\nca_bundle = {}\n",
        huge('b')
    ));
    for args in [
        &["explain"][..],
        &["explain", "--output", "json"],
        &["configure", "get", "ca_bundle"],
    ] {
        let run = home.run_with(args, &[("AWS_DEFAULT_OUTPUT", &huge('o'))]);
        assert_no_panic(&run);
    }
    let run = home.run(&["configure", "get", "ca_bundle"]);
    assert_eq!(run.stdout, format!("{}\n", huge('b')));
}

#[test]
fn export_credentials_refuses_huge_keys_without_a_panic() {
    let key = format!("AKIA{}", huge('K'));
    let home = Home::new(
        "",
        &format!(
            "[default]\naws_access_key_id = {key}\naws_secret_access_key = {}\n",
            huge('s')
        ),
    );
    for format in [
        "env",
        "env-no-export",
        "powershell",
        "windows-cmd",
        "process",
    ] {
        let run = home.run_revealing(&["export-credentials", "--format", format], &[]);
        assert_no_panic(&run);
        // The core holds keys in fixed capacities: a clear refusal, naming the limit.
        assert_eq!(run.code, 253, "{format}: {}", run.stderr);
        assert!(
            run.stderr.contains("the access key id is longer than"),
            "{format}: {}",
            run.stderr
        );
        assert_eq!(run.stdout, "");
    }
}

/// Commands that write to stdout, one of each kind of output.
const WRITING_COMMANDS: [&[&str]; 4] = [
    &["export-credentials"],
    &["configure", "list"],
    &["configure", "get", "region"],
    &["explain"],
];

/// A home with a region and static keys, so that every one of [`WRITING_COMMANDS`] succeeds.
fn home_with_keys() -> Home {
    let home = Home::with_config("[default]\nregion = us-east-1\n");
    let creds =
        "[default]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = s3cr3tKEYs3cr3tKEY\n";
    home.write(".aws/credentials", creds);
    home
}

#[test]
fn a_stdout_that_cannot_be_written_is_a_failure() {
    let home = home_with_keys();
    for args in WRITING_COMMANDS {
        // A full device.
        let mut command = home.command(args, &[]);
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        command.stdout(full).stderr(Stdio::piped());
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(255), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("credchain: [ERROR]: cannot write the output: "),
            "{stderr}"
        );
        // A pipe whose reader is gone (`credchain ... | true`, once `true` has exited).
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let mut command = home.command(args, &[]);
        command.stdout(writer).stderr(Stdio::piped());
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(255), "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "credchain: [ERROR]: cannot write the output: its reader closed the pipe before \
             reading it all\n"
        );
    }
}

#[test]
fn a_missing_profile_lists_at_most_twenty_others() {
    let mut config = String::new();
    for i in 0..100_000 {
        config.push_str(&format!("[profile p{i}]\n"));
    }
    let home = Home::with_config(&config);
    let run = home.run(&["configure", "get", "region", "--profile", "nope"]);
    assert_eq!(run.code, 255, "{run:#?}");
    let listed: Vec<String> = (0..20).map(|i| format!("p{i}")).collect();
    assert_eq!(
        run.stderr,
        format!(
            "credchain: [ERROR]: the config profile (nope) could not be found (named by \
             --profile); profiles that exist: {} and 99980 more (`aws configure list-profiles` \
             lists them all)\n",
            listed.join(", ")
        )
    );
    let run = home.run(&["explain", "--profile", "nope"]);
    assert_no_panic(&run);
    assert!(run.stdout.len() + run.stderr.len() < 4_000, "{run:#?}");
}

#[test]
fn terminal_controls_from_outside_are_escaped() {
    let home = Home::with_helper(
        "helper.sh",
        "printf '\\033]0;PWNED-TITLE\\007\\033[2J\\302\\233 red' >&2; exit 3\n",
        "[default]\ncredential_process = HELPER\n",
    );
    let run = home.run(&["export-credentials"]);
    assert_ne!(run.code, 0, "{run:#?}");
    assert!(
        !run.stderr.contains('\x1b') && !run.stderr.contains('\x07'),
        "{run:#?}"
    );
    assert!(!run.stderr.contains('\u{9b}'), "{run:#?}");
    assert!(
        run.stderr
            .contains("\\x1b]0;PWNED-TITLE\\x07\\x1b[2J\\u{9b} red"),
        "{run:#?}"
    );
    // A profile name.
    let run = home.run(&["configure", "get", "region", "--profile", "\x1b[31mred"]);
    assert!(run.stderr.contains("(\\x1b[31mred)"), "{run:#?}");
    assert!(!run.stderr.contains('\x1b'), "{run:#?}");
    // stdout is not a terminal here: values pass exactly, as scripts need them.
    home.write(".aws/config", "[default]\nregion = a\x1bb\n");
    let run = home.run(&["configure", "get", "region"]);
    assert_eq!(run.stdout, "a\x1bb\n");
}

#[test]
#[allow(unsafe_code)] // pre_exec, to close descriptor 1 in the child
fn a_stdout_closed_at_start_is_a_failure() {
    // `credchain ... >&-`: the runtime would reopen descriptor 1 on /dev/null, and the export
    // would look done.
    use std::os::fd::FromRawFd;
    use std::os::unix::process::CommandExt;
    let home = home_with_keys();
    for args in WRITING_COMMANDS {
        let mut command = home.command(args, &[]);
        command.stdout(Stdio::null()).stderr(Stdio::piped());
        // SAFETY: between fork and exec the child only closes its descriptor 1, which it
        // owns (std set it up as /dev/null); nothing else refers to it.
        unsafe {
            command.pre_exec(|| {
                drop(std::os::fd::OwnedFd::from_raw_fd(1));
                Ok(())
            });
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(255), "{args:?}: {stderr}");
        assert_eq!(
            stderr,
            "credchain: [ERROR]: cannot write the output: standard output is closed; redirect \
             it to a file, or to /dev/null to discard it\n"
        );
    }
    // Discarding it on purpose is fine.
    let mut command = home.command(&["export-credentials"], &[]);
    command.stdout(Stdio::null());
    assert_eq!(command.status().unwrap().code(), Some(0));
}
