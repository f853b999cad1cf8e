//! Plain JS objects out: [`Obj`], the builder of plain objects, and the objects the bindings
//! return: sources, credentials, the plan's steps and skipped providers, endpoints' origins.

use credchain_core::chain::plan::{AssumeRoleStep, BaseStep, Secret, Skipped, SsoStep};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::credentials::Credentials;
use credchain_core::services::endpoint::Origin;
use credchain_core::Sourced;
use credchain_core::{FileKind, Source};
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::request::property;

/// A plain JS object under construction.
pub(crate) struct Obj(pub(crate) Object);

impl Obj {
    pub(crate) fn new() -> Self {
        Obj(Object::new())
    }

    pub(crate) fn set(self, key: &'static str, value: impl Into<JsValue>) -> Self {
        // Defining a property of a fresh, ordinary, extensible object cannot fail.
        let _ = Reflect::set(&self.0, &property(key), &value.into());
        self
    }

    /// Sets every property of `other` (in its order) on this object.
    pub(crate) fn extend(self, other: Obj) -> Self {
        let _ = Object::assign(&self.0, &other.0);
        self
    }

    /// Sets `source` to the object of where a value came from.
    pub(crate) fn set_source(self, source: Source<'_>) -> Self {
        self.set("source", source_object(source))
    }

    /// Sets `key` to a value and `source` to where it came from.
    pub(crate) fn set_with_source(self, key: &'static str, sourced: Sourced<'_>) -> Self {
        self.set(key, sourced.value).set_source(sourced.source)
    }
}

impl From<Obj> for JsValue {
    fn from(obj: Obj) -> JsValue {
        obj.0.into()
    }
}

/// `{ kind: 'option' | 'env' | 'config-file' | 'credentials-file' | 'default', name?, path?,
/// line? }`.
pub(crate) fn source_object(source: Source<'_>) -> JsValue {
    match source {
        Source::Option(name) => Obj::new().set("kind", "option").set("name", name),
        Source::EnvVar(name) => Obj::new().set("kind", "env").set("name", name),
        Source::File { kind, path, line } => Obj::new()
            .set("kind", file_source_kind(kind))
            .set("path", path)
            .set("line", line),
        Source::Default => Obj::new().set("kind", "default"),
    }
    .into()
}

fn file_source_kind(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config-file",
        FileKind::Credentials => "credentials-file",
    }
}

pub(crate) fn file_name(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Config => "config",
        FileKind::Credentials => "credentials",
    }
}

/// `{ accessKeyId, secretAccessKey, sessionToken?, expiration?, accountId?, provider }`: the
/// only object that carries secrets. Absent values are absent properties.
pub(crate) fn credentials_object(c: &Credentials) -> JsValue {
    let mut obj = Obj::new()
        .set("accessKeyId", c.access_key_id())
        .set("secretAccessKey", c.secret_access_key());
    if let Some(token) = c.session_token() {
        obj = obj.set("sessionToken", token);
    }
    if let Some(expiration) = c.expiration() {
        obj = obj.set("expiration", date(expiration));
    }
    if let Some(account) = c.account_id() {
        obj = obj.set("accountId", account);
    }
    obj.set("provider", c.provider().awscli_name()).into()
}

/// A JS `Date` at Unix seconds.
pub(crate) fn date(unix: i64) -> js_sys::Date {
    js_sys::Date::new(&JsValue::from_f64(unix as f64 * 1000.0))
}

/// `{ value, source }`.
fn sourced_object(s: Sourced<'_>) -> JsValue {
    Obj::new().set("value", s.value).set_source(s.source).into()
}

/// `{ source }`: where a secret is configured, never its value.
fn secret_object(s: &Secret<'_>) -> JsValue {
    Obj::new().set_source(s.source).into()
}

fn set_sourced(obj: Obj, key: &'static str, value: Option<Sourced<'_>>) -> Obj {
    match value {
        Some(v) => obj.set(key, sourced_object(v)),
        None => obj,
    }
}

/// The first step of a chain, with where each input is configured. Static keys show only
/// where they are (the keys themselves are what `resolveCredentials` returns).
pub(crate) fn base_step_object(step: &BaseStep<'_>, profile: Option<&str>) -> JsValue {
    let with_profile = |obj: Obj| match profile {
        Some(p) => obj.set("profile", p),
        None => obj,
    };
    let obj = match *step {
        BaseStep::Static(keys) => {
            let mut obj = with_profile(Obj::new().set("kind", "static-keys"))
                .set(
                    "accessKeyId",
                    Obj::new().set_source(keys.access_key_id.source),
                )
                .set("secretAccessKey", secret_object(&keys.secret_access_key));
            if let Some(token) = &keys.session_token {
                obj = obj.set("sessionToken", secret_object(token));
            }
            let obj = set_sourced(obj, "expiration", keys.expiration);
            set_sourced(obj, "accountId", keys.account_id)
        }
        BaseStep::Process {
            profile, command, ..
        } => Obj::new()
            .set("kind", "process")
            .set("profile", profile)
            // Where the command is, not the command: its arguments may hold a token.
            .set("command", Obj::new().set_source(command.source)),
        BaseStep::WebIdentity(step) => {
            let obj = with_profile(Obj::new().set("kind", "web-identity"))
                .set("roleArn", sourced_object(step.role_arn))
                .set("tokenFile", sourced_object(step.token_file));
            set_sourced(obj, "sessionName", step.session_name)
        }
        BaseStep::Sso(SsoStep {
            token,
            account_id,
            role_name,
        }) => {
            let obj = Obj::new().set("kind", "sso").set("profile", token.profile);
            set_sourced(obj, "session", token.session)
                .set("startUrl", sourced_object(token.start_url))
                .set("region", sourced_object(token.region))
                .set("accountId", sourced_object(account_id))
                .set("roleName", sourced_object(role_name))
        }
        BaseStep::Login { profile, session } => Obj::new()
            .set("kind", "login")
            .set("profile", profile)
            .set("session", sourced_object(session)),
        BaseStep::Named(source) => with_profile(
            Obj::new()
                .set("kind", "credential-source")
                .set("name", source.name()),
        ),
        BaseStep::Container => Obj::new().set("kind", "container"),
        BaseStep::InstanceMetadata => Obj::new().set("kind", "instance-metadata"),
    };
    obj.into()
}

/// One AssumeRole call of a chain.
pub(crate) fn role_step_object(step: &AssumeRoleStep<'_>) -> JsValue {
    let obj = Obj::new()
        .set("kind", "assume-role")
        .set("profile", step.profile)
        .set("roleArn", sourced_object(step.role_arn));
    let obj = set_sourced(obj, "sourceProfile", step.source_profile);
    let obj = set_sourced(obj, "sessionName", step.session_name);
    let obj = set_sourced(obj, "externalId", step.external_id);
    let obj = set_sourced(obj, "mfaSerial", step.mfa_serial);
    set_sourced(obj, "durationSeconds", step.duration_seconds).into()
}

/// `[{ provider, reason, description }]`, in the chain's order.
pub(crate) fn skipped_array(skipped: &[Skipped]) -> Array {
    skipped
        .iter()
        .map(|s| {
            JsValue::from(
                Obj::new()
                    .set("provider", s.provider.awscli_name())
                    .set("reason", s.reason.code())
                    .set("description", s.reason.describe()),
            )
        })
        .collect()
}

pub(crate) fn profile_array(files: &ConfigFiles<'_>) -> Array {
    files
        .profile_names()
        .map(|n| JsValue::from(n.to_string()))
        .collect()
}

/// Where an endpoint came from: `{ kind: 'env', name } | { kind: 'services-section', section,
/// key, source } | { kind: 'profile', source } | { kind: 'regional', regionSource } | { kind:
/// 'global' }`.
pub(crate) fn origin_object(origin: Origin<'_>) -> JsValue {
    match origin {
        Origin::EnvVar(name) => Obj::new().set("kind", "env").set("name", name),
        Origin::ServicesSection {
            section,
            key,
            source,
        } => Obj::new()
            .set("kind", "services-section")
            .set("section", section)
            .set("key", key)
            .set_source(source),
        Origin::Profile(source) => Obj::new().set("kind", "profile").set_source(source),
        Origin::Regional { region_source } => Obj::new()
            .set("kind", "regional")
            .set("regionSource", source_object(region_source)),
        Origin::Global => Obj::new().set("kind", "global"),
    }
    .into()
}
