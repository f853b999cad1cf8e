//! `credchain serve`: a local credentials endpoint in the container credentials format, and
//! the part of `exec --server` that runs it.
//!
//! - The endpoint is what ECS and EKS Pod Identity give a container, so every AWS SDK and the
//!   AWS CLI read it through `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//!   `AWS_CONTAINER_AUTHORIZATION_TOKEN`: `GET /` answers `{"AccessKeyId", "SecretAccessKey",
//!   "Token", "Expiration", "AccountId"}` (the last when known; `Expiration` as
//!   `YYYY-MM-DDTHH:MM:SSZ`, which botocore and the JavaScript SDK both parse).
//! - It listens on 127.0.0.1 only (`--port`, else a port the system picks). Each server makes
//!   a random token of [`TOKEN_BYTES`] bytes (the operating system's random source), compared
//!   in constant time with the `Authorization` header: no header is 401, a wrong one 403,
//!   each with a fixed body (docs/quirks.md).
//! - The credentials are the chain's, resolved once before the server starts (a failure ends
//!   the command as `export-credentials` fails) and then kept by [`resolver`]: refreshed 5
//!   minutes before they expire (the core's `freshness`), one refresh for every caller, kept
//!   through a failed refresh while unexpired. A failed refresh is reported on stderr (the
//!   chain's message, which never holds a secret); callers get 503 only when nothing unexpired
//!   is left.
//! - The token is a secret. It is printed once, on stdout, in the two `export` lines that are
//!   the command's purpose (for `eval`, or a file made with umask 077); stderr only says where
//!   the server listens, never the token. `exec --server` prints nothing: the token goes only
//!   into the command's environment.
//! - Long-term keys (no session token) are refused: the format has no way to carry them
//!   (`Token` is required by botocore and the SDKs). Session keys without an expiry (keys with
//!   `aws_session_token` in the credentials file) are served with an `Expiration` an hour
//!   after they were read, and read again then.
//! - SIGINT and SIGTERM stop the server; the command then exits with 0.

pub mod http;
pub mod resolver;
pub mod server;

use std::sync::atomic::Ordering;
use std::sync::Arc;

use clap::Args;
use credchain_core::credentials::{write_utc_z, Credentials};

use crate::commands::export::resolve_credentials;
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::Machine;
use crate::output::json::Json;
use crate::output::Streams;

use resolver::{now_unix, Held, Shared};

/// The random bytes of a server's token (written as hex).
pub const TOKEN_BYTES: usize = 32;
/// How long session keys without an expiry are served before they are read again.
pub const UNEXPIRING_SERVED_FOR_SECS: i64 = 60 * 60;

/// `serve`'s options.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The port on 127.0.0.1 (default: one the system picks).
    #[arg(long, value_name = "N")]
    pub port: Option<u16>,
}

/// `serve`'s help.
pub const ABOUT: &str = "\
Serve the active profile's credentials on 127.0.0.1 in the container credentials
format, which every AWS SDK and the AWS CLI read through
AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN, so a
program that runs for hours keeps valid credentials.

The credentials are resolved as `export-credentials` resolves them, then
refreshed 5 minutes before they expire. Standard output gets the two export
lines (the URL and the server's random token: a secret, shown only there);
stderr says where the server listens. Requests without the token get 401, with
a wrong one 403. Ctrl-C or SIGTERM stops the server.

Long-term keys are refused: the format needs a session token (use a profile
that assumes a role, or `credchain exec` without --server).";

/// `serve`'s examples.
pub const EXAMPLES: &str = "\
Examples:
  credchain serve --profile dev            then paste the two export lines elsewhere
  (umask 077; credchain serve --port 9911 > ~/.aws-serve.env) &
  credchain exec --server --profile dev -- ./long-running-job";

/// A started server: where it is and its token.
pub struct Started {
    /// The running server.
    pub running: server::Running,
    /// The state it serves from (the refresher's).
    pub shared: Arc<Shared>,
    /// `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
    pub url: String,
    /// `AWS_CONTAINER_AUTHORIZATION_TOKEN` (a secret).
    pub token: String,
}

/// Runs `serve`.
impl<M: Machine + ?Sized> Run<M> for ServeArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        let signals = ctx.machine.stop_signals();
        let started = start(ctx, streams, self.port.unwrap_or(0))?;
        writeln!(
        streams.out,
        "export AWS_CONTAINER_CREDENTIALS_FULL_URI={}\nexport AWS_CONTAINER_AUTHORIZATION_TOKEN={}",
        started.url, started.token
    )?;
        streams.out.flush()?;
        writeln!(
            streams.err,
            "credchain: serving credentials on {} until Ctrl-C or SIGTERM",
            started.url
        )?;
        refresh(ctx, streams, &started.shared, || {
            signals.load(Ordering::SeqCst) != 0
        });
        started.running.stop();
        writeln!(streams.err, "credchain: stopped serving credentials")?;
        Ok(())
    }
}

/// Makes the token, resolves the first credentials, binds 127.0.0.1:`port` and starts the
/// server.
///
/// # Errors
/// No random source, no credentials (as `export-credentials` fails), the port.
pub fn start<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
    port: u16,
) -> Result<Started, Failure> {
    let mut random = [0u8; TOKEN_BYTES];
    ctx.machine.fill_random(&mut random).map_err(|e| {
        Failure::other(format!(
            "cannot make the server's token: no random source ({e})"
        ))
    })?;
    let token: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let first = resolve_held(ctx, streams)?;
    let listener = ctx.machine.listen_loopback_on(port).map_err(|e| {
        Failure::other(format!(
            "cannot listen on 127.0.0.1:{port}: {e}; choose another --port, or leave it out \
             for a free one"
        ))
    })?;
    let shared = Arc::new(Shared::new(first));
    let running = server::start(listener, shared.clone(), token.clone())
        .map_err(|e| Failure::other(format!("cannot start the server's threads: {e}")))?;
    let url = format!("http://{}{}", running.addr(), http::PATH);
    Ok(Started {
        running,
        shared,
        url,
        token,
    })
}

/// Runs the refresher on this thread until `stop`: each refresh resolves the chain again
/// (the files read anew), and a failed one is reported on stderr.
pub fn refresh<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
    shared: &Shared,
    stop: impl FnMut() -> bool,
) {
    let err = &mut *streams.err;
    shared.refresh_until(
        || {
            // The warnings about the files were given at the start.
            let (mut out, mut quiet) = (std::io::sink(), std::io::sink());
            let mut streams = Streams {
                out: &mut out,
                err: &mut quiet,
                style: crate::output::style::Style::default(),
            };
            resolve_held(ctx, &mut streams)
        },
        stop,
        |failure: Failure| {
            let _ = writeln!(
                err,
                "credchain: refreshing the credentials failed; unexpired credentials are still \
                 served, and the next request tries again:"
            );
            failure.report(err);
        },
    );
}

/// The chain's credentials as the server serves them.
fn resolve_held<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    streams: &mut Streams<'_>,
) -> Result<Held, Failure> {
    let ((), credentials) = resolve_credentials(ctx, streams, |_| Ok(()))?;
    held(&credentials, now_unix())
}

/// The container credentials JSON of `credentials`, read at `now`.
fn held(credentials: &Credentials, now: i64) -> Result<Held, Failure> {
    let Some(token) = credentials.session_token() else {
        return Err(Failure::configuration(
            "the credentials are long-term keys (no session token), which the container \
             credentials format cannot carry (the SDKs require a Token); serve a profile that \
             assumes a role or signs in, or use `credchain exec` without --server",
        ));
    };
    let (expiration, served_until) = match credentials.expiration() {
        Some(at) => (Some(at), at),
        None => {
            let until = now.saturating_add(UNEXPIRING_SERVED_FOR_SECS);
            (Some(until), until)
        }
    };
    let mut time = String::new();
    let _ = write_utc_z(&mut time, served_until);
    let mut fields = vec![
        ("AccessKeyId", credentials.access_key_id().into()),
        ("SecretAccessKey", credentials.secret_access_key().into()),
        ("Token", token.into()),
        ("Expiration", time.into()),
    ];
    if let Some(account) = credentials.account_id() {
        fields.push(("AccountId", account.into()));
    }
    Ok(Held {
        body: Arc::from(Json::Object(fields).pretty().into_bytes()),
        expiration,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_and_its_expiry() {
        let with = |token: Option<&str>, expiration| {
            let kind = credchain_core::credentials::ProviderKind::AssumeRole;
            Credentials::new(
                kind,
                "ASIAEXAMPLE",
                "secretKey0001",
                token,
                expiration,
                None,
            )
            .unwrap()
        };
        let h = held(&with(Some("tok"), Some(86_400)), 0).unwrap();
        assert_eq!(h.expiration, Some(86_400));
        assert_eq!(
            std::str::from_utf8(&h.body).unwrap(),
            "{\n  \"AccessKeyId\": \"ASIAEXAMPLE\",\n  \"SecretAccessKey\": \"secretKey0001\",\n  \
             \"Token\": \"tok\",\n  \"Expiration\": \"1970-01-02T00:00:00Z\"\n}"
        );
        let h = held(&with(Some("tok"), None), 100).unwrap();
        assert_eq!(h.expiration, Some(3_700));
        assert!(held(&with(None, None), 0).is_err());
    }
}
