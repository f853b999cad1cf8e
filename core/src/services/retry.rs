//! Retries of the AWS service calls (STS, the IAM Identity Center portal, SSO-OIDC, AWS Sign-In)
//! as the AWS CLI v2 makes them: its botocore's `retries/standard.py`, `retries/adaptive.py`,
//! `retries/bucket.py`, `retries/throttling.py` and `retries/quota.py`, with the behaviour it
//! has by default (`AWS_NEW_RETRIES_2026` unset).
//!
//! The policy is pure: [`Retrier`] is told what each attempt met ([`Class`], from [`classify`])
//! and the time, and answers how long to wait before the next attempt, or that there is none.
//! The waiting itself, the time and the random number for the jitter come from the host's
//! [`Clock`] ([`Clock::sleep_ms`], [`Clock::now_millis`], [`Clock::random_u32`]), so retries
//! work through every frontend and tests see every delay.
//!
//! # The rules (botocore's, as the AWS CLI v2 ships it)
//! - `retry_mode`: `AWS_RETRY_MODE` > the profile's `retry_mode` > `standard`. Only `standard`
//!   and `adaptive` exist: the AWS CLI v2 refuses `legacy` (and any other word) with
//!   `InvalidRetryModeError`.
//! - `max_attempts`: `AWS_MAX_ATTEMPTS` > the profile's `max_attempts` > 3, the total number of
//!   attempts; read with Python's `int()`, and below 1 refused (`InvalidMaxRetryAttemptsError`).
//! - Retried: HTTP 500, 502, 503, 504; the transient codes `RequestTimeout`,
//!   `RequestTimeoutException`, `PriorRequestNotComplete`; the throttling codes (`Throttling`,
//!   `ThrottlingException`, `TooManyRequestsException`, ... see [`THROTTLING_CODES`]); STS's
//!   `IDPCommunicationError`; a request that got no answer (connection failure, timeout, broken
//!   exchange). Nothing else: `AccessDenied` (403), 400s, 429 without a throttling code.
//! - The wait before attempt `n + 1`: `random() * min(2^(n-1), 20)` seconds (full jitter).
//! - A retry quota of 500, a retry costing 5 (10 after a timeout). botocore keeps it per client,
//!   and its credential providers make a client per call, so each call starts with a full quota;
//!   it only bites when `max_attempts` is above 100 (51 for timeouts).
//! - `adaptive` adds botocore's client rate limiter: off until a throttling answer, then a token
//!   bucket whose rate follows CUBIC (`throttling.py`) from the measured send rate
//!   (`RateClocker`); each later attempt first takes a token and waits for one when the bucket
//!   is empty. The limiter is per client too, so per call.

use core::fmt;
use core::future::Future;

use crate::config::evaluate::Evaluator;
use crate::config::settings::Setting;
use crate::io::{Clock, Env, HttpErrorKind};
use crate::Source;
use crate::Sourced;

/// The attempts of a call when nothing sets `max_attempts`.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// The longest wait between two attempts, in milliseconds (botocore's `_MAX_BACKOFF`).
pub const MAX_BACKOFF_MS: u32 = 20_000;
/// The retry quota each call starts with (botocore's `RetryQuota.INITIAL_CAPACITY`).
pub const QUOTA_CAPACITY: u32 = 500;
/// What a retry takes from the quota (`_RETRY_COST`).
pub const RETRY_COST: u32 = 5;
/// What a retry after a timeout takes from the quota (`_TIMEOUT_RETRY_REQUEST`).
pub const TIMEOUT_RETRY_COST: u32 = 10;

/// The error codes retried as transient (botocore's `TransientRetryableChecker`).
pub const TRANSIENT_CODES: &[&str] = &[
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];
/// The HTTP statuses retried as transient.
pub const TRANSIENT_STATUSES: &[u16] = &[500, 502, 503, 504];
/// The error codes that mean throttling (botocore's `ThrottledRetryableChecker`).
pub const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

/// `retry_mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryMode {
    /// `standard`: the default.
    Standard,
    /// `adaptive`: standard, plus the client rate limiter.
    Adaptive,
}

impl RetryMode {
    /// The setting's word.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            RetryMode::Standard => "standard",
            RetryMode::Adaptive => "adaptive",
        }
    }
}

/// How a call is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryConfig {
    /// The mode.
    pub mode: RetryMode,
    /// The most attempts in all, at least 1.
    pub max_attempts: u32,
}

impl Default for RetryConfig {
    /// `standard`, 3 attempts: the AWS CLI v2's defaults.
    fn default() -> Self {
        RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
        }
    }
}

impl RetryConfig {
    /// One attempt and no retry.
    pub const ONE_ATTEMPT: RetryConfig = RetryConfig {
        mode: RetryMode::Standard,
        max_attempts: 1,
    };
}

/// The retry settings in effect and where each came from (`explain`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySettings<'s> {
    /// The settings.
    pub config: RetryConfig,
    /// Where `retry_mode` came from ([`Source::Default`] when unset).
    pub mode_source: Source<'s>,
    /// Where `max_attempts` came from ([`Source::Default`] when unset).
    pub max_attempts_source: Source<'s>,
}

/// A retry setting the AWS CLI v2 refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetrySettingError<'s> {
    /// `retry_mode` is not `standard` or `adaptive` (`legacy` included: the AWS CLI v2 has no
    /// legacy mode).
    Mode(Sourced<'s>),
    /// `max_attempts` is not a whole number.
    NotANumber(Sourced<'s>),
    /// `max_attempts` is below 1.
    TooFew(Sourced<'s>),
}

impl fmt::Display for RetrySettingError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RetrySettingError::Mode(v) => {
                write!(
                    f,
                    "invalid retry_mode \"{}\" (from {}): it must be \"standard\" or \"adaptive\"",
                    v.value, v.source
                )?;
                if v.value.trim() == "legacy" {
                    f.write_str(" (the AWS CLI v2 has no legacy mode)")?;
                }
                Ok(())
            }
            RetrySettingError::NotANumber(v) => write!(
                f,
                "invalid max_attempts \"{}\" (from {}): it must be a whole number of attempts, \
                 1 or more",
                v.value, v.source
            ),
            RetrySettingError::TooFew(v) => write!(
                f,
                "invalid max_attempts {} (from {}): it must be 1 or more (the attempts in all, \
                 the first included)",
                v.value.trim(),
                v.source
            ),
        }
    }
}

impl core::error::Error for RetrySettingError<'_> {}

/// The retry settings of the active profile, checked as botocore checks them when it makes a
/// client. The AWS CLI makes its service clients with the session's (the active profile's)
/// settings, whichever profile of a role chain a call is for.
///
/// # Errors
/// [`RetrySettingError`], naming the setting, its value and where it is.
pub fn settings<'s, E: Env + ?Sized>(
    eval: &Evaluator<'s, 's, E>,
) -> Result<RetrySettings<'s>, RetrySettingError<'s>> {
    let lookup = |setting: Setting| -> Option<Sourced<'s>> {
        let resolved = eval.resolve(setting).ok().flatten()?;
        Some(Sourced {
            // A value continued over lines is no word or number: its first line shows why.
            value: resolved
                .value
                .as_str()
                .unwrap_or_else(|| resolved.value.lines().next().unwrap_or("")),
            source: resolved.source,
        })
    };
    let (mode, mode_source) = match lookup(Setting::RetryMode) {
        None => (RetryMode::Standard, Source::Default),
        Some(v) if v.value == "standard" => (RetryMode::Standard, v.source),
        Some(v) if v.value == "adaptive" => (RetryMode::Adaptive, v.source),
        Some(v) => return Err(RetrySettingError::Mode(v)),
    };
    let (max_attempts, max_attempts_source) = match lookup(Setting::MaxAttempts) {
        None => (DEFAULT_MAX_ATTEMPTS, Source::Default),
        Some(v) => {
            // Python's int(): surrounding whitespace, a sign, digits with single underscores.
            let n = crate::services::sts::parse_duration_seconds(v.value)
                .ok_or(RetrySettingError::NotANumber(v))?;
            if n < 1 {
                return Err(RetrySettingError::TooFew(v));
            }
            (u32::try_from(n).unwrap_or(u32::MAX), v.source)
        }
    };
    Ok(RetrySettings {
        config: RetryConfig { mode, max_attempts },
        mode_source,
        max_attempts_source,
    })
}

/// What one failed attempt met, as the retry rules see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Not retried.
    Fatal,
    /// A transient failure: retried, costing [`RETRY_COST`].
    Transient,
    /// No answer within the timeout: retried, costing [`TIMEOUT_RETRY_COST`].
    Timeout,
    /// A throttling answer: retried, costing [`RETRY_COST`]; in adaptive mode it turns the rate
    /// limiter on.
    Throttling,
}

/// What an attempt got back, for [`classify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure<'c> {
    /// No answer: the host's error.
    Transport(HttpErrorKind),
    /// An answer with a status outside 2xx, and the error code its body names.
    Status {
        /// The HTTP status.
        status: u16,
        /// The service's error code (`Throttling`, or a JSON `__type` such as
        /// `com.amazonaws.sso#TooManyRequestsException`).
        code: Option<&'c str>,
    },
}

/// Which service answered: only STS has a code of its own that is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    /// AWS STS (`IDPCommunicationError` is retried, botocore's `RetryIDPCommunicationError`).
    Sts,
    /// Any other (the IAM Identity Center portal, SSO-OIDC, AWS Sign-In).
    Other,
}

/// An error code as botocore's JSON parser reads it: the name after a `#` namespace and before
/// a `:` suffix (`aws.protocoltests#ThrottlingException:http://...` is
/// `ThrottlingException`).
#[must_use]
pub fn error_code_name(code: &str) -> &str {
    let code = code.split(':').next().unwrap_or(code);
    code.rsplit('#').next().unwrap_or(code)
}

/// How the retry rules see a failed attempt.
#[must_use]
pub fn classify(failure: Failure<'_>, service: Service) -> Class {
    match failure {
        Failure::Transport(kind) => match kind {
            HttpErrorKind::Timeout => Class::Timeout,
            // botocore's ConnectionError and HTTPClientError: no connection, a broken exchange.
            HttpErrorKind::Connect | HttpErrorKind::Other => Class::Transient,
            // Not a failure of the network: retrying would meet it again.
            HttpErrorKind::TooLarge | HttpErrorKind::InvalidUrl => Class::Fatal,
        },
        Failure::Status { status, code } => {
            let code = code.map(error_code_name);
            if code.is_some_and(|c| THROTTLING_CODES.contains(&c)) {
                Class::Throttling
            } else if code.is_some_and(|c| TRANSIENT_CODES.contains(&c))
                || TRANSIENT_STATUSES.contains(&status)
                || (service == Service::Sts && code == Some("IDPCommunicationError"))
            {
                Class::Transient
            } else {
                Class::Fatal
            }
        }
    }
}

/// The retry state of one call: attempts made, the quota, and in adaptive mode the rate limiter.
#[derive(Debug, Clone)]
pub struct Retrier {
    config: RetryConfig,
    attempts: u32,
    quota: u32,
    limiter: Option<RateLimiter>,
}

impl Retrier {
    /// A call starting at `now_ms` (Unix milliseconds, the host's [`Clock::now_millis`]).
    #[must_use]
    pub fn new(config: RetryConfig, now_ms: i64) -> Self {
        Retrier {
            config,
            attempts: 0,
            quota: QUOTA_CAPACITY,
            limiter: (config.mode == RetryMode::Adaptive).then(|| RateLimiter::new(now_ms)),
        }
    }

    /// The attempts sent so far.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// An attempt is about to be sent at `now_ms`: how many milliseconds to wait first (the
    /// adaptive rate limiter's token, once it is on; 0 otherwise).
    pub fn before_send(&mut self, now_ms: i64) -> u32 {
        self.attempts = self.attempts.saturating_add(1);
        match &mut self.limiter {
            Some(limiter) => limiter.before_send(now_ms),
            None => 0,
        }
    }

    /// The attempt succeeded (adaptive mode measures the answer too).
    pub fn succeeded(&mut self, now_ms: i64) {
        if let Some(limiter) = &mut self.limiter {
            limiter.on_response(now_ms, false);
        }
    }

    /// The attempt failed, as `class` says, at `now_ms`: the wait in milliseconds before the
    /// next attempt, or `None` when there is no next attempt (not retryable, attempts used up,
    /// quota spent). `random` is a uniform 32-bit number for the jitter.
    pub fn failed(&mut self, class: Class, now_ms: i64, random: u32) -> Option<u32> {
        if let Some(limiter) = &mut self.limiter {
            limiter.on_response(now_ms, class == Class::Throttling);
        }
        if class == Class::Fatal || self.attempts >= self.config.max_attempts {
            return None;
        }
        let cost = if class == Class::Timeout {
            TIMEOUT_RETRY_COST
        } else {
            RETRY_COST
        };
        self.quota = self.quota.checked_sub(cost)?;
        Some(backoff_ms(self.attempts, random))
    }
}

/// Makes a call with retries: `attempt` is sent, and sent again after the wait the rules give
/// for what it met (`class_of` reads a failure), until it succeeds or the rules say stop. Each
/// call of `attempt` builds its request anew (AssumeRole is signed again, with the time then).
/// The waits are the host's [`Clock::sleep_ms`].
///
/// # Errors
/// The last attempt's error.
pub async fn run<K, T, E, A, F>(
    clock: &K,
    config: RetryConfig,
    class_of: impl Fn(&E) -> Class,
    mut attempt: A,
) -> Result<T, E>
where
    K: Clock + ?Sized,
    A: FnMut() -> F,
    F: Future<Output = Result<T, E>>,
{
    let mut retrier = Retrier::new(config, clock.now_millis());
    loop {
        let wait = retrier.before_send(clock.now_millis());
        if wait > 0 {
            clock.sleep_ms(wait).await;
        }
        let error = match attempt().await {
            Ok(value) => {
                retrier.succeeded(clock.now_millis());
                return Ok(value);
            }
            Err(e) => e,
        };
        match retrier.failed(class_of(&error), clock.now_millis(), clock.random_u32()) {
            Some(delay) => clock.sleep_ms(delay).await,
            None => return Err(error),
        }
    }
}

/// The wait after failed attempt `attempt` (1-based): `random * min(2^(attempt-1), 20)` seconds,
/// with `random` read as a fraction of 2^32, in whole milliseconds.
#[must_use]
pub fn backoff_ms(attempt: u32, random: u32) -> u32 {
    let ceiling = match attempt.saturating_sub(1) {
        exponent @ 0..=4 => (1000u32 << exponent).min(MAX_BACKOFF_MS),
        _ => MAX_BACKOFF_MS,
    };
    // Below `ceiling`, so it fits.
    u32::try_from((u64::from(random) * u64::from(ceiling)) >> 32).unwrap_or(ceiling)
}

/// botocore's `ClientRateLimiter` with its `TokenBucket`, `RateClocker` and `CubicCalculator`,
/// for one client. Times are Unix milliseconds; rates are requests per second.
#[derive(Debug, Clone)]
struct RateLimiter {
    enabled: bool,
    // TokenBucket
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last_refill_ms: i64,
    // RateClocker
    measured_rate: f64,
    last_bucket_ms: i64,
    count: u32,
    // CubicCalculator
    w_max: f64,
    k: f64,
    last_fail_ms: i64,
}

const MIN_FILL_RATE: f64 = 0.5;
const SMOOTHING: f64 = 0.8;
const TIME_BUCKET_MS: i64 = 500;
const SCALE_CONSTANT: f64 = 0.4;
const BETA: f64 = 0.7;
const MAX_RATE_ADJUST_SCALE: f64 = 2.0;

impl RateLimiter {
    fn new(now_ms: i64) -> Self {
        RateLimiter {
            enabled: false,
            // TokenBucket(max_rate=1): the setter's refill only starts the clock.
            fill_rate: 1.0,
            max_capacity: 1.0,
            capacity: 0.0,
            last_refill_ms: now_ms,
            measured_rate: 0.0,
            // RateClocker starts at the whole second (math.floor of the time).
            last_bucket_ms: now_ms.div_euclid(1000) * 1000,
            count: 0,
            w_max: 0.0,
            k: 0.0,
            last_fail_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: i64) {
        let elapsed = seconds(now_ms.saturating_sub(self.last_refill_ms));
        self.capacity = (self.capacity + elapsed * self.fill_rate).min(self.max_capacity);
        self.last_refill_ms = now_ms;
    }

    /// Takes a token, returning how long to wait for it. The token is taken at once (the
    /// capacity may go below zero until the wait has refilled it), which ends where botocore's
    /// wait-and-recheck loop ends, without looping on a clock that does not move.
    fn before_send(&mut self, now_ms: i64) -> u32 {
        if !self.enabled {
            return 0;
        }
        self.refill(now_ms);
        let wait = if self.capacity >= 1.0 {
            0
        } else {
            millis_ceil((1.0 - self.capacity) / self.fill_rate)
        };
        self.capacity -= 1.0;
        wait
    }

    fn set_max_rate(&mut self, value: f64, now_ms: i64) {
        self.refill(now_ms);
        self.fill_rate = value.max(MIN_FILL_RATE);
        self.max_capacity = if value >= 1.0 { value } else { 1.0 };
        self.capacity = self.capacity.min(self.max_capacity);
    }

    fn record(&mut self, now_ms: i64) -> f64 {
        self.count = self.count.saturating_add(1);
        let bucket = now_ms.div_euclid(TIME_BUCKET_MS) * TIME_BUCKET_MS;
        if bucket > self.last_bucket_ms {
            let current = f64::from(self.count) / seconds(bucket - self.last_bucket_ms);
            self.measured_rate = current * SMOOTHING + self.measured_rate * (1.0 - SMOOTHING);
            self.count = 0;
            self.last_bucket_ms = bucket;
        }
        self.measured_rate
    }

    fn on_response(&mut self, now_ms: i64, throttled: bool) {
        let measured = self.record(now_ms);
        let new_rate = if throttled {
            let rate = if self.enabled {
                measured.min(self.fill_rate)
            } else {
                measured
            };
            self.w_max = rate;
            self.k = cube_root(self.w_max * (1.0 - BETA) / SCALE_CONSTANT);
            self.last_fail_ms = now_ms;
            self.enabled = true;
            rate * BETA
        } else {
            let dt = seconds(now_ms.saturating_sub(self.last_fail_ms)) - self.k;
            SCALE_CONSTANT * dt * dt * dt + self.w_max
        };
        self.set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured), now_ms);
    }
}

/// Milliseconds as seconds. Precision past 2^53 ms (285,000 years) does not matter.
#[allow(clippy::cast_precision_loss)]
fn seconds(ms: i64) -> f64 {
    ms as f64 / 1000.0
}

/// Seconds as whole milliseconds, rounded up, at most [`MAX_BACKOFF_MS`] times 10 (a bucket
/// refilling at the minimum rate needs at most 2 s; the bound only guards against NaN).
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
fn millis_ceil(s: f64) -> u32 {
    let ms = s * 1000.0;
    if ms.is_nan() || ms <= 0.0 {
        return 0;
    }
    let limit = f64::from(MAX_BACKOFF_MS * 10);
    let ms = if ms > limit { limit } else { ms };
    let whole = ms as u32; // In 0..=limit: exact.
    if f64::from(whole) < ms {
        whole + 1
    } else {
        whole
    }
}

/// The real cube root of a non-negative `x` (Python's `x ** (1/3)`), by Newton's method: the
/// core has no libm.
fn cube_root(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 0.0;
    }
    let mut y = if x > 1.0 { x } else { 1.0 };
    for _ in 0..200 {
        let next = (2.0 * y + x / (y * y)) / 3.0;
        if (next - y).abs() <= f64::EPSILON * next {
            return next;
        }
        y = next;
    }
    y
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification_follows_botocore() {
        let status = |status, code| classify(Failure::Status { status, code }, Service::Other);
        assert_eq!(status(503, None), Class::Transient);
        assert_eq!(status(500, Some("InternalFailure")), Class::Transient);
        assert_eq!(status(502, None), Class::Transient);
        assert_eq!(status(504, None), Class::Transient);
        assert_eq!(status(501, None), Class::Fatal);
        assert_eq!(status(403, Some("AccessDenied")), Class::Fatal);
        assert_eq!(status(400, Some("Throttling")), Class::Throttling);
        assert_eq!(
            status(
                429,
                Some("com.amazonaws.switchboard.portal#TooManyRequestsException")
            ),
            Class::Throttling
        );
        // 429 alone is not throttling in the AWS CLI v2's default rules.
        assert_eq!(status(429, None), Class::Fatal);
        assert_eq!(status(400, Some("RequestTimeout")), Class::Transient);
        assert_eq!(
            status(400, Some("PriorRequestNotComplete")),
            Class::Throttling
        );
        assert_eq!(status(400, Some("IDPCommunicationError")), Class::Fatal);
        assert_eq!(
            classify(
                Failure::Status {
                    status: 400,
                    code: Some("IDPCommunicationError")
                },
                Service::Sts
            ),
            Class::Transient
        );
        let transport = |kind| classify(Failure::Transport(kind), Service::Sts);
        assert_eq!(transport(HttpErrorKind::Timeout), Class::Timeout);
        assert_eq!(transport(HttpErrorKind::Connect), Class::Transient);
        assert_eq!(transport(HttpErrorKind::Other), Class::Transient);
        assert_eq!(transport(HttpErrorKind::TooLarge), Class::Fatal);
        assert_eq!(transport(HttpErrorKind::InvalidUrl), Class::Fatal);
        assert_eq!(error_code_name("a.b#Code:http://x"), "Code");
    }

    #[test]
    fn standard_backoff_is_full_jitter_capped_at_20_s() {
        assert_eq!(backoff_ms(1, 0), 0);
        assert_eq!(backoff_ms(1, u32::MAX), 999);
        assert_eq!(backoff_ms(1, 1 << 31), 500);
        assert_eq!(backoff_ms(2, 1 << 31), 1000);
        assert_eq!(backoff_ms(3, 1 << 31), 2000);
        assert_eq!(backoff_ms(5, 1 << 31), 8000);
        assert_eq!(backoff_ms(6, 1 << 31), 10_000); // min(32, 20) * 0.5
        assert_eq!(backoff_ms(40, u32::MAX), 19_999);
    }

    /// Runs a call whose every attempt fails as `class`, sleeping on a clock that moves only
    /// when slept: the waits asked for.
    fn waits(config: RetryConfig, classes: &[Class], random: u32) -> ([u32; 8], usize, u32) {
        let mut now = 1_000_000_000;
        let mut r = Retrier::new(config, now);
        let mut out = [0u32; 8];
        let mut n = 0;
        for class in classes.iter().cycle() {
            let wait = r.before_send(now);
            if wait > 0 {
                out[n] = wait;
                n += 1;
                now += i64::from(wait);
            }
            match r.failed(*class, now, random) {
                Some(delay) => {
                    out[n] = delay;
                    n += 1;
                    now += i64::from(delay);
                }
                None => break,
            }
            if n >= out.len() - 1 {
                break;
            }
        }
        (out, n, r.attempts())
    }

    #[test]
    fn standard_three_attempts_with_two_waits() {
        let (w, n, attempts) = waits(RetryConfig::default(), &[Class::Transient], 1 << 31);
        assert_eq!((&w[..n], attempts), (&[500, 1000][..], 3));
        let (w, n, attempts) = waits(RetryConfig::default(), &[Class::Fatal], 1 << 31);
        assert_eq!((&w[..n], attempts), (&[][..], 1));
        let five = RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: 5,
        };
        let (w, n, attempts) = waits(five, &[Class::Throttling], u32::MAX / 4);
        assert_eq!((&w[..n], attempts), (&[249, 499, 999, 1999][..], 5));
        let (w, n, attempts) = waits(RetryConfig::ONE_ATTEMPT, &[Class::Transient], 0);
        assert_eq!((&w[..n], attempts), (&[][..], 1));
    }

    /// Retries of `class` failures until the retrier gives up, and the attempts made.
    fn retries_until_refused(class: Class) -> (u32, u32) {
        let mut r = Retrier::new(
            RetryConfig {
                mode: RetryMode::Standard,
                max_attempts: 1000,
            },
            0,
        );
        let mut retries = 0;
        loop {
            r.before_send(0);
            if r.failed(class, 0, 0).is_none() {
                break;
            }
            retries += 1;
        }
        (retries, r.attempts())
    }

    #[test]
    fn the_quota_ends_a_long_run_of_retries() {
        assert_eq!(retries_until_refused(Class::Transient), (100, 101));
        let (retries, _) = retries_until_refused(Class::Timeout);
        assert_eq!(retries, 50);
    }

    #[test]
    fn adaptive_waits_for_a_token_after_throttling() {
        let adaptive = RetryConfig {
            mode: RetryMode::Adaptive,
            max_attempts: 3,
        };
        // Transient failures never turn the limiter on: the waits are standard's.
        let (w, n, _) = waits(adaptive, &[Class::Transient], 1 << 31);
        assert_eq!(&w[..n], &[500, 1000]);
        // Throttled at t=0 (no send rate measured yet): the bucket refills at 0.5 token/s from
        // empty, so after the 500 ms backoff the second attempt waits 1500 ms for its token;
        // throttled again (measured rate 0.8/s over the half-second buckets), backoff 1000 ms,
        // then the third waits for its token again.
        let (w, n, attempts) = waits(adaptive, &[Class::Throttling], 1 << 31);
        assert_eq!(attempts, 3);
        assert_eq!(&w[..n], &[500, 1500, 1000, 1000]);
    }

    #[test]
    fn cube_root_and_ceiling() {
        assert!((cube_root(27.0) - 3.0).abs() < 1e-12);
        assert!((cube_root(0.001) - 0.1).abs() < 1e-12);
        assert_eq!(cube_root(0.0), 0.0);
        assert_eq!(millis_ceil(1.5), 1500);
        assert_eq!(millis_ceil(0.0001), 1);
        assert_eq!(millis_ceil(f64::NAN), 0);
    }
}
