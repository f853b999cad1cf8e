//! `credchain login [--remote]`: console credentials signed in as `aws login` does
//! (awscli/customizations/login/login.py, utils.py), with the same files, messages and exit
//! statuses.
//!
//! In order: the region (`--region`, the configured one, else asked and later saved to the
//! profile), the profile (`--profile`, AWS_PROFILE, else `default`; it may be new), the refusal
//! of a profile holding other credentials, a fresh P-256 key, PKCE verifier and `state` from the
//! OS's random source, the browser sent to Sign-In's authorize page and the code taken from the
//! loopback callback (or pasted, `--remote`), CreateOAuth2Token with a DPoP proof, the overwrite
//! question when the profile names another session, and only then the login cache file (atomic,
//! 0600) and the profile's `login_session`. Ctrl-C exits 130 until the files are written, and is
//! held off while they are, so an interrupted login leaves every file as it was.

use credchain_core::caches::login::cache_path;
use credchain_core::config::evaluate::Evaluator;
use credchain_core::config::settings::Setting;
use credchain_core::config::write::{Change, Edit};
use credchain_core::io::{block_on, Clock};
use credchain_core::services::endpoint::{self, Endpoint};
use credchain_core::services::retry;
use credchain_core::services::signin::{exchange_code, CodeExchange};
use credchain_core::signin::console::{
    account_of_arn, already_configured_message, authorize_url, existing_credentials,
    overwrite_question, read_overwrite_answer, read_pasted_code, remote_redirect_uri,
    session_of_id_token, token_url, updated_profile_message, write_cache_file, NewSession,
    CROSS_DEVICE_CLIENT_ID, INVALID_ANSWER, SAME_DEVICE_CLIENT_ID,
};
use credchain_core::signing::dpop::DpopKey;
use credchain_core::signing::pkce::uuid4;
use credchain_core::{FileKind, Source, Sourced};

use super::LoginArgs;
use crate::commands::signin_flow::{self, service_failure, Pkce, PENDING_EXPIRED};
use crate::commands::sso::callback::{self, NoCode};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::files::Diagnostics;
use crate::machine::Machine;
use crate::output::Streams;
use crate::shared_write;

/// The variable that shortens the wait for the browser (whole seconds, at most the AWS CLI's
/// 600): for tests and for people who know they will not be back.
pub const CALLBACK_WAIT_VARIABLE: &str = "CREDCHAIN_LOGIN_TIMEOUT";

/// The region offered when none is configured.
const DEFAULT_REGION_FOR_PROMPT: &str = "us-east-1";

/// The AWS CLI's words before its region prompt.
const REGION_INTRODUCTION: &str = "No AWS region has been configured. The AWS region is the \
     geographic location of your AWS resources.\n\nIf you have used AWS before and already have \
     resources in your account, specify which region they were created in. If you have not \
     created resources in your account before, you can pick the region closest to you: \
     https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html.\n\nYou \
     are able to change the region in the CLI at any time with the command \"aws configure set \
     region NEW_REGION\".\n";

/// The prefix of the AWS CLI's LoginAuthorizationCodeError.
const CODE_ERROR: &str = "Error loading or redeeming a login authorization code: ";

/// Runs `login`.
impl<M: Machine + ?Sized> Run<M> for LoginArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        ctx.with_files(Diagnostics::Warn, streams, |shared, streams| {
            // A profile neither file defines is a new one (the AWS CLI adds it before resolving).
            let eval =
                Evaluator::new_allowing_missing(shared.files, ctx.machine.env(), ctx.options);
            let configured = eval
                .resolve(Setting::Region)
                .map_err(Failure::configuration)?
                .and_then(|r| {
                    Some(Sourced {
                        value: r.value.as_str()?,
                        source: r.source,
                    })
                })
                .filter(|r| !r.value.is_empty());
            // Exit 130 on Ctrl-C while the person and the services are waited for: nothing is
            // written before the very end.
            ctx.machine.exit_on_interrupt(true);
            let prompted = match configured {
                Some(_) => None,
                None => Some(ask_region(ctx.machine, streams)?),
            };
            let region = configured.unwrap_or_else(|| Sourced {
                value: prompted.as_deref().unwrap_or(DEFAULT_REGION_FOR_PROMPT),
                source: Source::Default,
            });
            let profile = eval.active_profile();
            let holds = |key: &str| profile.profile.is_some_and(|p| p.get(key).is_some());
            if let Some(style) = existing_credentials(holds) {
                return Err(Failure::configuration(already_configured_message(
                    profile.name,
                    style,
                )));
            }
            let endpoint = endpoint::resolve(&eval, &endpoint::SIGNIN, Some(region))
                .map_err(Failure::configuration)?;
            let login = Login {
                ctx,
                eval: &eval,
                endpoint: &endpoint,
                remote: self.remote,
            };
            let signed_in = login.sign_in(streams)?;
            let old = profile
                .profile
                .and_then(|p| p.get("login_session"))
                .and_then(|p| p.value.as_str().map(str::to_owned));
            if let Some(old) = old.filter(|old| *old != signed_in.session_arn) {
                if !ask_overwrite(
                    ctx.machine,
                    profile.name,
                    &old,
                    &signed_in.session_arn,
                    streams,
                )? {
                    return Ok(());
                }
            }
            // From here on, the files are written as a whole or not at all.
            ctx.machine.exit_on_interrupt(false);
            login.save(profile.name, &signed_in, prompted.as_deref(), streams)
        })
    }
}

/// The region asked for as the AWS CLI asks (empty means us-east-1).
fn ask_region<M: Machine + ?Sized>(
    machine: &M,
    streams: &mut Streams<'_>,
) -> Result<String, Failure> {
    let prompt = format!("{REGION_INTRODUCTION}AWS Region [{DEFAULT_REGION_FOR_PROMPT}]: ");
    let line = ask(machine, &prompt, "the region", streams)?.ok_or_else(|| {
        Failure::other(
            "no region was given (standard input ended); pass --region or set AWS_REGION",
        )
    })?;
    let answer = line.trim();
    if answer.is_empty() {
        return Ok(DEFAULT_REGION_FOR_PROMPT.to_owned());
    }
    if !credchain_core::config::evaluate::is_valid_region(answer) {
        return Err(Failure::configuration(format!(
            "Provided region_name '{answer}' doesn't match a supported format."
        )));
    }
    Ok(answer.to_owned())
}

/// Writes `prompt` and reads the answer (`what` names it in the failure); `None` when the
/// input has ended.
fn ask<M: Machine + ?Sized>(
    machine: &M,
    prompt: &str,
    what: &str,
    streams: &mut Streams<'_>,
) -> Result<Option<String>, Failure> {
    streams.out.write_all(prompt.as_bytes())?;
    streams.out.flush()?;
    machine
        .read_line()
        .map_err(|e| Failure::other(format!("could not read {what}: {e}")))
}

/// The overwrite question, asked until it gets y/yes/n/no.
fn ask_overwrite<M: Machine + ?Sized>(
    machine: &M,
    profile: &str,
    old: &str,
    new: &str,
    streams: &mut Streams<'_>,
) -> Result<bool, Failure> {
    loop {
        let question = overwrite_question(profile, old, new);
        let line = ask(machine, &question, "the answer", streams)?.ok_or_else(|| {
            Failure::other(
                "the overwrite question got no answer (standard input ended); nothing was \
                     changed",
            )
        })?;
        match read_overwrite_answer(&line) {
            Some(answer) => return Ok(answer),
            None => streams.out.write_all(INVALID_ANSWER.as_bytes())?,
        }
    }
}

/// One login in progress.
struct Login<'r, 's, M: Machine + ?Sized> {
    ctx: &'r Context<'r, M>,
    eval: &'r Evaluator<'s, 's, M::Env>,
    endpoint: &'r Endpoint<'s>,
    remote: bool,
}

/// A completed sign-in, not yet saved.
struct SignedIn {
    session: NewSession,
    session_arn: String,
    client_id: &'static str,
    key: DpopKey,
    expires_at: i64,
}

impl<M: Machine + ?Sized> Login<'_, '_, M> {
    /// The browser flow and the code exchange.
    fn sign_in(&self, streams: &mut Streams<'_>) -> Result<SignedIn, Failure> {
        let machine = self.ctx.machine;
        let key = new_key(machine)?;
        let pkce = Pkce::draw(machine)?;
        let challenge = pkce.verifier.challenge();
        let endpoint = self.endpoint.url();
        let (client_id, redirect_uri, code) = if self.remote {
            let redirect_uri = remote_redirect_uri(endpoint);
            let client_id = CROSS_DEVICE_CLIENT_ID;
            let url = authorize_url(endpoint, client_id, &pkce.state, &redirect_uri, &challenge);
            signin_flow::print_url(&url, streams)?;
            let prompt = "\nEnter the authorization code displayed in your browser: ";
            let pasted = ask(machine, prompt, "the code", streams)?
                .filter(|line| !line.trim().is_empty())
                .ok_or_else(no_code)?;
            let (code, state) = read_pasted_code(&pasted).map_err(Failure::other)?;
            if state != pkce.state {
                return Err(Failure::other(format!(
                    "{CODE_ERROR}State parameter {state} does not match expected value {}.",
                    pkce.state
                )));
            }
            (client_id, redirect_uri, code)
        } else {
            let listener = machine.listen_loopback().map_err(|e| {
                Failure::other(format!(
                    "Unable to initialize the OAuth 2.0 authorization callback handler: {e} \n \
                     You may use --remote to sign in without the callback handler."
                ))
            })?;
            let port = listener.local_addr().map_err(Failure::other)?.port();
            let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
            let client_id = SAME_DEVICE_CLIENT_ID;
            let url = authorize_url(endpoint, client_id, &pkce.state, &redirect_uri, &challenge);
            signin_flow::open_browser(machine, &url, "--remote", streams)?;
            let wait = signin_flow::callback_wait(machine, CALLBACK_WAIT_VARIABLE);
            let code =
                callback::wait_for_code(&listener, &pkce.state, wait).map_err(|e| match e {
                    NoCode::Error => no_code(),
                    NoCode::TimedOut => Failure::other(PENDING_EXPIRED),
                    NoCode::Listener(kind) => Failure::other(format!(
                        "{CODE_ERROR}the callback handler failed: {}",
                        std::io::Error::from(kind)
                    )),
                })?;
            (client_id, redirect_uri, code)
        };
        let io = machine.io();
        let mut jti_bytes = [0u8; 16];
        machine
            .fill_random(&mut jti_bytes)
            .map_err(|e| Failure::other(format!("no random source for the sign-in: {e}")))?;
        let jti = uuid4(jti_bytes);
        let retry = retry::settings(self.eval).map_err(Failure::other)?.config;
        let now = io.clock.now_unix();
        let exchange = CodeExchange {
            client_id,
            code: &code,
            verifier: pkce.verifier.as_str(),
            redirect_uri: &redirect_uri,
        };
        let url = token_url(endpoint);
        let session = block_on(exchange_code(
            io.http, io.clock, retry, &url, &exchange, &key, &jti, now,
        ))
        .map_err(|failure| match failure.code() {
            Some("AUTHCODE_EXPIRED") => Failure::other(format!(
                "{CODE_ERROR}Unable to complete the login process due to an expired \
                 authorization code. Please reauthenticate using 'aws login'."
            )),
            Some("INSUFFICIENT_PERMISSIONS") => Failure::other(
                "Unable to create or refresh login credentials due to insufficient \
                 permissions. You may be missing permission for the 'signin:CreateOAuth2Token' \
                 action.",
            ),
            _ => service_failure(&failure),
        })?;
        let session_arn = session_of_id_token(&session.id_token)
            .ok_or_else(|| Failure::other("Invalid JWT token - missing sub"))?;
        Ok(SignedIn {
            expires_at: now.saturating_add(session.expires_in),
            session,
            session_arn,
            client_id,
            key,
        })
    }

    /// The login cache file, then `login_session` (and a prompted region) in the profile.
    fn save(
        &self,
        profile: &str,
        signed_in: &SignedIn,
        prompted_region: Option<&str>,
        streams: &mut Streams<'_>,
    ) -> Result<(), Failure> {
        let machine = self.ctx.machine;
        let io = machine.io();
        let path = cache_path(machine.env(), io.platform, &signed_in.session_arn)
            .map_err(Failure::configuration)?;
        let mut pem = String::new();
        let mut text = String::new();
        signed_in
            .key
            .write_sec1_pem(&mut pem)
            .and_then(|()| {
                write_cache_file(
                    &mut text,
                    &signed_in.session,
                    account_of_arn(&signed_in.session_arn),
                    signed_in.expires_at,
                    signed_in.client_id,
                    &pem,
                )
            })
            .map_err(|_| Failure::other("could not write the login cache file"))?;
        signin_flow::write_private::<M>(&io, path.as_str(), &text, "login cache file")?;
        let section = if profile == "default" {
            "default".to_owned()
        } else {
            format!("profile {profile}")
        };
        let mut changes = vec![("login_session", Change::Set(signed_in.session_arn.as_str()))];
        if let Some(region) = prompted_region {
            changes.push(("region", Change::Set(region)));
        }
        let edit = Edit {
            section: &section,
            changes: &changes,
        };
        shared_write::store(self.ctx, FileKind::Config, &[edit], streams)?;
        streams
            .out
            .write_all(updated_profile_message(profile, &signed_in.session_arn).as_bytes())?;
        Ok(())
    }
}

/// The AWS CLI's error when no code came back.
fn no_code() -> Failure {
    Failure::other(format!(
        "{CODE_ERROR}Failed to retrieve an authorization code."
    ))
}

/// A fresh P-256 key from the OS's random source.
fn new_key<M: Machine + ?Sized>(machine: &M) -> Result<DpopKey, Failure> {
    let mut failed = None;
    let key = DpopKey::generate(|bytes| {
        if let Err(e) = machine.fill_random(bytes) {
            failed = Some(e);
        }
    });
    match (key, failed) {
        (_, Some(e)) => Err(Failure::other(format!(
            "no random source for the login's key: {e}"
        ))),
        (Some(key), None) => Ok(key),
        (None, None) => Err(Failure::other(
            "the random source gave no usable key; try again",
        )),
    }
}
