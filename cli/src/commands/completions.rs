//! `credchain completions SHELL` and `credchain man`: the shell's completion script and the
//! manual page, both made from the command line's own definitions (clap_complete, clap_mangen).
//!
//! The completion script is clap_complete's dynamic one: it calls `credchain` back at each
//! TAB with [`COMPLETE_VAR`] set to the shell's name, and [`complete`] answers with the
//! candidates. So the subcommands, options and values are always the binary's own, and
//! `--profile` completes with the profiles the shared files define (as `configure
//! list-profiles` lists them), read through the machine at that moment.

use std::ffi::OsString;
use std::io::Write;

use clap::ValueEnum;
use clap_complete::engine::{ArgValueCompleter, CompletionCandidate};
use clap_complete::env::{Bash, Elvish, EnvCompleter, Fish, Powershell, Zsh};

use crate::failure::Failure;
use crate::files::{self, Diagnostics};
use crate::machine::Machine;
use crate::output::Streams;

/// The variable that makes a run answer a completion request: the shell's name.
pub const COMPLETE_VAR: &str = "_CREDCHAIN_COMPLETE";

/// The shells completions are written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Shell {
    /// Bash 4.4 or newer (older ones complete without sorting).
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
    /// PowerShell.
    Powershell,
    /// Elvish.
    Elvish,
}

impl Shell {
    fn completer(self) -> &'static dyn EnvCompleter {
        match self {
            Shell::Bash => &Bash,
            Shell::Zsh => &Zsh,
            Shell::Fish => &Fish,
            Shell::Powershell => &Powershell,
            Shell::Elvish => &Elvish,
        }
    }
}

/// `completions`' options.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// `completions`' help.
pub const ABOUT: &str = "\
Print the completion script for SHELL. It completes the subcommands, the
options and their values, and --profile with the profiles the shared files
define, by asking credchain itself at each TAB (so it always matches the
installed binary). Load it from the shell's start-up file:

  bash:        source <(credchain completions bash)          (~/.bashrc)
  zsh:         source <(credchain completions zsh)           (~/.zshrc)
  fish:        credchain completions fish | source           (~/.config/fish/config.fish)
  PowerShell:  credchain completions powershell | Out-String | Invoke-Expression";

/// Runs `completions SHELL`: the script that calls `program` (the path this run was started
/// with) back.
pub fn run(
    args: &CompletionsArgs,
    program: &str,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let mut script = Vec::new();
    args.shell.completer().write_registration(
        COMPLETE_VAR,
        "credchain",
        "credchain",
        program,
        &mut script,
    )?;
    streams.out.write_all(&script)?;
    Ok(())
}

/// Runs `man`: the manual page, as roff.
pub fn man(command: &clap::Command, streams: &mut Streams<'_>) -> Result<(), Failure> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command.clone()).render(&mut page)?;
    streams.out.write_all(&page)?;
    Ok(())
}

/// Answers a completion request from the script of `shell` (the value of [`COMPLETE_VAR`]):
/// `args` is the program's name, `--`, then the words being completed. An unknown shell is an
/// error (status 1, so the script completes nothing).
pub fn complete(
    shell: &str,
    command: &clap::Command,
    args: Vec<OsString>,
    machine: &(impl Machine + ?Sized),
    out: &mut dyn Write,
) -> u8 {
    let Some(shell) = Shell::from_str(shell, true).ok().map(Shell::completer) else {
        return 1;
    };
    let words: Vec<OsString> = args.into_iter().skip_while(|a| a != "--").skip(1).collect();
    let profiles = profile_names(machine);
    let mut command = command.clone().mut_arg("profile", |arg| {
        arg.add(ArgValueCompleter::new(move |current: &std::ffi::OsStr| {
            let current = current.to_string_lossy();
            profiles
                .iter()
                .filter(|name| name.starts_with(current.as_ref()))
                .map(|name| CompletionCandidate::new(name.as_str()))
                .collect::<Vec<_>>()
        }))
    });
    // No current directory: credchain completes no paths relative to one.
    match shell.write_complete(&mut command, words, None, out) {
        Ok(()) => 0,
        Err(_) => 1,
    }
}

/// The profiles the shared files define, as `configure list-profiles` lists them; none when
/// the files cannot be read (a completion never reports errors).
fn profile_names(machine: &(impl Machine + ?Sized)) -> Vec<String> {
    let (mut sink_out, mut sink_err) = (std::io::sink(), std::io::sink());
    let mut streams = Streams {
        out: &mut sink_out,
        err: &mut sink_err,
        style: crate::output::style::Style::default(),
    };
    let dialect = credchain_core::Dialect::AwsCli;
    files::with_files(
        machine,
        dialect,
        Diagnostics::Keep,
        &mut streams,
        |shared, _| {
            Ok(shared
                .files
                .profile_names()
                .map(|n| n.to_string())
                .collect())
        },
    )
    .unwrap_or_default()
}
