//! The SigV4 signing suite (aws-c-auth's, at ../shared/conformance/sigv4): one named test per case
//! directory. Each signs the case's request.txt with its context.json and checks, for header
//! signing, the canonical request, the string to sign, the signature and the headers of
//! header-signed-request.txt (the Authorization value above all), and the same for query signing
//! (a presigned URL: the query-*.txt files). A last test checks that every case directory on disk
//! has a test here, so a case added to the suite cannot be skipped silently.

mod common;

use std::fmt::Write as _;
use std::path::PathBuf;

use credchain_core::signing::sigv4::{
    presign_traced, sign_traced, Request, SigningOptions, SigningParams, Timestamp, Trace,
};
use serde_json::Value as Json;

/// A case's request.txt: `METHOD PATH[?QUERY] HTTP/1.1`, header lines (a line that starts with
/// whitespace continues the previous value, as HTTP's obsolete line folding), an empty line, the
/// body.
struct RawRequest {
    method: String,
    path: String,
    /// The query as written in the file (for the presigned request line).
    raw_query: String,
    /// Decoded name/value pairs, as the signer takes them.
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn parse_request(text: &str) -> RawRequest {
    let (head, body) = match text.split_once("\n\n") {
        Some((head, body)) => (head, body),
        None => (text.trim_end_matches('\n'), ""),
    };
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
    let request_line = lines.next().expect("a request line");
    let (method, rest) = request_line.split_once(' ').expect("METHOD TARGET");
    // The target may hold spaces (get-space-*): everything up to the protocol.
    let target = rest.strip_suffix(" HTTP/1.1").expect("HTTP/1.1");
    let (path, raw_query) = target.split_once('?').unwrap_or((target, ""));
    let query = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect();
    let headers = parse_headers(lines);
    RawRequest {
        method: method.to_string(),
        path: path.to_string(),
        raw_query: raw_query.to_string(),
        query,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).expect("ASCII escape");
            out.push(u8::from_str_radix(hex, 16).expect("hex escape"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8 query")
}

/// `2015-08-30T12:36:00Z`.
fn parse_time(s: &str) -> Timestamp {
    let n = |range: std::ops::Range<usize>| s[range].parse::<u16>().expect("a number");
    assert_eq!(s.len(), 20, "timestamp {s}");
    Timestamp::new(
        n(0..4),
        n(5..7) as u8,
        n(8..10) as u8,
        n(11..13) as u8,
        n(14..16) as u8,
        n(17..19) as u8,
    )
    .expect("a valid timestamp")
}

/// Header lines (name, value) up to the end or an empty line; a line that starts with whitespace
/// continues the previous value, kept with its line break (the signer folds whitespace).
fn parse_headers<'t>(lines: impl Iterator<Item = &'t str>) -> Vec<(String, String)> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for line in lines.take_while(|l| !l.is_empty()) {
        if line.starts_with([' ', '\t']) {
            let last = headers.last_mut().expect("a folded line follows a header");
            last.1.push('\n');
            last.1.push_str(line);
        } else {
            let (name, value) = line.split_once(':').expect("Name:value");
            headers.push((name.to_string(), value.to_string()));
        }
    }
    headers
}

/// The headers of a signed request (after its request line).
fn signed_request_headers(text: &str) -> Vec<(String, String)> {
    parse_headers(text.lines().skip(1).map(|l| l.trim_end_matches('\r')))
}

fn run_case(name: &str) {
    let dir: PathBuf = common::conformance_dir().join("sigv4").join(name);
    let read = |file: &str| {
        let path = dir.join(file);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("case {name}: reading {}: {e}", path.display()))
    };
    let context: Json = serde_json::from_str(&read("context.json")).expect("context.json");
    let raw = parse_request(&read("request.txt"));

    let creds = &context["credentials"];
    let text = |v: &Json| v.as_str().expect("a string").to_string();
    let access_key_id = text(&creds["access_key_id"]);
    let secret = text(&creds["secret_access_key"]);
    let token = creds.get("token").map(text);
    let region = text(&context["region"]);
    let service = text(&context["service"]);
    let flag = |key: &str| context.get(key).and_then(Json::as_bool).unwrap_or(false);
    let params = SigningParams {
        access_key_id: &access_key_id,
        secret_access_key: &secret,
        session_token: token.as_deref(),
        region: &region,
        service: &service,
        time: parse_time(context["timestamp"].as_str().expect("timestamp")),
    };
    let options = SigningOptions {
        normalize_path: flag("normalize"),
        // The suite signs for services other than S3: the path is encoded once more.
        double_encode_path: true,
        sign_body: flag("sign_body"),
        omit_session_token: flag("omit_session_token"),
    };
    let expires = u32::try_from(context["expiration_in_seconds"].as_u64().expect("expiry"))
        .expect("expiry fits");

    let query: Vec<(&str, &str)> = raw
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let headers: Vec<(&str, &str)> = raw
        .headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let request = Request {
        method: &raw.method,
        path: &raw.path,
        query: &query,
        headers: &headers,
        body: &raw.body,
    };

    // Header signing.
    let (signed, creq, sts) = traced(|trace| sign_traced(&params, &request, &options, trace));
    let signed = signed.unwrap_or_else(|e| panic!("case {name}: header signing failed: {e}"));
    assert_eq!(
        creq,
        read("header-canonical-request.txt"),
        "case {name}: header canonical request"
    );
    assert_eq!(
        sts,
        read("header-string-to-sign.txt"),
        "case {name}: header string to sign"
    );
    assert_eq!(
        signed.signature(),
        read("header-signature.txt").trim_end(),
        "case {name}: header signature"
    );
    let expected = signed_request_headers(&read("header-signed-request.txt"));
    let find = |header: &str| {
        expected
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(header))
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(
        Some(signed.authorization()),
        find("authorization"),
        "case {name}: Authorization header"
    );
    for (header, value) in signed.iter() {
        assert_eq!(
            find(header),
            Some(value),
            "case {name}: header {header} of the signed request"
        );
    }
    for (header, _) in &expected {
        let ours = signed.iter().any(|(n, _)| n.eq_ignore_ascii_case(header));
        let theirs = raw
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(header));
        assert!(
            ours || theirs,
            "case {name}: the signed request has {header}, which neither the request nor the \
             signer gives"
        );
    }

    // Query signing (a presigned URL).
    let (presigned, creq, sts) =
        traced(|trace| presign_traced(&params, &request, &options, expires, trace));
    let presigned = presigned.unwrap_or_else(|e| panic!("case {name}: query signing failed: {e}"));
    assert_eq!(
        creq,
        read("query-canonical-request.txt"),
        "case {name}: query canonical request"
    );
    assert_eq!(
        sts,
        read("query-string-to-sign.txt"),
        "case {name}: query string to sign"
    );
    assert_eq!(
        presigned.signature(),
        read("query-signature.txt").trim_end(),
        "case {name}: query signature"
    );
    let mut line = format!("{} {}?", raw.method, raw.path);
    if !raw.raw_query.is_empty() {
        line.push_str(&raw.raw_query);
        line.push('&');
    }
    write!(line, "{presigned} HTTP/1.1").unwrap();
    assert_eq!(
        Some(line.as_str()),
        read("query-signed-request.txt").lines().next(),
        "case {name}: presigned request line"
    );
}

macro_rules! cases {
    ($($test:ident => $dir:literal,)*) => {
        $(
            #[test]
            fn $test() {
                run_case($dir);
            }
        )*

        const CASES: &[&str] = &[$($dir),*];
    };
}

cases! {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
}

#[test]
fn every_case_directory_has_a_test() {
    let dir = common::conformance_dir().join("sigv4");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("reading {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry"))
        .filter(|entry| entry.path().join("context.json").is_file())
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<&str> = CASES.to_vec();
    listed.sort_unstable();
    assert_eq!(
        on_disk, listed,
        "the sigv4 cases on disk and the tests here"
    );
}

#[test]
fn request_parser_reads_folded_headers_and_bodies() {
    let raw = parse_request("POST /a%20b?x=%E1%88%B4&y HTTP/1.1\nH:v1\n  v2\nK: w\n\nbody");
    assert_eq!(raw.method, "POST");
    assert_eq!(raw.path, "/a%20b");
    assert_eq!(
        raw.query,
        [("x".into(), "ሴ".into()), ("y".into(), String::new())]
    );
    assert_eq!(
        raw.headers,
        [("H".into(), "v1\n  v2".into()), ("K".into(), " w".into())]
    );
    assert_eq!(raw.body, b"body");
}

/// Runs `sign` with a trace that keeps the session token: its result, the canonical request
/// and the string to sign it wrote.
fn traced<T>(sign: impl FnOnce(&mut Trace<'_>) -> T) -> (T, String, String) {
    let mut creq = String::new();
    let mut sts = String::new();
    let mut trace = Trace {
        canonical_request: &mut creq,
        string_to_sign: &mut sts,
        redact_session_token: false,
    };
    let result = sign(&mut trace);
    (result, creq, sts)
}
