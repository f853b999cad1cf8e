//! `credchain logout`: console login sessions ended locally as `aws logout` does
//! (awscli/customizations/login/logout.py). `credchain login` is not there yet; its pure
//! steps are in `credchain_core::signin::console`.

pub mod logout;

use clap::Args;

/// `logout`'s options.
#[derive(Debug, Args)]
pub struct LogoutArgs {
    /// Remove every cached console login session, not only the profile's.
    #[arg(long)]
    pub all: bool,
}

/// `logout`'s help.
pub const LOGOUT_ABOUT: &str = "\
Remove cached console login credentials (`aws login`'s ~/.aws/login/cache, or
AWS_LOGIN_CACHE_DIRECTORY), as `aws logout` does: the profile's session file,
or with --all every login cache file. No service is called and the config file
is left alone; the exit status is 0.";
