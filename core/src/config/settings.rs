//! The settings credchain resolves, as the AWS CLI v2 does: a transcription of
//! ../shared/spec/settings.tsv (a test compares the two). Highest precedence first: the
//! command-line option, the environment variables in order, the key in the active profile, the
//! default.

/// A setting, by its name in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // Each variant is the setting of the same name in `SETTINGS`.
pub enum Setting {
    Profile,
    Region,
    Output,
    ConfigFile,
    CredentialsFile,
    CaBundle,
    EndpointUrl,
    IgnoreConfiguredEndpointUrls,
    CliPager,
    CliBinaryFormat,
    CliAutoPrompt,
    CliTimestampFormat,
    MetadataServiceTimeout,
    MetadataServiceNumAttempts,
    Ec2MetadataServiceEndpoint,
    Ec2MetadataServiceEndpointMode,
    Ec2MetadataV1Disabled,
    UseDualstackEndpoint,
    UseFipsEndpoint,
    RetryMode,
    MaxAttempts,
    StsRegionalEndpoints,
    DurationSeconds,
    SdkUaAppId,
    AccountIdEndpointMode,
    RequestChecksumCalculation,
    ResponseChecksumValidation,
    DisableRequestCompression,
    RequestMinCompressionSizeBytes,
    Sigv4aSigningRegionSet,
    AuthSchemePreference,
}

/// A setting's value type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Any text.
    Str,
    /// A whole number.
    Int,
    /// `true` or `false`, case-insensitive.
    Bool,
    /// One of the listed words.
    Enum(&'static [&'static str]),
}

/// One row of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettingSpec {
    /// The setting.
    pub setting: Setting,
    /// Its name (also its `configure get` name).
    pub name: &'static str,
    /// The command-line option that sets it.
    pub cli_option: Option<&'static str>,
    /// The environment variables, highest precedence first.
    pub env_vars: &'static [&'static str],
    /// The profile key.
    pub config_key: Option<&'static str>,
    /// Variables consulted after the profile key (only `cli_pager`: `PAGER`).
    pub env_after_profile: &'static [&'static str],
    /// The default value.
    pub default: Option<&'static str>,
    /// The value type.
    pub kind: Kind,
}

impl Setting {
    /// The setting's row.
    #[must_use]
    pub fn spec(self) -> &'static SettingSpec {
        &SETTINGS[self as usize]
    }

    /// The setting named `name` in the table.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Setting> {
        SETTINGS.iter().find(|s| s.name == name).map(|s| s.setting)
    }

    /// The setting whose profile key is `key`.
    #[must_use]
    pub fn from_config_key(key: &str) -> Option<Setting> {
        SETTINGS
            .iter()
            .find(|s| s.config_key == Some(key))
            .map(|s| s.setting)
    }
}

impl Kind {
    /// Whether `value` is of this type.
    #[must_use]
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Kind::Str => true,
            Kind::Int => value.parse::<i64>().is_ok(),
            Kind::Bool => value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false"),
            Kind::Enum(words) => words.iter().any(|w| w.eq_ignore_ascii_case(value)),
        }
    }
}

macro_rules! settings {
    ($( $setting:ident $name:literal $opt:expr, [$($env:literal),*] $key:expr, [$($after:literal),*] $default:expr, $kind:expr; )*) => {
        /// Every setting, in the table's order (the order of [`Setting`]).
        pub static SETTINGS: &[SettingSpec] = &[$(SettingSpec {
            setting: Setting::$setting,
            name: $name,
            cli_option: $opt,
            env_vars: &[$($env),*],
            config_key: $key,
            env_after_profile: &[$($after),*],
            default: $default,
            kind: $kind,
        }),*];
    };
}

const N: Option<&str> = None;
use Kind::*;

settings! {
    Profile "profile" Some("--profile"), ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"] N, [] Some("default"), Str;
    Region "region" Some("--region"), ["AWS_REGION", "AWS_DEFAULT_REGION"] Some("region"), [] N, Str;
    Output "output" Some("--output"), ["AWS_DEFAULT_OUTPUT"] Some("output"), [] Some("json"),
        Enum(&["json", "text", "table", "yaml", "yaml-stream", "off"]);
    ConfigFile "config_file" N, ["AWS_CONFIG_FILE"] N, [] Some("~/.aws/config"), Str;
    CredentialsFile "credentials_file" N, ["AWS_SHARED_CREDENTIALS_FILE"] N, [] Some("~/.aws/credentials"), Str;
    CaBundle "ca_bundle" Some("--ca-bundle"), ["AWS_CA_BUNDLE"] Some("ca_bundle"), [] N, Str;
    EndpointUrl "endpoint_url" Some("--endpoint-url"), ["AWS_ENDPOINT_URL"] Some("endpoint_url"), [] N, Str;
    IgnoreConfiguredEndpointUrls "ignore_configured_endpoint_urls" N, ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]
        Some("ignore_configured_endpoint_urls"), [] Some("false"), Bool;
    CliPager "cli_pager" Some("--no-cli-pager"), ["AWS_PAGER"] Some("cli_pager"), ["PAGER"] Some("less"), Str;
    CliBinaryFormat "cli_binary_format" Some("--cli-binary-format"), [] Some("cli_binary_format"), [] Some("base64"),
        Enum(&["base64", "raw-in-base64-out"]);
    CliAutoPrompt "cli_auto_prompt" Some("--cli-auto-prompt"), ["AWS_CLI_AUTO_PROMPT"] Some("cli_auto_prompt"), []
        Some("off"), Enum(&["on", "on-partial", "off"]);
    CliTimestampFormat "cli_timestamp_format" N, [] Some("cli_timestamp_format"), [] Some("iso8601"),
        Enum(&["iso8601", "wire"]);
    MetadataServiceTimeout "metadata_service_timeout" N, ["AWS_METADATA_SERVICE_TIMEOUT"]
        Some("metadata_service_timeout"), [] Some("1"), Int;
    MetadataServiceNumAttempts "metadata_service_num_attempts" N, ["AWS_METADATA_SERVICE_NUM_ATTEMPTS"]
        Some("metadata_service_num_attempts"), [] Some("1"), Int;
    Ec2MetadataServiceEndpoint "ec2_metadata_service_endpoint" N, ["AWS_EC2_METADATA_SERVICE_ENDPOINT"]
        Some("ec2_metadata_service_endpoint"), [] N, Str;
    Ec2MetadataServiceEndpointMode "ec2_metadata_service_endpoint_mode" N, ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]
        Some("ec2_metadata_service_endpoint_mode"), [] Some("IPv4"), Enum(&["IPv4", "IPv6"]);
    Ec2MetadataV1Disabled "ec2_metadata_v1_disabled" N, ["AWS_EC2_METADATA_V1_DISABLED"]
        Some("ec2_metadata_v1_disabled"), [] Some("false"), Bool;
    UseDualstackEndpoint "use_dualstack_endpoint" N, ["AWS_USE_DUALSTACK_ENDPOINT"] Some("use_dualstack_endpoint"), []
        Some("false"), Bool;
    UseFipsEndpoint "use_fips_endpoint" N, ["AWS_USE_FIPS_ENDPOINT"] Some("use_fips_endpoint"), [] Some("false"), Bool;
    RetryMode "retry_mode" N, ["AWS_RETRY_MODE"] Some("retry_mode"), [] Some("standard"),
        Enum(&["legacy", "standard", "adaptive"]);
    MaxAttempts "max_attempts" N, ["AWS_MAX_ATTEMPTS"] Some("max_attempts"), [] Some("3"), Int;
    StsRegionalEndpoints "sts_regional_endpoints" N, ["AWS_STS_REGIONAL_ENDPOINTS"] Some("sts_regional_endpoints"), []
        Some("regional"), Enum(&["legacy", "regional"]);
    DurationSeconds "duration_seconds" N, [] Some("duration_seconds"), [] Some("3600"), Int;
    SdkUaAppId "sdk_ua_app_id" N, ["AWS_SDK_UA_APP_ID"] Some("sdk_ua_app_id"), [] N, Str;
    AccountIdEndpointMode "account_id_endpoint_mode" N, ["AWS_ACCOUNT_ID_ENDPOINT_MODE"]
        Some("account_id_endpoint_mode"), [] Some("preferred"), Enum(&["preferred", "disabled", "required"]);
    RequestChecksumCalculation "request_checksum_calculation" N, ["AWS_REQUEST_CHECKSUM_CALCULATION"]
        Some("request_checksum_calculation"), [] Some("when_supported"), Enum(&["when_supported", "when_required"]);
    ResponseChecksumValidation "response_checksum_validation" N, ["AWS_RESPONSE_CHECKSUM_VALIDATION"]
        Some("response_checksum_validation"), [] Some("when_supported"), Enum(&["when_supported", "when_required"]);
    DisableRequestCompression "disable_request_compression" N, ["AWS_DISABLE_REQUEST_COMPRESSION"]
        Some("disable_request_compression"), [] Some("false"), Bool;
    RequestMinCompressionSizeBytes "request_min_compression_size_bytes" N, ["AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES"]
        Some("request_min_compression_size_bytes"), [] Some("10240"), Int;
    Sigv4aSigningRegionSet "sigv4a_signing_region_set" N, ["AWS_SIGV4A_SIGNING_REGION_SET"]
        Some("sigv4a_signing_region_set"), [] N, Str;
    AuthSchemePreference "auth_scheme_preference" N, ["AWS_AUTH_SCHEME_PREFERENCE"] Some("auth_scheme_preference"), []
        N, Str;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_order_matches_the_enum() {
        for (i, s) in SETTINGS.iter().enumerate() {
            assert_eq!(s.setting as usize, i, "{}", s.name);
            assert_eq!(Setting::from_name(s.name), Some(s.setting));
        }
        assert!(Kind::Bool.accepts("TRUE") && !Kind::Bool.accepts("yes"));
        assert!(Kind::Int.accepts("-3") && !Kind::Int.accepts("3s"));
    }
}
