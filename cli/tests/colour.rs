//! Colour in `explain`'s provider list: written when clap's rule for standard output says so
//! (here forced with CLICOLOR_FORCE, standard output being a pipe), never otherwise, and
//! NO_COLOR turning it off.

mod common;

use common::Home;

const GREEN_CHOSEN: &str = "\x1b[32mchosen\x1b[0m";

fn home() -> Home {
    Home::with_common_files()
}

#[test]
fn forced_colour_marks_the_chosen_and_skipped_providers() {
    let run = home().run_with(
        &["explain", "--profile", "static"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert_eq!(run.code, 0, "{run:#?}");
    run.assert_stdout_has(&[GREEN_CHOSEN, "\x1b[33mskipped: ", "\x1b[2mnot tried\x1b[0m"]);
}

#[test]
fn no_colour_in_a_pipe_or_with_no_color() {
    let plain = home().run(&["explain", "--profile", "static"]);
    assert_eq!(plain.code, 0, "{plain:#?}");
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    assert!(
        plain
            .stdout
            .contains("credentials file            chosen\n"),
        "{}",
        plain.stdout
    );
    let off = home().run_with(
        &["explain", "--profile", "static"],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")],
    );
    assert_eq!(off.stdout, plain.stdout);
    // JSON is never coloured.
    let json = home().run_with(
        &["explain", "--profile", "static", "--format", "json"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!json.stdout.contains('\x1b'), "{}", json.stdout);
}
