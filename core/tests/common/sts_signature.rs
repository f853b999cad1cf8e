//! The SigV4 signature of a request a mock STS received, recomputed from what arrived. Shared
//! by the core tests and (through `#[path]`) the CLI's, so that every STS mock checks a
//! signature the same way.

use credchain_core::signing::sigv4::{self, SigningOptions, SigningParams, Timestamp};
use credchain_test_support::mock_server::Request;

/// Who signs: the access key id, the secret access key and the session token, if any.
pub type Keys<'a> = (&'a str, &'a str, Option<&'a str>);

/// The `authorization` header that `keys` give `got` for STS in `region`: its method, path
/// and body, and its `content-type`, `host` and `x-amz-date` as they arrived.
#[track_caller]
pub fn sts_authorization(got: &Request, keys: Keys<'_>, region: &str) -> String {
    let (access_key_id, secret_access_key, session_token) = keys;
    let date = got.header("x-amz-date").expect("an x-amz-date header");
    let time = Timestamp::from_amz_date(date).expect("an x-amz-date");
    let headers = [
        ("content-type", got.header("content-type").unwrap()),
        ("host", got.header("host").unwrap()),
    ];
    let request = sigv4::Request {
        method: &got.method,
        path: &got.path,
        query: &[],
        headers: &headers,
        body: got.body.as_bytes(),
    };
    let signing = SigningParams {
        access_key_id,
        secret_access_key,
        session_token,
        region,
        service: "sts",
        time,
    };
    sigv4::sign(&signing, &request, &SigningOptions::for_service("sts"))
        .unwrap()
        .authorization()
        .to_owned()
}
