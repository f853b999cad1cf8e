//! Credentials, owned in fixed-capacity strings (no allocation), the times they carry, and the
//! names of the providers that give them ([`ProviderKind`]): the values every layer passes.
//!
//! Debug never shows the secret access key or the session token; there is no Display. The
//! other types that hold secrets write their Debug with `redact`'s macro.

use core::fmt;

pub(crate) mod redact {
    //! Debug for the values that hold secrets (secret keys, session tokens, refresh tokens, client
    //! secrets, MFA codes): written by [`redacted_debug!`], which lists the fields that may be
    //! shown and never prints the others.
    //!
    //! ```text
    //!   redacted_debug!(Client { client_id, expires_at });
    //!     Client { client_id: "cid", expires_at: 1700000000, .. }
    //!   redacted_debug!(Mfa<'_> { serial_number } redacted { token_code });
    //!     Mfa { serial_number: "arn:...", token_code: "<redacted>" }
    //! ```

    /// Writes `impl core::fmt::Debug` for a struct that shows only the fields named in braces.
    ///
    /// `Type { a, b }` shows `a` and `b` and ends with `..`, so a field added later stays hidden
    /// until someone lists it; `Type { a } redacted { s }` shows `a`, then `s` as `"<redacted>"`
    /// (for a type whose every field is accounted for). A type with a lifetime is written
    /// `Type<'_>`.
    macro_rules! redacted_debug {
        ($ty:ident $(<$lt:lifetime>)? { $($shown:ident),* $(,)? }) => {
            impl core::fmt::Debug for $ty $(<$lt>)? {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    f.debug_struct(stringify!($ty))
                        $(.field(stringify!($shown), &self.$shown))*
                        .finish_non_exhaustive()
                }
            }
        };
        ($ty:ident $(<$lt:lifetime>)? { $($shown:ident),* $(,)? }
            redacted { $($secret:ident),+ $(,)? }) => {
            impl core::fmt::Debug for $ty $(<$lt>)? {
                fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                    // Named so that the compiler checks the fields exist.
                    $(let _ = &self.$secret;)+
                    f.debug_struct(stringify!($ty))
                        $(.field(stringify!($shown), &self.$shown))*
                        $(.field(stringify!($secret), &"<redacted>"))+
                        .finish()
                }
            }
        };
    }

    pub(crate) use redacted_debug;

    #[cfg(test)]
    mod tests {
        use std::format;

        struct Keys<'a> {
            id: &'a str,
            secret: &'a str,
        }
        redacted_debug!(Keys<'_> { id });

        struct Code {
            serial: u32,
            code: u32,
        }
        redacted_debug!(Code { serial } redacted { code });

        #[test]
        fn only_the_listed_fields_are_shown() {
            let keys = Keys {
                id: "AKID",
                secret: "SECRET",
            };
            assert_eq!(keys.secret, "SECRET");
            assert_eq!(format!("{keys:?}"), r#"Keys { id: "AKID", .. }"#);
            let code = Code {
                serial: 7,
                code: 123_456,
            };
            assert_eq!(code.code, 123_456);
            assert_eq!(
                format!("{code:?}"),
                r#"Code { serial: 7, code: "<redacted>" }"#
            );
        }
    }
}

/// The credential providers, in the AWS CLI's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProviderKind {
    /// `AWS_ACCESS_KEY_ID` and friends.
    Environment,
    /// `role_arn` with `source_profile` or `credential_source`.
    AssumeRole,
    /// `AssumeRoleWithWebIdentity` from a token file.
    WebIdentity,
    /// IAM Identity Center (SSO).
    Sso,
    /// Static keys in the credentials file.
    SharedCredentialsFile,
    /// A console login session (`aws login`).
    Login,
    /// `credential_process`.
    CredentialProcess,
    /// Static keys in the config file.
    ConfigFile,
    /// The ECS/EKS container endpoint.
    Container,
    /// EC2 instance metadata (IMDS).
    InstanceMetadata,
}

impl ProviderKind {
    /// Every provider, in order.
    pub const ALL: [ProviderKind; 10] = [
        ProviderKind::Environment,
        ProviderKind::AssumeRole,
        ProviderKind::WebIdentity,
        ProviderKind::Sso,
        ProviderKind::SharedCredentialsFile,
        ProviderKind::Login,
        ProviderKind::CredentialProcess,
        ProviderKind::ConfigFile,
        ProviderKind::Container,
        ProviderKind::InstanceMetadata,
    ];

    /// The AWS CLI's name for the provider (the TYPE column of `aws configure list`).
    #[must_use]
    pub fn awscli_name(self) -> &'static str {
        match self {
            ProviderKind::Environment => "env",
            ProviderKind::AssumeRole => "assume-role",
            ProviderKind::WebIdentity => "assume-role-with-web-identity",
            ProviderKind::Sso => "sso",
            ProviderKind::SharedCredentialsFile => "shared-credentials-file",
            ProviderKind::Login => "login",
            ProviderKind::CredentialProcess => "custom-process",
            ProviderKind::ConfigFile => "config-file",
            ProviderKind::Container => "container-role",
            ProviderKind::InstanceMetadata => "iam-role",
        }
    }

    /// A short description for people.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            ProviderKind::Environment => "environment variables",
            ProviderKind::AssumeRole => "assume role (role_arn)",
            ProviderKind::WebIdentity => "web identity token",
            ProviderKind::Sso => "IAM Identity Center (SSO)",
            ProviderKind::SharedCredentialsFile => "credentials file",
            ProviderKind::Login => "console login session",
            ProviderKind::CredentialProcess => "credential_process",
            ProviderKind::ConfigFile => "config file",
            ProviderKind::Container => "container endpoint",
            ProviderKind::InstanceMetadata => "EC2 instance metadata",
        }
    }
}

/// The longest access key id kept.
pub const MAX_ACCESS_KEY_ID_LEN: usize = 128;
/// The longest secret access key kept.
pub const MAX_SECRET_ACCESS_KEY_LEN: usize = 256;
/// The longest session token kept (STS tokens run to about 1 KB, SSO role tokens a few; AWS
/// sets no maximum).
pub const MAX_SESSION_TOKEN_LEN: usize = 16 * 1024;
/// The longest account id kept.
pub const MAX_ACCOUNT_ID_LEN: usize = 32;

/// A set of AWS credentials and where they came from.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    access_key_id: heapless::String<MAX_ACCESS_KEY_ID_LEN>,
    secret_access_key: heapless::String<MAX_SECRET_ACCESS_KEY_LEN>,
    session_token: Option<SessionTokenText>,
    expiration: Option<i64>,
    /// How the source wrote the expiry (its fraction and offset), for `isoformat` output.
    expiration_form: TimeForm,
    account_id: Option<heapless::String<MAX_ACCOUNT_ID_LEN>>,
    provider: ProviderKind,
}

/// How a time was written, beyond the instant it names: the fraction of its second and its UTC
/// offset. The AWS CLI prints a credential's expiry as Python's `isoformat()` of the time it
/// parsed, so `+02:00` stays `+02:00` and `.5` becomes `.500000`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeForm {
    /// Microseconds (Python keeps six digits, dropping the rest).
    pub micros: u32,
    /// The UTC offset, in seconds east of UTC.
    pub offset_secs: i32,
}

/// A time as parsed: the instant, in Unix seconds, and how it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timestamp {
    /// Unix seconds (the fraction dropped).
    pub unix: i64,
    /// The fraction and offset it was written with.
    pub form: TimeForm,
}

/// A credential field longer than its capacity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong {
    /// The field.
    pub field: &'static str,
    /// The named constant that bounds it.
    pub limit: &'static str,
    /// Its value, in bytes.
    pub max: usize,
}

impl fmt::Display for TooLong {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is longer than the {} bytes credchain can hold ({}): the value may well be valid, \
             but credchain cannot use it; please report it",
            self.field, self.max, self.limit
        )
    }
}

impl TooLong {
    /// `field`, bounded by the constant named `limit`, did not fit the `N` bytes of its string.
    pub(crate) const fn over<const N: usize>(field: &'static str, limit: &'static str) -> Self {
        TooLong {
            field,
            limit,
            max: N,
        }
    }
}

/// Where a session token is kept: on the heap when the core has an allocator, inline (up to
/// [`MAX_SESSION_TOKEN_LEN`]) without. Credentials move from provider to chain to caller, and a
/// 16 KB token buffer inline made each move a 16 KB copy: over a third of a static profile's
/// resolution. The same limit holds either way.
#[cfg(feature = "alloc")]
type SessionTokenText = alloc::string::String;
#[cfg(not(feature = "alloc"))]
type SessionTokenText = heapless::String<MAX_SESSION_TOKEN_LEN>;

/// `token` as a [`SessionTokenText`], refused past [`MAX_SESSION_TOKEN_LEN`].
fn session_token_text(token: &str) -> Result<SessionTokenText, TooLong> {
    let too_long =
        TooLong::over::<MAX_SESSION_TOKEN_LEN>("the session token", "MAX_SESSION_TOKEN_LEN");
    #[cfg(feature = "alloc")]
    return (token.len() <= MAX_SESSION_TOKEN_LEN)
        .then(|| alloc::string::String::from(token))
        .ok_or(too_long);
    #[cfg(not(feature = "alloc"))]
    return heapless::String::try_from(token).map_err(|_| too_long);
}

fn fill<const N: usize>(
    value: &str,
    field: &'static str,
    limit: &'static str,
) -> Result<heapless::String<N>, TooLong> {
    heapless::String::try_from(value).map_err(|_| TooLong::over::<N>(field, limit))
}

impl Credentials {
    /// Credentials from their parts (`expiration` in Unix seconds).
    pub fn new(
        provider: ProviderKind,
        access_key_id: &str,
        secret_access_key: &str,
        session_token: Option<&str>,
        expiration: Option<i64>,
        account_id: Option<&str>,
    ) -> Result<Self, TooLong> {
        Ok(Credentials {
            access_key_id: fill(access_key_id, "the access key id", "MAX_ACCESS_KEY_ID_LEN")?,
            secret_access_key: fill(
                secret_access_key,
                "the secret access key",
                "MAX_SECRET_ACCESS_KEY_LEN",
            )?,
            session_token: session_token.map(session_token_text).transpose()?,
            expiration,
            expiration_form: TimeForm::default(),
            account_id: account_id
                .map(|a| fill(a, "the account id", "MAX_ACCOUNT_ID_LEN"))
                .transpose()?,
            provider,
        })
    }

    /// The access key id.
    #[must_use]
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The secret access key: a secret, for the code that must use it.
    #[must_use]
    pub fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// The session token, when the credentials are temporary: a secret.
    #[must_use]
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref()
    }

    /// When they expire, in Unix seconds.
    #[must_use]
    pub fn expiration(&self) -> Option<i64> {
        self.expiration
    }

    /// How the source wrote the expiry (UTC, whole seconds unless a source said otherwise).
    #[must_use]
    pub fn expiration_form(&self) -> TimeForm {
        self.expiration_form
    }

    /// The same credentials, with the expiry written as `form` says (kept from the source's
    /// text, for output as the AWS CLI gives it).
    #[must_use]
    pub fn with_expiration_form(mut self, form: TimeForm) -> Self {
        self.expiration_form = form;
        self
    }

    /// Writes the expiry as the AWS CLI prints it (Python's `isoformat()` of the time it
    /// parsed: the source's offset and fraction kept), or nothing when there is none.
    pub fn write_expiration(&self, out: &mut (impl fmt::Write + ?Sized)) -> fmt::Result {
        match self.expiration {
            Some(unix) => write_python_isoformat(out, unix, self.expiration_form),
            None => Ok(()),
        }
    }

    /// The account they belong to, when known.
    #[must_use]
    pub fn account_id(&self) -> Option<&str> {
        self.account_id.as_deref()
    }

    /// The provider of the active profile that produced them.
    #[must_use]
    pub fn provider(&self) -> ProviderKind {
        self.provider
    }

    /// The same credentials, attributed to another provider (a role chain's outer provider).
    #[must_use]
    pub fn with_provider(mut self, provider: ProviderKind) -> Self {
        self.provider = provider;
        self
    }

    /// Replaces the account id (when a later source knows it better).
    pub fn set_account_id(&mut self, account_id: Option<&str>) -> Result<(), TooLong> {
        self.account_id = account_id
            .map(|a| fill(a, "the account id", "MAX_ACCOUNT_ID_LEN"))
            .transpose()?;
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id.as_str())
            .field("secret_access_key", &"<redacted>")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "<redacted>"),
            )
            .field("expiration", &self.expiration)
            .field("account_id", &self.account_id.as_deref())
            .field("provider", &self.provider)
            .finish()
    }
}

/// Parses an RFC 3339 / ISO 8601 time with an offset (`2099-01-02T03:04:05Z`,
/// `2099-01-02T03:04:05.123+00:00`) into Unix seconds.
#[must_use]
pub fn parse_time(text: &str) -> Option<i64> {
    parse_timestamp(text).map(|t| t.unix)
}

/// The longest time text read.
const MAX_TIME_LEN: usize = 64;

/// Parses a time as [`parse_time`] does, keeping how it was written. Also read: botocore's own
/// `strftime('%Y-%m-%dT%H:%M:%S%Z')` form of a UTC time (`2099-01-02T03:04:05UTC`), which
/// botocore writes into caches when it holds a parsed time (dateutil reads it back as UTC).
#[must_use]
pub fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    let parsed = match text.strip_suffix("UTC") {
        Some(base) => {
            let mut z = heapless::String::<MAX_TIME_LEN>::new();
            z.push_str(base).ok()?;
            z.push('Z').ok()?;
            chrono::DateTime::parse_from_rfc3339(&z).ok()?
        }
        None => chrono::DateTime::parse_from_rfc3339(text).ok()?,
    };
    Some(Timestamp {
        unix: parsed.timestamp(),
        form: TimeForm {
            micros: parsed.timestamp_subsec_micros(),
            offset_secs: parsed.offset().local_minus_utc(),
        },
    })
}

/// Writes Unix seconds the way the AWS CLI writes expirations (Python's `isoformat()` of a UTC
/// time): `2099-01-02T03:04:05+00:00`.
pub fn write_isoformat(out: &mut (impl fmt::Write + ?Sized), unix: i64) -> fmt::Result {
    write_utc(out, unix, "+00:00")
}

/// Writes a time as Python's `datetime.isoformat()` does for an aware time: the wall time in
/// its offset, `.ffffff` when there is a fraction, then `+HH:MM` (`+HH:MM:SS` for an offset
/// with seconds).
pub fn write_python_isoformat(
    out: &mut (impl fmt::Write + ?Sized),
    unix: i64,
    form: TimeForm,
) -> fmt::Result {
    let offset = i64::from(form.offset_secs);
    if !write_wall_time(out, unix.saturating_add(offset))? {
        return write!(out, "{unix}");
    }
    if form.micros != 0 {
        write!(out, ".{:06}", form.micros)?;
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let abs = offset.unsigned_abs();
    write!(out, "{sign}{:02}:{:02}", abs / 3600, abs / 60 % 60)?;
    if abs % 60 != 0 {
        write!(out, ":{:02}", abs % 60)?;
    }
    Ok(())
}

/// Writes Unix seconds as `%Y-%m-%dT%H:%M:%SZ`: how the AWS CLI writes `expiresAt` in the IAM
/// Identity Center and console login caches, and how `export-token` prints it.
pub fn write_utc_z(out: &mut (impl fmt::Write + ?Sized), unix: i64) -> fmt::Result {
    write_utc(out, unix, "Z")
}

/// A UTC time to the second with `zone` after it; a time chrono cannot represent (beyond the
/// year 262,143) is written as its number, so that messages never fail to format.
fn write_utc(out: &mut (impl fmt::Write + ?Sized), unix: i64, zone: &str) -> fmt::Result {
    if write_wall_time(out, unix)? {
        out.write_str(zone)
    } else {
        write!(out, "{unix}")
    }
}

/// Writes `%Y-%m-%dT%H:%M:%S` of `unix` read as UTC; `false` (nothing written) for a time chrono
/// cannot represent.
fn write_wall_time(out: &mut (impl fmt::Write + ?Sized), unix: i64) -> Result<bool, fmt::Error> {
    use chrono::{Datelike, Timelike};
    let Some(t) = chrono::DateTime::from_timestamp(unix, 0) else {
        return Ok(false);
    };
    write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_in_the_awscli_format() {
        let t = parse_time("2099-01-02T03:04:05Z").unwrap();
        assert_eq!(parse_time("2099-01-02T03:04:05+00:00"), Some(t));
        assert_eq!(parse_time("2099-01-02T05:04:05.250+02:00"), Some(t));
        let mut s = heapless::String::<32>::new();
        write_isoformat(&mut s, t).unwrap();
        assert_eq!(s, "2099-01-02T03:04:05+00:00");
        assert_eq!(parse_time("yesterday"), None);
    }

    #[test]
    fn expiries_are_written_as_python_s_isoformat_of_the_parsed_time() {
        // Each pair checked with dateutil.parser.parse(text).isoformat() (dateutil 2.9).
        for (text, python) in [
            ("2099-01-02T03:04:05Z", "2099-01-02T03:04:05+00:00"),
            ("2099-01-02T05:04:05+02:00", "2099-01-02T05:04:05+02:00"),
            ("2099-01-02T03:04:05.5Z", "2099-01-02T03:04:05.500000+00:00"),
            (
                "2099-01-02T03:04:05.1234567-01:30",
                "2099-01-02T03:04:05.123456-01:30",
            ),
            ("2099-01-02T03:04:05UTC", "2099-01-02T03:04:05+00:00"),
            ("2099-01-01T23:30:00-05:00", "2099-01-01T23:30:00-05:00"),
        ] {
            let t = parse_timestamp(text).unwrap();
            let mut s = heapless::String::<64>::new();
            write_python_isoformat(&mut s, t.unix, t.form).unwrap();
            assert_eq!(s, python, "{text}");
        }
        let utc = parse_time("2099-01-02T03:04:05Z").unwrap();
        assert_eq!(parse_time("2099-01-02T05:04:05+02:00"), Some(utc));
    }

    #[test]
    fn debug_hides_secrets() {
        let c = Credentials::new(
            ProviderKind::Environment,
            "AKID",
            "sekrit",
            Some("tok3n"),
            None,
            None,
        )
        .unwrap();
        let d = std::format!("{c:?}");
        assert!(
            d.contains("AKID") && !d.contains("sekrit") && !d.contains("tok3n"),
            "{d}"
        );
        let long = "x".repeat(MAX_SESSION_TOKEN_LEN + 1);
        let e = Credentials::new(ProviderKind::Environment, "a", "b", Some(&long), None, None)
            .unwrap_err();
        assert_eq!(e.limit, "MAX_SESSION_TOKEN_LEN");
    }
}
