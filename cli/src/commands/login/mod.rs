//! `credchain login` and `credchain logout`: console credentials signed in as `aws login`
//! does (awscli/customizations/login/login.py, utils.py) and ended locally as `aws logout`
//! does (logout.py). Their pure steps are in `credchain_core::signin::console`.

#[allow(clippy::module_inception)] // `login::login`, beside `login::logout`.
pub mod login;
pub mod logout;

use clap::Args;

/// `login`'s options.
#[derive(Debug, Args)]
pub struct LoginArgs {
    /// Sign in on another device: print the URL and read the authorization code that the
    /// browser shows, instead of the callback on this machine.
    #[arg(long)]
    pub remote: bool,
}

/// `login`'s help.
pub const LOGIN_ABOUT: &str = "\
Sign in with AWS Management Console credentials, as `aws login` does: the
browser signs in at AWS Sign-In and comes back to a callback on 127.0.0.1
(`--remote`: the URL is printed and the code the browser shows is pasted),
then the code is exchanged for temporary credentials and a refresh token with
a DPoP proof from a new P-256 key. The session goes into the login cache
(~/.aws/login/cache, or AWS_LOGIN_CACHE_DIRECTORY) and its name into the
profile's `login_session`, which the AWS CLI, the SDKs and credchain read. A
profile holding other credentials is refused. The region is `--region`, the
configured one, or asked for (and then saved). The wait for the browser is at
most 600 seconds (CREDCHAIN_LOGIN_TIMEOUT shortens it). Nothing is written
unless the sign-in succeeds.";

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
