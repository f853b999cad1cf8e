//! `credchain export-token`: the active profile's IAM Identity Center bearer token, as the AWS
//! CLI's token provider chain resolves it (the profile's `sso_session`, its cached token,
//! refreshed through SSO-OIDC when fewer than 15 minutes remain).
//!
//! Prints one line of JSON, `{"accessToken": "...", "expiresAt": "2026-11-26T18:00:00Z"}`. The
//! token is a secret: this is the one command that prints it, on purpose, for tools that take a
//! bearer token.

use std::fmt::Write as _;

use credchain_core::caches::sso_token::write_utc_z;
use credchain_core::chain::providers::sso::SsoError;
use credchain_core::chain::token::resolve_token;
use credchain_core::config::evaluate::EvaluateError;
use credchain_core::io::block_on;
use credchain_core::json::write_python_str;
use credchain_core::services::exchange::FailedExchange;
use credchain_core::services::sso_oidc::Token;

use crate::chain::network_status;
use crate::commands::Context;
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::Streams;

/// Runs `export-token`.
pub fn run<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let unknown_profile =
        |e: EvaluateError<'_>| Failure::configuration(format!("Unable to retrieve a token: {e}"));
    ctx.with_evaluator(streams, unknown_profile, |eval, streams| {
        let io = ctx.machine.io();
        let token = block_on(resolve_token(eval, io.fs, io.http, io.clock, io.platform))
            .map_err(|e| token_failure(&e))?;
        streams.out.write_all(render(&token).as_bytes())?;
        Ok(())
    })
}

/// The failure and its status: 254 when SSO-OIDC was called and failed, 253 otherwise (no
/// session, no token: log in).
fn token_failure(error: &SsoError<'_>) -> Failure {
    Failure::with_status(
        network_status(error.service_failure()),
        format!("Unable to retrieve a token: {error}"),
    )
}

/// `{"accessToken": "...", "expiresAt": "RFC 3339"}` and a line end.
fn render(token: &Token) -> String {
    let mut out = String::from("{\"accessToken\": ");
    // Writing into a String never fails.
    let _ = write_python_str(&mut out, token.access_token());
    out.push_str(", \"expiresAt\": \"");
    let _ = write_utc_z(&mut out, token.expires_at());
    let _ = writeln!(out, "\"}}");
    out
}
