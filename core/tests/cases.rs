//! The recorded default-chain and profile-provider cases (../shared/conformance/cases), each a
//! named check, through the in-memory replay host: the case's env.json as the environment, its
//! fs/ tree as the file system (fs/home/... is /home/...), its http-traffic.json replayed by
//! `ReplayHttp`, real processes for credential_process, and a clock set before every recorded
//! expiry. profile-provider cases select their profile as `--profile` would (the environment
//! provider is not part of them).
//!
//! tests/expectations/recorded_cases.json, shared with the binary's run
//! (cli/tests/recorded_cases.rs) and the npm package's (tests/js/cases.test.mjs), lists the
//! cases where the AWS CLI's answer differs from the SDKs' expectation (`awscli_differs`) and the
//! error cases whose error must name its cause (`error_causes`), each with the phrase the error
//! must contain.

mod common;

use std::cell::RefCell;

use common::memory::{unix_io, FixedClock, MemoryFs, SteppingClock};
use credchain_core::chain::execute::execute;
use credchain_core::chain::plan::plan;
use credchain_core::config::evaluate::{Evaluator, Options};
use credchain_core::config::load::load;
use credchain_core::config::locate::{locate, Platform};
use credchain_core::config::parse::ConfigFiles;
use credchain_core::config::settings::Setting;
use credchain_core::host::StdCommand;
use credchain_core::io::{block_on, Http, HttpError, HttpErrorKind, HttpRequest, HttpResponse};
use credchain_core::Dialect;
use credchain_test_support::recorded::{
    self, borrowed, named_file, phrase, same_uri, Case, Exchange, MATCHED_HEADERS,
};
use serde_json::Value;

/// 2020-09-13: before every expiry recorded in the cases but the container ones (2009), which
/// run an hour before their own expiry (`clock_for`).
const NOW: i64 = 1_600_000_000;

/// Serves the recorded responses, one connection per request, matched by method and URL.
struct ReplayHttp {
    exchanges: RefCell<Vec<Exchange>>,
    pub sent: RefCell<Vec<(String, String, String)>>,
}

impl ReplayHttp {
    fn from_traffic(traffic: &Value) -> Self {
        ReplayHttp {
            exchanges: RefCell::new(recorded::exchanges(traffic)),
            sent: RefCell::default(),
        }
    }
}

impl Http for ReplayHttp {
    type Body = Vec<u8>;
    async fn send(&self, request: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let body = String::from_utf8_lossy(request.body).into_owned();
        self.sent
            .borrow_mut()
            .push((request.method.into(), request.url.into(), body));
        let mut exchanges = self.exchanges.borrow_mut();
        let carries = |name: &str| {
            request
                .headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
        };
        let position = exchanges.iter().position(|e| {
            e.method == request.method
                && same_uri(&e.uri, request.url)
                && MATCHED_HEADERS.iter().all(|name| {
                    carries(name)
                        == e.headers
                            .iter()
                            .find(|(k, _)| k == name)
                            .map(|(_, v)| v.as_str())
                })
        });
        let exchange = position.map(|i| exchanges.remove(i)).ok_or(HttpError {
            kind: HttpErrorKind::Connect,
        })?;
        Ok(HttpResponse {
            status: exchange.status,
            content_type: exchange
                .content_type
                .and_then(|c| heapless::String::try_from(c.as_str()).ok()),
            body: exchange.body,
        })
    }
}

/// The clock of a case: [`NOW`], or an hour before an expected expiry that is earlier (the
/// SDKs' runner fixes the clock; credchain, like the AWS CLI, refuses credentials that are
/// expired when they arrive).
fn case_now(expected: &Value) -> i64 {
    match expected["Ok"]["expiry"].as_i64() {
        Some(expiry) if expiry - 3600 < NOW => expiry - 3600,
        _ => NOW,
    }
}

/// A case's recorded world, read: its environment, its fs/ tree as an in-memory file system,
/// its traffic as a replay, and its config files located, loaded and parsed; `f` runs in it.
fn in_case<R>(
    case: &Case,
    f: impl FnOnce(&[(&str, &str)], &MemoryFs, &ReplayHttp, &ConfigFiles<'_>) -> Result<R, String>,
) -> Result<R, String> {
    let owned = case.env();
    let env = borrowed(&owned);
    let fs = MemoryFs::with(case.files());
    let http = ReplayHttp::from_traffic(&case.traffic());
    let paths =
        locate(env.as_slice(), Platform::Unix, Dialect::AwsCli).map_err(|e| e.to_string())?;
    let loaded = block_on(load(&fs, &paths)).map_err(|e| e.to_string())?;
    let files = ConfigFiles::parse(&loaded, Dialect::AwsCli).map_err(|e| e.to_string())?;
    f(env.as_slice(), &fs, &http, &files)
}

/// Runs one case; `Ok` holds the credentials as the suite's JSON shape. Also the requests sent
/// and the waits between retried attempts (the clock's jitter is one half).
fn run_case(case: &Case, now: i64) -> (Result<Value, String>, usize, Vec<u32>) {
    let clock = SteppingClock::new(now, 1 << 31);
    let mut sent = 0;
    let result = in_case(case, |env, fs, http, files| {
        let mut options = Options::default();
        let profile = env
            .iter()
            .find(|(k, _)| *k == "AWS_PROFILE")
            .map_or("default", |(_, v)| *v);
        if case.tree == "profile-provider" {
            options.set(Setting::Profile, profile);
        }
        let eval = Evaluator::new(files, env, &options).map_err(|e| e.to_string())?;
        let plan = plan(&eval).map_err(|e| e.to_string())?;
        let io = unix_io(fs, http, &StdCommand, &clock);
        let result = block_on(execute(&eval, &plan, &io));
        sent = http.sent.borrow().len();
        let c = result.map_err(|e| e.to_string())?;
        let mut out = serde_json::json!({
            "access_key_id": c.access_key_id(),
            "secret_access_key": c.secret_access_key(),
        });
        if let Some(t) = c.session_token() {
            out["session_token"] = t.into();
        }
        if let Some(a) = c.account_id() {
            out["account_id"] = a.into();
        }
        if let Some(e) = c.expiration() {
            out["expiry"] = e.into();
        }
        Ok(out)
    });
    (result, sent, clock.sleeps.take())
}

#[test]
fn recorded_cases() {
    // The conformance cases, then credchain's own (tests/cases), in the same format.
    recorded::check_credential_cases(|case, name, test_case, expectations| {
        let mut whys = Vec::new();
        let expected = &test_case["result"];
        let (got, sent, sleeps) = run_case(case, case_now(expected));
        // credchain's own cases say how many requests are made (retries included).
        let requests = test_case["credchain"]["requests"].as_u64();
        if requests.is_some_and(|n| n != sent as u64) {
            whys.push(format!(
                "expected {} requests, {sent} were sent (waits {sleeps:?})",
                requests.unwrap_or(0)
            ));
        }
        let verdict = if let Some(awscli) = phrase(&expectations.awscli_differs, name) {
            match &got {
                Err(e) if e.contains(awscli) => Ok(()),
                other => Err(format!("the AWS CLI answers \"{awscli}\"; got {other:?}")),
            }
        } else if let Some(ok) = expected.get("Ok") {
            match &got {
                Ok(v) if v == ok => Ok(()),
                other => Err(format!("expected {ok}, got {other:?}")),
            }
        } else {
            // The error wording is credchain's own; an error where one is expected is the match,
            // a file the expectation names in backticks must be named too, and where the cause
            // is known, the error must name it.
            let named_file = named_file(expected);
            let cause = phrase(&expectations.error_causes, name);
            match &got {
                Err(e) if named_file.is_some_and(|p| !e.contains(p)) => Err(format!(
                    "the error should name {}: {e}",
                    named_file.unwrap_or_default()
                )),
                Err(e) if cause.is_some_and(|c| !e.contains(c)) => Err(format!(
                    "expected an error naming \"{}\", got {e}",
                    cause.unwrap_or("")
                )),
                Err(_) => Ok(()),
                Ok(v) => Err(format!("expected an error ({}), got {v}", expected)),
            }
        };
        whys.extend(verdict.err());
        whys
    });
}

/// The bearer-token cases (../shared/conformance/cases/default-token-provider-chain) through
/// `token::resolve_token`: the token and its expiry, or an error where one is expected.
#[test]
fn token_cases() {
    let cases = recorded::conformance_cases(&[recorded::TOKEN_TREE]);
    assert!(
        cases.len() >= 2,
        "expected the token cases under {}",
        common::conformance_dir()
            .join("cases")
            .join(recorded::TOKEN_TREE)
            .display()
    );
    for case in &cases {
        let name = case.dir_name();
        let expected = case.test_case();
        in_case(case, |env, fs, http, files| {
            let options = Options::default();
            let eval = Evaluator::new(files, env, &options).unwrap();
            let got = block_on(credchain_core::chain::token::resolve_token(
                &eval,
                fs,
                http,
                &FixedClock(NOW),
                credchain_core::config::locate::Platform::Unix,
            ));
            match (&expected["result"]["Ok"], got) {
                (Value::Null, got) => {
                    assert!(got.is_err(), "{name}: expected an error, got {got:?}")
                }
                (ok, Ok(token)) => {
                    assert_eq!(ok["token"], token.access_token(), "{name}");
                    let expiry =
                        credchain_core::credentials::parse_time(ok["expiration"].as_str().unwrap());
                    assert_eq!(expiry, Some(token.expires_at()), "{name}");
                }
                (ok, Err(e)) => panic!("{name}: expected {ok}, got the error {e}"),
            }
            // Nothing in these cases asks for a refresh: no request may be sent.
            assert!(
                http.sent.borrow().is_empty(),
                "{name}: {:?}",
                http.sent.borrow()
            );
            Ok(())
        })
        .unwrap();
    }
}
