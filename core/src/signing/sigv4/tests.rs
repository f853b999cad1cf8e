use hmac::{KeyInit, Mac};
use sha2::Digest;

use super::canonical::write_trimmed;
use super::key::{hmac_once, keyed, signing_key};
use super::uri::{encoded, write_path};
use super::*;

fn params(token: Option<&'static str>, service: &'static str) -> SigningParams<'static> {
    SigningParams {
        access_key_id: "AKIDEXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        session_token: token,
        region: "us-east-1",
        service,
        time: Timestamp::new(2015, 8, 30, 12, 36, 0).unwrap(),
    }
}

struct Buf<const N: usize>(heapless::String<N>);

impl<const N: usize> Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.push_str(s).map_err(|_| fmt::Error)
    }
}

fn canonical(path: &str, normalize: bool, double: bool) -> heapless::String<256> {
    let mut out = Buf::<256>(heapless::String::new());
    let options = SigningOptions {
        normalize_path: normalize,
        double_encode_path: double,
        ..SigningOptions::default()
    };
    write_path(&mut out, path, &options).unwrap();
    out.0
}

#[test]
fn timestamps() {
    let t = Timestamp::from_unix(1_440_938_160).unwrap();
    assert_eq!(t, Timestamp::new(2015, 8, 30, 12, 36, 0).unwrap());
    assert_eq!(t.unix(), 1_440_938_160);
    let mut s = Buf::<64>(heapless::String::new());
    write!(s, "{} {} {t}", t.amz_date(), t.date_stamp()).unwrap();
    assert_eq!(s.0, "20150830T123600Z 20150830 2015-08-30T12:36:00Z");

    assert_eq!(
        Timestamp::from_unix(0).unwrap(),
        Timestamp::new(1970, 1, 1, 0, 0, 0).unwrap()
    );
    assert_eq!(
        Timestamp::from_unix(-1).unwrap(),
        Timestamp::new(1969, 12, 31, 23, 59, 59).unwrap()
    );
    assert_eq!(
        Timestamp::from_unix(951_782_400).unwrap(),
        Timestamp::new(2000, 2, 29, 0, 0, 0).unwrap()
    );
    let last = Timestamp::new(9999, 12, 31, 23, 59, 59).unwrap();
    assert_eq!(Timestamp::from_unix(last.unix()).unwrap(), last);
    let first = Timestamp::new(0, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(Timestamp::from_unix(first.unix()).unwrap(), first);
    assert!(Timestamp::from_unix(last.unix() + 1).is_err());
    assert!(Timestamp::from_unix(first.unix() - 1).is_err());
    assert!(Timestamp::from_unix(i64::MAX).is_err());
    assert!(Timestamp::from_unix(i64::MIN).is_err());

    // Every day for 800 years round-trips.
    let mut day = first.unix() / 86_400;
    while day < Timestamp::new(2400, 1, 1, 0, 0, 0).unwrap().unix() / 86_400 {
        let t = Timestamp::from_unix(day * 86_400 + 86_399).unwrap();
        assert_eq!(t.unix(), day * 86_400 + 86_399);
        day += 1;
    }

    assert_eq!(
        Timestamp::new(2015, 2, 29, 0, 0, 0),
        Err(SignError::InvalidTime {
            field: "day",
            value: 29
        })
    );
    assert!(Timestamp::new(2016, 2, 29, 0, 0, 0).is_ok());
    assert!(Timestamp::new(1900, 2, 29, 0, 0, 0).is_err());
    assert!(Timestamp::new(2015, 13, 1, 0, 0, 0).is_err());
    assert!(Timestamp::new(2015, 1, 1, 24, 0, 0).is_err());
    assert!(Timestamp::new(2015, 1, 1, 0, 60, 0).is_err());
    assert!(Timestamp::new(2015, 1, 1, 0, 0, 60).is_err());
    assert!(Timestamp::new(10_000, 1, 1, 0, 0, 0).is_err());
}

#[test]
fn paths() {
    for (path, normalize, double, want) in [
        ("", true, true, "/"),
        ("", false, false, "/"),
        ("/", true, true, "/"),
        ("/a/b/../c/./d/", true, true, "/a/c/d/"),
        ("/../../a", true, true, "/a"),
        ("/a/..", true, true, "/"),
        ("/a/../", true, true, "/"),
        ("/a/b/c/../../..", true, true, "/"),
        ("/a/b/../../c/d/..", true, true, "/c"),
        ("//a//b//", true, true, "/a/b/"),
        ("/a%20b/ሴ", true, true, "/a%2520b/%E1%88%B4"),
        ("/a%20b/..", false, true, "/a%2520b/.."),
        ("/a%20b//", false, false, "/a%20b//"),
    ] {
        assert_eq!(canonical(path, normalize, double), want, "{path:?}");
    }
}

#[test]
fn encoding() {
    let mut s = Buf::<128>(heapless::String::new());
    write!(s, "{}", uri_encode("a b/c~d-e.f_g+h=ሴ%")).unwrap();
    assert_eq!(s.0, "a%20b%2Fc~d-e.f_g%2Bh%3D%E1%88%B4%25");
    let e: heapless::Vec<u8, 64> = encoded("ሴ /").collect();
    assert_eq!(&e[..], b"%E1%88%B4%20%2F");
}

#[test]
fn header_values_are_trimmed_like_python_split() {
    let mut s = Buf::<64>(heapless::String::new());
    write_trimmed(&mut s, " \t a \r\n  b\u{1c}c\u{a0} ").unwrap();
    assert_eq!(s.0, "a b c");
}

/// The well-known STS example: an AssumeRole POST, form-encoded.
#[test]
fn sts_assume_role() {
    let body = b"Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
                 &RoleSessionName=botocore-session-1440938160&Version=2011-06-15";
    let headers = [
        (
            "Content-Type",
            "application/x-www-form-urlencoded; charset=utf-8",
        ),
        ("Host", "sts.us-east-1.amazonaws.com"),
        ("User-Agent", "aws-cli/2.36.7"),
    ];
    let request = Request {
        method: "POST",
        path: "/",
        query: &[],
        headers: &headers,
        body,
    };
    let options = SigningOptions::for_service("sts");
    assert_eq!(options, SigningOptions::default());

    let mut creq = Buf::<1024>(heapless::String::new());
    let mut sts = Buf::<256>(heapless::String::new());
    let mut trace = Trace {
        canonical_request: &mut creq,
        string_to_sign: &mut sts,
        redact_session_token: false,
    };
    let signed = sign_traced(&params(None, "sts"), &request, &options, &mut trace).unwrap();
    let signature = signed.signature();
    // Computed apart from this code, with Python's hashlib and hmac.
    assert_eq!(
        signature,
        "1d798d437c81a43cbcb60624e96058e6b0cfce2a7d0dc10096989480f604f0b9"
    );
    let expected = [
        "POST",
        "/",
        "",
        "content-type:application/x-www-form-urlencoded; charset=utf-8",
        "host:sts.us-east-1.amazonaws.com",
        "x-amz-date:20150830T123600Z",
        "",
        "content-type;host;x-amz-date",
    ];
    let lines: heapless::Vec<&str, 16> = creq.0.split('\n').collect();
    assert_eq!(&lines[..8], &expected[..]);
    let body_hash = Hex::new(&Sha256::digest(body));
    assert_eq!(lines[8], body_hash.as_str());
    assert!(sts
        .0
        .starts_with("AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/sts/aws4_request\n"));
    let mut auth = Buf::<256>(heapless::String::new());
    write!(
        auth,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
    )
    .unwrap();
    assert_eq!(signed.authorization(), auth.0.as_str());
    assert_eq!(signed.x_amz_date(), "20150830T123600Z");
    assert_eq!(signed.x_amz_content_sha256(), None);
    let names: heapless::Vec<&str, 4> = signed.iter().map(|(n, _)| n).collect();
    assert_eq!(&names[..], ["x-amz-date", "authorization"]);
    // The untraced signer agrees.
    assert_eq!(
        sign(&params(None, "sts"), &request, &options).unwrap(),
        signed
    );

    // With a session token: signed, sent, and redacted where a person may see it.
    let token = "FQoGZXIvYXdzEXAMPLETOKEN";
    let mut creq = Buf::<1024>(heapless::String::new());
    let mut sts = Buf::<256>(heapless::String::new());
    let mut trace = Trace {
        canonical_request: &mut creq,
        string_to_sign: &mut sts,
        redact_session_token: true,
    };
    let with_token = params(Some(token), "sts");
    let signed = sign_traced(&with_token, &request, &options, &mut trace).unwrap();
    assert!(signed
        .authorization()
        .contains("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, "));
    assert_eq!(signed.x_amz_security_token(), Some(token));
    assert_eq!(
        signed.signature(),
        "7615b4115fefaf172abce9a080e4e2425dad1d848c22103afa73227d79210064"
    );
    assert!(creq.0.contains("\nx-amz-security-token:<redacted>\n"));
    assert!(!creq.0.contains(token));
    let names: heapless::Vec<&str, 4> = signed.iter().map(|(n, _)| n).collect();
    assert_eq!(
        &names[..],
        ["x-amz-date", "x-amz-security-token", "authorization"]
    );
    // Redacting the trace does not change the signature.
    assert_eq!(sign(&with_token, &request, &options).unwrap(), signed);
}

#[test]
fn secrets_stay_out_of_debug() {
    struct Text(heapless::String<2048>);
    impl Write for Text {
        fn write_str(&mut self, s: &str) -> fmt::Result {
            self.0.push_str(s).map_err(|_| fmt::Error)
        }
    }
    let token = "SECRETTOKENVALUE";
    let p = params(Some(token), "sts");
    let headers = [("host", "h"), ("X-Amz-Security-Token", token)];
    let request = Request {
        method: "GET",
        path: "/",
        query: &[],
        headers: &headers,
        body: b"",
    };
    let signed = sign(&p, &request, &SigningOptions::default()).unwrap();
    let presigned = presign(&p, &request, &SigningOptions::default(), 60).unwrap();
    let mut out = Text(heapless::String::new());
    write!(out, "{p:?} {request:?} {signed:?} {presigned:?}").unwrap();
    assert!(out.0.contains("AKIDEXAMPLE"));
    assert!(!out.0.contains(p.secret_access_key));
    assert!(!out.0.contains(token));
}

#[test]
fn headers_replaced_and_left_out() {
    let headers = [
        ("Host", "example.amazonaws.com"),
        ("Authorization", "old"),
        ("X-Amz-Date", "old"),
        ("Expect", "100-continue"),
        ("Transfer-Encoding", "chunked"),
        ("x-amzn-trace-id", "t"),
        ("My-Header", "  a   b  "),
        ("my-header", "c"),
    ];
    let request = Request {
        method: "get",
        path: "",
        query: &[("b", "2"), ("a", "x y"), ("a", "1")],
        headers: &headers,
        body: b"",
    };
    let mut creq = Buf::<512>(heapless::String::new());
    let mut sts = Buf::<256>(heapless::String::new());
    let mut trace = Trace {
        canonical_request: &mut creq,
        string_to_sign: &mut sts,
        redact_session_token: false,
    };
    sign_traced(
        &params(None, "service"),
        &request,
        &SigningOptions::default(),
        &mut trace,
    )
    .unwrap();
    assert!(creq.0.starts_with(
        "GET\n/\na=1&a=x%20y&b=2\nhost:example.amazonaws.com\nmy-header:a b,c\n\
         x-amz-date:20150830T123600Z\n\nhost;my-header;x-amz-date\n"
    ));
}

#[test]
fn errors() {
    let p = params(None, "service");
    let no_host = Request {
        method: "GET",
        path: "/",
        query: &[],
        headers: &[("x", "y")],
        body: b"",
    };
    let options = SigningOptions::default();
    assert_eq!(sign(&p, &no_host, &options), Err(SignError::MissingHost));

    let many = [("host", "h"); MAX_HEADERS];
    let request = Request {
        headers: &many,
        ..no_host
    };
    // 64 hosts plus x-amz-date is one too many.
    assert_eq!(
        sign(&p, &request, &options),
        Err(SignError::TooManyHeaders { given: MAX_HEADERS })
    );
    assert!(sign(
        &p,
        &Request {
            headers: &many[1..],
            ..no_host
        },
        &options
    )
    .is_ok());

    let query = [("a", "b"); MAX_QUERY_PARAMS + 1];
    let request = Request {
        query: &query,
        headers: &[("host", "h")],
        ..no_host
    };
    assert_eq!(
        sign(&p, &request, &options),
        Err(SignError::TooManyQueryParams {
            given: MAX_QUERY_PARAMS + 1
        })
    );

    let long = [b'x'; AUTHORIZATION_CAPACITY];
    let long = core::str::from_utf8(&long).unwrap();
    let headers = [("host", "h"), (long, "v")];
    let request = Request {
        headers: &headers,
        ..no_host
    };
    assert_eq!(
        sign(&p, &request, &options),
        Err(SignError::AuthorizationTooLong)
    );

    let request = Request {
        query: &[("X-Amz-Signature", "x")],
        headers: &[("host", "h")],
        ..no_host
    };
    assert!(sign(&p, &request, &options).is_ok());
    assert_eq!(
        presign(&p, &request, &options, 60).map(|_| ()),
        Err(SignError::ReservedQueryParam {
            name: "X-Amz-Signature"
        })
    );

    let mut tiny = Buf::<8>(heapless::String::new());
    let mut sts = Buf::<256>(heapless::String::new());
    let mut trace = Trace {
        canonical_request: &mut tiny,
        string_to_sign: &mut sts,
        redact_session_token: false,
    };
    assert_eq!(
        sign_traced(
            &p,
            &Request {
                headers: &[("host", "h")],
                ..no_host
            },
            &options,
            &mut trace
        ),
        Err(SignError::TraceSink)
    );
}

#[test]
fn long_secret_keys_are_hashed_as_hmac_does() {
    // A 61-byte secret makes a 65-byte first key: HMAC hashes it; so does the signer.
    let secret = "0123456789012345678901234567890123456789012345678901234567890";
    let t = Timestamp::new(2015, 8, 30, 0, 0, 0).unwrap();
    let mut reference =
        HmacSha256::new_from_slice(&[b"AWS4".as_slice(), secret.as_bytes()].concat_into::<65>())
            .unwrap();
    Mac::update(&mut reference, b"20150830");
    let k_date: [u8; 32] = reference.finalize().into_bytes().into();
    let k_signing = hmac_once(&hmac_once(&hmac_once(&k_date, b"r"), b"s"), b"aws4_request");
    let mut expected = keyed(&k_signing);
    let mut ours = signing_key(secret, t, "r", "s");
    Mac::update(&mut expected, b"x");
    Mac::update(&mut ours, b"x");
    assert_eq!(
        expected.finalize().into_bytes(),
        ours.finalize().into_bytes()
    );
}

trait ConcatInto {
    fn concat_into<const N: usize>(&self) -> [u8; N];
}

impl ConcatInto for [&[u8]; 2] {
    fn concat_into<const N: usize>(&self) -> [u8; N] {
        let mut out = [0u8; N];
        out[..self[0].len()].copy_from_slice(self[0]);
        out[self[0].len()..].copy_from_slice(self[1]);
        out
    }
}

#[test]
fn an_amz_date_reads_back_as_the_time_it_was_written_from() {
    let time = Timestamp::new(2015, 8, 30, 12, 36, 0).unwrap();
    assert_eq!(Timestamp::from_amz_date("20150830T123600Z"), Some(time));
    for bad in [
        "",
        "20150830T123600",
        "20150830 123600Z",
        "2015083OT123600Z",
        "20151330T123600Z",
        "20150230T123600Z",
        "20150830T246000Z",
        "+0150830T123600Z",
        "20150830T123600Z0",
    ] {
        assert_eq!(Timestamp::from_amz_date(bad), None, "{bad}");
    }
}
