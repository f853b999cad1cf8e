//! `credchain sso login`: signs in to IAM Identity Center as `aws sso login` does and writes
//! the token file the AWS CLI and the SDKs read (`~/.aws/sso/cache/<sha1>.json`), with the
//! client registration cached beside it.
//!
//! The decisions are the core's (`credchain_core::signin::sso`); this file runs them: the
//! registration (reused or RegisterClient), then the authorization code flow (a loopback
//! callback, the browser sent to the authorize URL, CreateToken with the PKCE verifier) or the
//! device code flow (StartDeviceAuthorization, the code shown, CreateToken polled), and the
//! files written at the very end, each atomically with mode 0600: a sign-in that fails or is
//! interrupted leaves every file as it was.

use credchain_core::caches::sso_registration::{
    parse_registration, registration_cache_key, registration_path, write_registration,
    MAX_REGISTRATION_FILE_LEN,
};
use credchain_core::caches::sso_token::token_path;
use credchain_core::config::evaluate::Evaluator;
use credchain_core::config::write::{Change, Edit};
use credchain_core::io::{block_on, Clock, Fs};
use credchain_core::services::endpoint;
use credchain_core::services::exchange::ServiceTarget;
use credchain_core::services::retry;
use credchain_core::services::sso_oidc::{
    self, AuthCodeRegistration, Client, Grant, GrantFailure, Refreshed, RegisterRequest, Token,
    DEFAULT_SCOPE, REDIRECT_URI_WITHOUT_PORT,
};
use credchain_core::signin::sso::{
    after_probe, authorize_url, check_start_url, login_config, resolved, write_token_file, Flow,
    LoginConfig, ProbeStep, Resolved, StartUrlKind, DEFAULT_INTERVAL_SECS, SLOW_DOWN_SECS,
};
use credchain_core::{FileKind, Sourced};

use crate::commands::signin_flow::{self, service_failure, Pkce, PENDING_EXPIRED};
use crate::commands::sso::callback::{self, NoCode};
use crate::commands::sso::{profile_not_found, LoginArgs};
use crate::commands::{Context, Run};
use crate::failure::Failure;
use crate::machine::{Machine, MachineIo, UrlProbe};
use crate::output::Streams;
use crate::shared_write;

/// The variable that shortens the wait for the browser (whole seconds, at most the AWS CLI's
/// 600): for tests and for people who know they will not be back.
pub const CALLBACK_WAIT_VARIABLE: &str = "CREDCHAIN_SSO_LOGIN_TIMEOUT";

/// Runs `sso login`.
impl<M: Machine + ?Sized> Run<M> for LoginArgs {
    fn run(&self, ctx: &Context<'_, M>, streams: &mut Streams<'_>) -> Result<(), Failure> {
        ctx.with_evaluator(streams, profile_not_found, |eval, streams| {
            let config =
                login_config(eval, self.sso_session.as_deref()).map_err(Failure::configuration)?;
            let resolution =
                match check_start_url(config.start_url.value).map_err(Failure::configuration)? {
                    StartUrlKind::AwsOwned => None,
                    StartUrlKind::Vanity => Some(resolve_vanity(
                        ctx.machine,
                        config.start_url.value,
                        config.region.value,
                    )?),
                };
            // The resolved URL and region serve every call and file; the configured URL names
            // the files and the message.
            let (issuer_url, region) = match &resolution {
                Some(r) => (r.url.as_str(), r.region.as_str()),
                None => (config.start_url.value, config.region.value),
            };
            let sign = SignIn {
                config: &config,
                issuer_url,
                region,
                flow: Flow::choose(&config, self.use_device_code),
                no_browser: self.no_browser,
            };
            sign_in(ctx, eval, &sign, streams)?;
            if region != config.region.value {
                write_region(ctx, &config, region, streams)?;
                writeln!(streams.out, "SSO region updated to {region}")?;
            }
            writeln!(
                streams.out,
                "Successfully logged into Start URL: {}",
                config.start_url.value
            )?;
            Ok(())
        })
    }
}

/// What one sign-in signs in to, and how.
pub(crate) struct SignIn<'a, 's> {
    /// The session or legacy keys, as configured (they name the files).
    pub config: &'a LoginConfig<'s>,
    /// The start URL sent to SSO-OIDC: the configured one, or a vanity URL resolved.
    pub issuer_url: &'a str,
    /// The region signed in to: the configured one, or the resolved URL's.
    pub region: &'a str,
    /// The OAuth flow.
    pub flow: Flow,
    /// Only print the URL.
    pub no_browser: bool,
}

/// Signs in as `sso login` does (the registration, the chosen flow, the files written at the
/// end), without its closing message and region write-back: `sso login` and `configure sso`
/// both call it. Returns the new token.
///
/// # Errors
/// The AWS CLI's failures of the sign-in; nothing is written then.
pub(crate) fn sign_in<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    eval: &Evaluator<'_, '_, M::Env>,
    sign: &SignIn<'_, '_>,
    streams: &mut Streams<'_>,
) -> Result<Token, Failure> {
    let sourced_region = Sourced {
        value: sign.region,
        source: sign.config.region.source,
    };
    let endpoint = endpoint::resolve(eval, &endpoint::SSO_OIDC, Some(sourced_region))
        .map_err(Failure::configuration)?;
    let retry = retry::settings(eval).map_err(Failure::other)?.config;
    let io = ctx.machine.io();
    let login = Login {
        ctx,
        oidc: ServiceTarget {
            http: io.http,
            clock: io.clock,
            retry,
            endpoint: &endpoint,
        },
        io,
        config: sign.config,
        issuer_url: sign.issuer_url,
        region: sign.region,
        flow: sign.flow,
        no_browser: sign.no_browser,
    };
    login.run(streams)
}

/// `sso_region = <resolved>` into `[sso-session NAME]`, or for the legacy form into
/// `[profile NAME]` (the AWS CLI's section name even for `default`).
fn write_region<M: Machine + ?Sized>(
    ctx: &Context<'_, M>,
    config: &LoginConfig<'_>,
    region: &str,
    streams: &mut Streams<'_>,
) -> Result<(), Failure> {
    let section = match config.session {
        Some(session) => format!("sso-session {session}"),
        None => format!("profile {}", config.profile),
    };
    let changes = [("sso_region", Change::Set(region))];
    let edit = Edit {
        section: &section,
        changes: &changes,
    };
    shared_write::store(ctx, FileKind::Config, &[edit], streams).map(|_| ())
}

/// One sign-in in progress.
struct Login<'r, 's, M: Machine + ?Sized> {
    ctx: &'r Context<'r, M>,
    io: MachineIo<'r, M>,
    config: &'r LoginConfig<'s>,
    /// The start URL sent to SSO-OIDC: the configured one, or a vanity URL resolved.
    issuer_url: &'r str,
    /// The region signed in to: the configured one, or the resolved URL's.
    region: &'r str,
    /// Where the SSO-OIDC calls go.
    oidc: ServiceTarget<'r, M::Http, M::Clock>,
    flow: Flow,
    no_browser: bool,
}

/// A client: reused from the cache, or registered now (and so to be cached).
struct Registered {
    client: Client,
    fresh: bool,
}

impl<M: Machine + ?Sized> Login<'_, '_, M> {
    fn run(&self, streams: &mut Streams<'_>) -> Result<Token, Failure> {
        let config = self.config;
        let registration_key = registration_cache_key(
            config.start_url.value,
            self.region,
            config.scopes.as_deref(),
            config.session,
        );
        let env = self.ctx.machine.env();
        let registration_file = registration_path(env, self.io.platform, &registration_key)
            .map_err(Failure::configuration)?;
        let token_file = token_path(
            env,
            self.io.platform,
            config.session.unwrap_or(config.start_url.value),
        )
        .map_err(Failure::configuration)?;
        // Ctrl-C exits with 130 at once while the sign-in runs: nothing has been written yet.
        self.ctx.machine.exit_on_interrupt(true);
        let signed_in = match self.flow {
            Flow::AuthorizationCode => self.authorization_code(&registration_file, streams),
            Flow::DeviceCode => self.device_code(&registration_file, streams),
        };
        // From here on, the files are written as a whole or not at all.
        self.ctx.machine.exit_on_interrupt(false);
        let (token, registered) = signed_in?;
        // Everything is written only now, once the sign-in has succeeded.
        if registered.fresh {
            let mut text = String::new();
            let scopes = self.registered_scopes();
            let _ = write_registration(
                &mut text,
                &registered.client,
                scopes.as_deref(),
                self.flow == Flow::AuthorizationCode,
            );
            self.write(&registration_file, &text, "client registration")?;
        }
        let mut text = String::new();
        let _ = write_token_file(
            &mut text,
            config.start_url.value,
            self.region,
            &token,
            &registered.client,
        );
        self.write(&token_file, &text, "token file")?;
        Ok(token.token().clone())
    }

    /// The scopes the registration file records: the device flow's only when configured, the
    /// authorization code flow's always (the default one when none are configured).
    fn registered_scopes(&self) -> Option<Vec<&str>> {
        let configured = self.config.scope_list();
        match self.flow {
            Flow::DeviceCode => (!configured.is_empty()).then(|| configured.to_vec()),
            Flow::AuthorizationCode if configured.is_empty() => Some(vec![DEFAULT_SCOPE]),
            Flow::AuthorizationCode => Some(configured.to_vec()),
        }
    }

    fn write(&self, path: &str, text: &str, what: &str) -> Result<(), Failure> {
        signin_flow::write_private::<M>(&self.io, path, text, what)
    }

    /// The cached registration when it suits the flow, else a new one.
    fn client(
        &self,
        registration_file: &str,
        auth_code: Option<AuthCodeRegistration<'_>>,
    ) -> Result<Registered, Failure> {
        let now = self.io.clock.now_unix();
        let cached = block_on(
            self.io
                .fs
                .read_at_most(registration_file, MAX_REGISTRATION_FILE_LEN),
        )
        .ok()
        .flatten()
        .and_then(|file| parse_registration(file.as_ref()))
        .filter(|r| r.suits(auth_code.is_some(), now));
        if let Some(cached) = cached {
            return Ok(Registered {
                client: cached.client,
                fresh: false,
            });
        }
        let name = self.config.client_name(now);
        let request = RegisterRequest {
            client_name: &name,
            scopes: self.config.scope_list(),
            auth_code,
        };
        let client = block_on(sso_oidc::register_client(&self.oidc, &request))
            .map_err(|e| service_failure(&e))?;
        Ok(Registered {
            client,
            fresh: true,
        })
    }

    fn authorization_code(
        &self,
        registration_file: &str,
        streams: &mut Streams<'_>,
    ) -> Result<(Refreshed, Registered), Failure> {
        let listener = self.ctx.machine.listen_loopback().map_err(|e| {
            Failure::other(format!(
                "Unable to initialize the OAuth 2.0 authorization callback handler: {e} \n You \
                 may use --use-device-code to fall back to the device code flow which does not \
                 require the callback handler."
            ))
        })?;
        let port = listener.local_addr().map_err(Failure::other)?.port();
        let redirect_uri = format!("http://127.0.0.1:{port}/oauth/callback");
        let Pkce { state, verifier } = Pkce::draw(self.ctx.machine)?;
        let registered = self.client(
            registration_file,
            Some(AuthCodeRegistration {
                redirect_uri: REDIRECT_URI_WITHOUT_PORT,
                issuer_url: self.issuer_url,
            }),
        )?;
        let url = authorize_url(
            self.oidc.endpoint.url(),
            registered.client.client_id(),
            &redirect_uri,
            &state,
            self.config.scope_list(),
            &verifier.challenge(),
        );
        if self.no_browser {
            signin_flow::print_url(&url, streams)?;
            streams.out.flush()?;
        } else {
            signin_flow::open_browser(self.ctx.machine, &url, "--use-device-code", streams)?;
        }
        let code = callback::wait_for_code(
            &listener,
            &state,
            signin_flow::callback_wait(self.ctx.machine, CALLBACK_WAIT_VARIABLE),
        )
        .map_err(|no_code| match no_code {
            NoCode::Error => Failure::other(
                "Error loading authorization code: Failed to retrieve an authorization code.",
            ),
            NoCode::TimedOut => Failure::other(PENDING_EXPIRED),
            NoCode::Listener(kind) => Failure::other(format!(
                "Error loading authorization code: the callback handler failed: {}",
                std::io::Error::from(kind)
            )),
        })?;
        drop(listener);
        let grant = Grant::AuthorizationCode {
            code: &code,
            redirect_uri: &redirect_uri,
            code_verifier: verifier.as_str(),
        };
        // A code is redeemed once: pending or slow-down answers here are an authorization
        // that did not complete.
        let token = self
            .redeem(&registered.client, &grant)
            .map_err(|e| match e {
                Redeem::Failed(f) => f,
                Redeem::Pending | Redeem::SlowDown => Failure::other(PENDING_EXPIRED),
            })?;
        Ok((token, registered))
    }

    fn device_code(
        &self,
        registration_file: &str,
        streams: &mut Streams<'_>,
    ) -> Result<(Refreshed, Registered), Failure> {
        let registered = self.client(registration_file, None)?;
        let client = &registered.client;
        let authorization = block_on(sso_oidc::start_device_authorization(
            &self.oidc,
            client,
            self.issuer_url,
        ))
        .map_err(|e| service_failure(&e))?;
        let started = self.io.clock.now_unix();
        let mut interval = authorization.interval.unwrap_or(DEFAULT_INTERVAL_SECS);
        let grant = Grant::DeviceCode(&authorization);
        // One attempt before anything is shown: an already-authorized client signs in
        // silently.
        let mut shown = false;
        loop {
            match self.redeem(client, &grant) {
                Ok(token) => return Ok((token, registered)),
                Err(Redeem::Failed(failure)) => return Err(failure),
                Err(Redeem::SlowDown) => interval += SLOW_DOWN_SECS,
                Err(Redeem::Pending) => {}
            }
            if !shown {
                shown = true;
                self.show_device_code(&authorization, streams)?;
                // Then one attempt right away, and one per interval.
                continue;
            }
            // The AWS CLI polls until the service says the authorization expired; credchain
            // also stops once `expiresIn` has passed (docs/quirks.md).
            if authorization.expires_in > 0
                && self.io.clock.now_unix() >= started.saturating_add(authorization.expires_in)
            {
                return Err(Failure::other(PENDING_EXPIRED));
            }
            let ms = u32::try_from(interval.clamp(0, 3600) * 1000).unwrap_or(u32::MAX);
            block_on(self.io.clock.sleep_ms(ms));
        }
    }

    fn show_device_code(
        &self,
        authorization: &sso_oidc::DeviceAuthorization,
        streams: &mut Streams<'_>,
    ) -> Result<(), Failure> {
        let (uri, code, complete) = (
            authorization.verification_uri.as_str(),
            authorization.user_code.as_str(),
            authorization.verification_uri_complete.as_str(),
        );
        if self.no_browser {
            write!(
                streams.out,
                "Browser will not be automatically opened.\nPlease visit the following \
                 URL:\n\n{uri}\n\nThen enter the code:\n\n{code}\n\nAlternatively, you may \
                 visit the following URL which will autofill the code upon loading:\n{complete}\n"
            )?;
        } else {
            write!(
                streams.out,
                "Attempting to open your default browser.\nIf the browser does not open or you \
                 wish to use a different device to authorize this request, open the following \
                 URL:\n\n{uri}\n\nThen enter the code:\n\n{code}\n"
            )?;
        }
        streams.out.flush()?;
        if !self.no_browser {
            let _ = self.ctx.machine.open_browser(complete);
        }
        Ok(())
    }

    /// One CreateToken attempt: the token, a reason to poll again, or the failure.
    fn redeem(&self, client: &Client, grant: &Grant<'_>) -> Result<Refreshed, Redeem> {
        let now = self.io.clock.now_unix();
        match block_on(sso_oidc::redeem(&self.oidc, client, grant, now)) {
            Ok(token) => Ok(token),
            Err(failure) => Err(match sso_oidc::grant_failure(&failure) {
                GrantFailure::Pending => Redeem::Pending,
                GrantFailure::SlowDown => Redeem::SlowDown,
                GrantFailure::Expired => Redeem::Failed(Failure::other(PENDING_EXPIRED)),
                GrantFailure::Other => Redeem::Failed(service_failure(&failure)),
            }),
        }
    }
}

/// Why a CreateToken attempt gave no token.
enum Redeem {
    /// Not yet approved.
    Pending,
    /// Poll more slowly.
    SlowDown,
    /// The sign-in failed.
    Failed(Failure),
}

/// The longest a vanity start URL's probe may take, in milliseconds (the AWS CLI's default
/// `--cli-connect-timeout`).
const PROBE_TIMEOUT_MS: u32 = 10_000;

/// A vanity start URL resolved as the AWS CLI resolves it: one HEAD (a GET when HEAD is
/// refused), at most one redirect hop, then the final URL checked.
pub(crate) fn resolve_vanity<M: Machine + ?Sized>(
    machine: &M,
    start_url: &str,
    configured_region: &str,
) -> Result<Resolved, Failure> {
    let mut was_get = false;
    let final_url = loop {
        let method = if was_get { "GET" } else { "HEAD" };
        let (status, location) = machine
            .probe_url(&UrlProbe {
                method,
                url: start_url,
                timeout_ms: PROBE_TIMEOUT_MS,
            })
            .map_err(|e| Failure::configuration(format!("Failed to resolve start URL: {e}")))?;
        match after_probe(start_url, was_get, status, location.as_deref()) {
            ProbeStep::Done(url) => break url,
            ProbeStep::RetryAsGet => was_get = true,
            ProbeStep::Failed(message) => return Err(Failure::configuration(message)),
        }
    };
    resolved(start_url, &final_url, configured_region).map_err(Failure::configuration)
}
