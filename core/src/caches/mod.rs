//! The files the AWS CLI shares with credchain, each module owning its file names, its format and
//! how it is written back: the assume-role cache ([`assume_role`], `~/.aws/cli/cache`), the IAM
//! Identity Center token cache ([`sso_token`], `~/.aws/sso/cache`) with the client registrations
//! `aws sso login` keeps beside it ([`sso_registration`]), and the console login cache
//! ([`login`], `~/.aws/login/cache`).
//!
//! Parsing and formatting are pure; reading and writing go through the injected
//! [`crate::io::Fs`], whose host writes atomically. It may use [`crate::services`] (for the
//! answers it stores), [`crate::signing`], [`crate::config`] and the shared value types at the
//! crate root; never [`crate::chain`].

pub mod assume_role;
pub mod login;
pub mod sso_registration;
pub mod sso_token;
