use super::xml::unescape;
use super::*;
use crate::credentials::ProviderKind;
use crate::credentials::{MAX_ACCESS_KEY_ID_LEN, MAX_SESSION_TOKEN_LEN};
use crate::io::{block_on, HttpError, HttpResponse};
use crate::io::{Http, HttpErrorKind, HttpRequest};
use crate::memory::SteppingClock;
use crate::services::endpoint::{Endpoint, Origin};
use crate::services::retry::Class;
use core::cell::RefCell;
use std::string::{String, ToString};
use std::vec::Vec;

const OK: &str = r#"<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
<SourceIdentity>Alice</SourceIdentity>
<AssumedRoleUser>
  <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>
  <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>
</AssumedRoleUser>
<Credentials>
  <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
  <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
  <SessionToken>
   AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW
  </SessionToken>
  <Expiration>2099-01-02T03:04:05Z</Expiration>
</Credentials>
<PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata>
<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>
  </ResponseMetadata>
</AssumeRoleResponse>
"#;

const DENIED: &str = r#"<?xml version="1.0"?>
<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error>
<Type>Sender</Type>
<Code>AccessDenied</Code>
<Message>User: arn:aws:iam::123456789012:user/x is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/demo &amp; &quot;more&quot;</Message>
  </Error>
  <RequestId>4a1b</RequestId>
</ErrorResponse>"#;

fn parse(status: u16, ct: Option<&str>, body: &str) -> Result<AssumedRole, StsErrorKind> {
    parse_response(Operation::AssumeRole, status, ct, body.as_bytes())
}

#[test]
fn reads_credentials_and_the_account_from_the_arn() {
    let r = parse(200, Some("text/xml"), OK).unwrap();
    let c = &r.credentials;
    assert_eq!(c.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(
        c.secret_access_key(),
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    );
    assert_eq!(
        c.session_token(),
        Some("AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW")
    );
    assert_eq!(
        c.expiration(),
        crate::credentials::parse_time("2099-01-02T03:04:05Z")
    );
    assert_eq!(c.account_id(), Some("123456789012"));
    assert_eq!(c.provider(), ProviderKind::AssumeRole);
    let user = r.user.unwrap();
    assert_eq!(user.assumed_role_id, "ARO123EXAMPLE123:TestAR");
    assert_eq!(
        user.arn,
        "arn:aws:sts::123456789012:assumed-role/demo/TestAR"
    );
    // No content type at all is accepted; so is application/xml.
    assert!(parse(200, None, OK).is_ok());
    assert!(parse(200, Some("Application/XML; charset=utf-8"), OK).is_ok());
}

#[test]
fn web_identity_answers() {
    let body = OK
        .replace("AssumeRoleResponse", "AssumeRoleWithWebIdentityResponse")
        .replace("AssumeRoleResult", "AssumeRoleWithWebIdentityResult");
    let r = parse_response(
        Operation::AssumeRoleWithWebIdentity,
        200,
        None,
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(r.credentials.provider(), ProviderKind::WebIdentity);
    // An AssumeRole answer is not a web identity answer.
    let e = parse_response(
        Operation::AssumeRoleWithWebIdentity,
        200,
        None,
        OK.as_bytes(),
    );
    assert!(matches!(
        e,
        Err(StsErrorKind::Malformed {
            problem: XmlProblem::UnexpectedRoot,
            ..
        })
    ));
}

#[test]
fn error_responses_carry_status_code_and_message() {
    let e = parse(403, Some("text/xml"), DENIED).unwrap_err();
    let StsErrorKind::Service {
        status,
        code,
        message,
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((*status, code.as_str()), (403, "AccessDenied"));
    let ErrorMessage::Text(m) = message else {
        panic!("{message:?}")
    };
    assert!(m.ends_with("role/demo & \"more\""), "{m}");
    // A message over the capacity is reported with its length, never cut.
    let long = "x".repeat(MAX_ERROR_MESSAGE_LEN + 1);
    let body = DENIED.replace("User:", &long);
    let e = parse(403, None, &body).unwrap_err();
    assert!(matches!(
        e,
        StsErrorKind::Service {
            message: ErrorMessage::TooLong { .. },
            ..
        }
    ));
}

#[test]
fn bodies_that_are_not_sts_answers() {
    assert_eq!(
        parse(500, None, "").unwrap_err(),
        StsErrorKind::EmptyBody { status: 500 }
    );
    assert_eq!(
        parse(200, None, "  \n").unwrap_err(),
        StsErrorKind::EmptyBody { status: 200 }
    );
    assert!(matches!(
        parse(200, Some("text/html"), "<html></html>").unwrap_err(),
        StsErrorKind::WrongContentType { status: 200, .. }
    ));
    assert_eq!(
        parse(200, None, "{\"json\": true}").unwrap_err(),
        StsErrorKind::NotXml { status: 200 }
    );
    let truncated = &OK[..OK.len() / 2];
    assert_eq!(
        parse(200, None, truncated).unwrap_err(),
        StsErrorKind::Malformed {
            status: 200,
            problem: XmlProblem::Truncated
        }
    );
    let cases: &[(&str, XmlProblem)] = &[
        ("<a><b></a></b>", XmlProblem::MismatchedTag),
        ("<a></a><b></b>", XmlProblem::OutsideRoot),
        ("<a></a>text", XmlProblem::OutsideRoot),
        ("<!DOCTYPE a><a/>", XmlProblem::UnsupportedMarkup),
        ("<a><![CDATA[x]]></a>", XmlProblem::UnsupportedMarkup),
        ("<a x=1></a>", XmlProblem::Syntax),
        ("<1a></1a>", XmlProblem::Syntax),
        ("<a", XmlProblem::Truncated),
        ("<a><!-- x", XmlProblem::Truncated),
        (
            "<AssumeRoleResponse/>",
            XmlProblem::Missing("ErrorResponse"),
        ),
        ("<Other/>", XmlProblem::UnexpectedRoot),
    ];
    for (body, problem) in cases {
        let status = if body.starts_with("<Assume") {
            500
        } else {
            200
        };
        assert_eq!(
            parse(status, None, body).unwrap_err(),
            StsErrorKind::Malformed {
                status,
                problem: *problem
            },
            "{body}"
        );
    }
    let deep = "<a>".repeat(MAX_XML_DEPTH + 1);
    assert!(matches!(
        parse(200, None, &deep).unwrap_err(),
        StsErrorKind::Malformed {
            problem: XmlProblem::TooDeep,
            ..
        }
    ));
    let twice = OK.replace(
        "<Expiration>",
        "<AccessKeyId>AKID2</AccessKeyId><Expiration>",
    );
    assert!(matches!(
        parse(200, None, &twice).unwrap_err(),
        StsErrorKind::Malformed {
            problem: XmlProblem::Duplicate,
            ..
        }
    ));
    let no_token = OK
        .replace("<SessionToken>", "<Other>")
        .replace("</SessionToken>", "</Other>");
    assert!(matches!(
        parse(200, None, &no_token).unwrap_err(),
        StsErrorKind::Malformed {
            problem: XmlProblem::Missing("Credentials/SessionToken"),
            ..
        }
    ));
    let bad_time = OK.replace("2099-01-02T03:04:05Z", "soon");
    assert!(matches!(
        parse(200, None, &bad_time).unwrap_err(),
        StsErrorKind::Malformed {
            problem: XmlProblem::BadExpiration,
            ..
        }
    ));
    let bad_entity = OK.replace("ASIAIOSFODNN7EXAMPLE", "A&bogus;");
    assert!(matches!(
        parse(200, None, &bad_entity).unwrap_err(),
        StsErrorKind::Malformed {
            problem: XmlProblem::BadReference,
            ..
        }
    ));
    let long = "k".repeat(MAX_ACCESS_KEY_ID_LEN + 1);
    let too_long = OK.replace("ASIAIOSFODNN7EXAMPLE", &long);
    let e = parse(200, None, &too_long).unwrap_err();
    let text = std::format!("{e:?}");
    assert!(text.contains("MAX_ACCESS_KEY_ID_LEN"), "{text}");
}

#[test]
fn no_panic_on_any_prefix_or_byte_flip() {
    for body in [OK, DENIED] {
        for end in 0..=body.len() {
            if let Some(prefix) = body.get(..end) {
                let _ = parse(200, None, prefix);
            }
        }
        let bytes = body.as_bytes();
        for i in 0..bytes.len() {
            for b in [b'<', b'>', b'&', b'/', b'"', 0xff, b' '] {
                let mut v = bytes.to_vec();
                v[i] = b;
                let _ = parse_response(Operation::AssumeRole, 200, None, &v);
            }
        }
    }
}

#[test]
fn unescapes_references() {
    let s: heapless::String<32> = unescape("a&lt;&#x41;&#66;&apos;", "f", "L").unwrap();
    assert_eq!(s, "a<AB'");
    for bad in ["&", "&#0;", "&#xD800;", "&nbsp;", "&#;"] {
        assert_eq!(
            unescape::<8>(bad, "f", "L"),
            Err(XmlProblem::BadReference),
            "{bad}"
        );
    }
}

#[test]
fn session_names_durations_and_arns() {
    assert_eq!(
        generated_session_name(1_700_000_000),
        "botocore-session-1700000000"
    );
    assert_eq!(
        generated_session_name(i64::MIN).len(),
        "botocore-session--9223372036854775808".len()
    );
    for (text, want) in [
        ("1800", Some(1800)),
        (" 900\n", Some(900)),
        ("+60", Some(60)),
        ("-5", Some(-5)),
        ("1_800", Some(1800)),
        ("1__800", None),
        ("_1", None),
        ("1h", None),
        ("", None),
        ("99999999999999999999", None),
    ] {
        assert_eq!(parse_duration_seconds(text), want, "{text:?}");
    }
    assert_eq!(
        account_id_of("arn:aws:sts::123456789012:assumed-role/r/s"),
        Some("123456789012")
    );
    assert_eq!(account_id_of("arn:aws:sts::123"), None);
    assert_eq!(account_id_of("not an arn"), None);
}

/// A request as sent: method, URL, headers, body, timeout.
type Sent = (String, String, Vec<(String, String)>, String, u32);

/// Answers every request with one canned response and records what it was sent.
struct Canned {
    response: Result<(u16, Option<&'static str>, &'static str), HttpErrorKind>,
    sent: RefCell<Vec<Sent>>,
}

impl Http for Canned {
    type Body = Vec<u8>;
    async fn send(&self, r: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        self.sent.borrow_mut().push((
            r.method.to_string(),
            r.url.to_string(),
            r.headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            String::from_utf8(r.body.to_vec()).unwrap(),
            r.timeout_ms,
        ));
        let (status, ct, body) = self.response.map_err(|kind| HttpError { kind })?;
        Ok(HttpResponse {
            status,
            content_type: ct.map(|c| heapless::String::try_from(c).unwrap()),
            body: body.as_bytes().to_vec(),
        })
    }
}

/// A signed call's target with the default options.
fn target<'c, 'e, H: ?Sized>(
    http: &'c H,
    clock: &'c SteppingClock,
    endpoint: &'e Endpoint<'e>,
    caller: &'c Credentials,
) -> StsTarget<'c, 'e, H, SteppingClock> {
    StsTarget {
        http,
        clock,
        endpoint,
        caller,
        options: StsOptions::default(),
    }
}

/// A clock that moves only when slept on, recording the sleeps; its random numbers are
/// always one half (2^31).
fn test_clock(unix: i64) -> SteppingClock {
    SteppingClock::new(unix, 1 << 31)
}

/// Answers with each response in turn (the last one again when they run out).
struct Sequence {
    responses: Vec<(u16, &'static str)>,
    sent: RefCell<Vec<Vec<(String, String)>>>,
}

impl Http for Sequence {
    type Body = Vec<u8>;
    async fn send(&self, r: &HttpRequest<'_>) -> Result<HttpResponse<Vec<u8>>, HttpError> {
        let mut sent = self.sent.borrow_mut();
        sent.push(
            r.headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        );
        let (status, body) = self.responses[(sent.len() - 1).min(self.responses.len() - 1)];
        Ok(HttpResponse {
            status,
            content_type: Some(heapless::String::try_from("text/xml").unwrap()),
            body: body.as_bytes().to_vec(),
        })
    }
}

const THROTTLED: &str = "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
    <Message>Rate exceeded</Message></Error></ErrorResponse>";

#[test]
fn a_503_then_200_is_retried_and_each_attempt_signed_anew() {
    let endpoint = global_endpoint();
    let params = AssumeRoleParams {
        role_arn: "arn:aws:iam::123456789012:role/demo",
        role_session_name: "s",
        external_id: None,
        mfa: None,
        duration_seconds: None,
    };
    // One AssumeRole against canned answers, with the default (standard) retries.
    let call = |responses: std::vec::Vec<(u16, &'static str)>| {
        let http = Sequence {
            responses,
            sent: RefCell::default(),
        };
        let clock = test_clock(1_440_938_160);
        let result = block_on(assume_role(
            &target(&http, &clock, &endpoint, &caller(None)),
            &params,
        ));
        (result, http, clock)
    };
    let date = |headers: &Vec<(String, String)>| {
        headers
            .iter()
            .find(|(k, _)| k == "x-amz-date")
            .map(|(_, v)| v.clone())
            .unwrap()
    };

    let (result, http, clock) = call(std::vec![(503, ""), (200, OK)]);
    let role = result.unwrap();
    assert_eq!(role.credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(*clock.sleeps.borrow(), [500]);
    let sent = http.sent.borrow();
    assert_eq!(sent.len(), 2);
    // Signed at 00:36:00 and, after the 500 ms wait moved the clock, at 00:36:00.5 -> :00.
    assert_eq!(date(&sent[0]), "20150830T123600Z");
    assert_eq!(date(&sent[1]), "20150830T123600Z");

    // Throttled three times: three attempts, waits of 0.5 and 1 s, and the last error.
    let (result, http, clock) = call(std::vec![(400, THROTTLED)]);
    let e = result.unwrap_err();
    assert!(matches!(e.kind, StsErrorKind::Service { status: 400, .. }));
    assert_eq!(http.sent.borrow().len(), 3);
    assert_eq!(*clock.sleeps.borrow(), [500, 1000]);
    // The second attempt was signed after the first wait: 1.5 s in all crosses a second.
    let sent = http.sent.borrow();
    assert_eq!(date(&sent[2]), "20150830T123601Z");

    // AccessDenied is not retried.
    let (result, http, clock) = call(std::vec![(403, DENIED)]);
    assert!(result.is_err());
    assert_eq!(http.sent.borrow().len(), 1);
    assert!(clock.sleeps.borrow().is_empty());
}

#[test]
fn retry_classes_of_sts_answers() {
    let service = |status, code: &str| StsErrorKind::Service {
        status,
        code: heapless::String::try_from(code).unwrap(),
        message: ErrorMessage::None,
    };
    assert_eq!(
        retry_class(&service(400, "IDPCommunicationError")),
        Class::Transient
    );
    assert_eq!(retry_class(&service(400, "Throttling")), Class::Throttling);
    assert_eq!(retry_class(&service(403, "AccessDenied")), Class::Fatal);
    assert_eq!(
        retry_class(&StsErrorKind::NotXml { status: 502 }),
        Class::Transient
    );
    assert_eq!(
        retry_class(&StsErrorKind::NotXml { status: 200 }),
        Class::Fatal
    );
    assert_eq!(
        retry_class(&StsErrorKind::EmptyBody { status: 503 }),
        Class::Transient
    );
    assert_eq!(retry_class(&StsErrorKind::RequestTooLong), Class::Fatal);
}

fn canned(response: Result<(u16, Option<&'static str>, &'static str), HttpErrorKind>) -> Canned {
    Canned {
        response,
        sent: RefCell::default(),
    }
}

/// STS's global endpoint, us-east-1.
fn global_endpoint() -> Endpoint<'static> {
    Endpoint::new("https://sts.amazonaws.com", "us-east-1", Origin::Global).unwrap()
}

/// GetSessionToken's parameters for `duration_seconds` with the device `serial_number` and
/// its `token_code`.
fn with_device(
    duration_seconds: i64,
    serial_number: &'static str,
    token_code: &'static str,
) -> SessionTokenParams<'static> {
    SessionTokenParams {
        duration_seconds: Some(duration_seconds),
        mfa: Some(Mfa {
            serial_number,
            token_code,
        }),
    }
}

fn caller(token: Option<&str>) -> Credentials {
    Credentials::new(
        ProviderKind::SharedCredentialsFile,
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        token,
        None,
        None,
    )
    .unwrap()
}

/// AssumeRole through `http` at `now_unix`, with the default options.
fn assume<'e>(
    http: &Canned,
    now_unix: i64,
    endpoint: &'e Endpoint<'e>,
    caller: &Credentials,
    params: &AssumeRoleParams<'e>,
) -> Result<AssumedRole, StsError<'e>> {
    let clock = test_clock(now_unix);
    block_on(assume_role(&target(http, &clock, endpoint, caller), params))
}

#[test]
fn assume_role_request_is_form_encoded_and_signed() {
    let http = canned(Ok((200, Some("text/xml"), OK)));
    let endpoint = Endpoint::new(
        "https://sts.eu-west-1.amazonaws.com",
        "eu-west-1",
        Origin::Global,
    )
    .unwrap();
    let params = AssumeRoleParams {
        role_arn: "arn:aws:iam::123456789012:role/demo",
        role_session_name: "my session",
        external_id: Some("ext/1"),
        mfa: Some(Mfa {
            serial_number: "arn:aws:iam::123456789012:mfa/me",
            token_code: "123456",
        }),
        duration_seconds: Some(1800),
    };
    let creds = caller(Some("SESSIONTOKEN"));
    let r = assume(&http, 1_440_938_160, &endpoint, &creds, &params).unwrap();
    assert_eq!(r.credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    let sent = http.sent.borrow();
    let (method, url, headers, body, timeout) = &sent[0];
    assert_eq!(
        (method.as_str(), url.as_str(), *timeout),
        (
            "POST",
            "https://sts.eu-west-1.amazonaws.com",
            STS_TIMEOUT_MS
        )
    );
    assert_eq!(
        body,
        "Action=AssumeRole&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo\
         &RoleSessionName=my%20session&ExternalId=ext%2F1\
         &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&TokenCode=123456\
         &DurationSeconds=1800"
    );
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "content-type",
            "x-amz-date",
            "x-amz-security-token",
            "authorization"
        ]
    );
    assert_eq!(headers[1].1, "20150830T123600Z");
    assert_eq!(headers[2].1, "SESSIONTOKEN");
    assert!(
        headers[3].1.starts_with(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/eu-west-1/sts/aws4_request, \
             SignedHeaders=content-type;host;x-amz-date;x-amz-security-token, Signature="
        ),
        "{}",
        headers[3].1
    );
    // Without a session token, no token header is signed or sent.
    let http = canned(Ok((200, None, OK)));
    assume(&http, 1_440_938_160, &endpoint, &caller(None), &params).unwrap();
    let sent = http.sent.borrow();
    assert!(sent[0].2[2]
        .1
        .contains("SignedHeaders=content-type;host;x-amz-date,"));
}

#[test]
fn web_identity_is_unsigned() {
    let body = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>\
                <Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey>\
                <SessionToken>T</SessionToken><Expiration>2099-01-02T03:04:05Z</Expiration>\
                </Credentials></AssumeRoleWithWebIdentityResult>\
                </AssumeRoleWithWebIdentityResponse>";
    let http = canned(Ok((200, Some("text/xml"), body)));
    let endpoint = Endpoint::new("http://127.0.0.1:9", "us-east-1", Origin::Global).unwrap();
    let params = WebIdentityParams {
        role_arn: "arn:aws:iam::1:role/r",
        role_session_name: "s",
        web_identity_token: "eyJ.tok.en",
    };
    let debug = std::format!("{params:?}");
    assert!(!debug.contains("eyJ"), "{debug}");
    let r = block_on(assume_role_with_web_identity(
        &http,
        &test_clock(0),
        &endpoint,
        &params,
        &StsOptions::default(),
    ))
    .unwrap();
    assert_eq!(r.credentials.account_id(), None);
    let sent = http.sent.borrow();
    assert_eq!(
        sent[0].2,
        [("content-type".into(), FORM_CONTENT_TYPE.into())]
    );
    assert_eq!(
        sent[0].3,
        "Action=AssumeRoleWithWebIdentity&Version=2011-06-15\
         &RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr&RoleSessionName=s\
         &WebIdentityToken=eyJ.tok.en"
    );
}

#[test]
fn a_field_over_a_capacity_names_the_limit_not_the_endpoint() {
    let start = OK.find("<SessionToken>").unwrap() + "<SessionToken>".len();
    let end = OK.find("</SessionToken>").unwrap();
    let long = "t".repeat(MAX_SESSION_TOKEN_LEN + 1);
    let body = std::format!("{}{long}{}", &OK[..start], &OK[end..]);
    let e = parse(200, Some("text/xml"), &body).unwrap_err();
    let endpoint = Endpoint::new("http://127.0.0.1:9", "us-east-1", Origin::Global).unwrap();
    let text = std::format!(
        "{}",
        StsError {
            operation: Operation::AssumeRole,
            role_arn: "arn:aws:iam::1:role/r",
            endpoint: endpoint.url(),
            origin: endpoint.origin(),
            kind: e,
        }
    );
    assert!(
        text.contains("the session token is longer than the 16384 bytes credchain can hold (MAX_SESSION_TOKEN_LEN)")
            && !text.contains("check that the endpoint"),
        "{text}"
    );
    assert!(!text.contains(&long[..64]), "{text}");
}

#[test]
fn errors_name_role_and_endpoint_and_hide_secrets() {
    let endpoint = Endpoint::new(
        "http://127.0.0.1:9",
        "us-east-1",
        Origin::EnvVar("AWS_ENDPOINT_URL_STS"),
    )
    .unwrap();
    let params = AssumeRoleParams {
        role_arn: "arn:aws:iam::1:role/r",
        role_session_name: "s",
        external_id: None,
        mfa: Some(Mfa {
            serial_number: "serial",
            token_code: "987654",
        }),
        duration_seconds: None,
    };
    let creds = caller(Some("SESSIONTOKEN"));
    let run = |http: &Canned| {
        let e = block_on(assume_role(
            &StsTarget {
                http,
                clock: &test_clock(1_440_938_160),
                endpoint: &endpoint,
                caller: &creds,
                options: StsOptions {
                    timeout_ms: 250,
                    max_body_bytes: 100,
                    retry: RetryConfig::ONE_ATTEMPT,
                },
            },
            &params,
        ))
        .unwrap_err();
        let text = std::format!("{e}");
        let debug = std::format!("{e:?}");
        for secret in ["987654", "SESSIONTOKEN", "wJalr"] {
            assert!(!text.contains(secret) && !debug.contains(secret), "{text}");
        }
        assert!(
            text.starts_with(
                "assuming role arn:aws:iam::1:role/r failed: STS AssumeRole at \
                 http://127.0.0.1:9 (from AWS_ENDPOINT_URL_STS) "
            ),
            "{text}"
        );
        (e.kind, text)
    };
    let (kind, text) = run(&canned(Err(HttpErrorKind::Timeout)));
    assert!(matches!(
        kind,
        StsErrorKind::Http {
            kind: HttpErrorKind::Timeout,
            ..
        }
    ));
    assert!(text.contains("within 250 ms"), "{text}");
    let (kind, _) = run(&canned(Err(HttpErrorKind::Connect)));
    assert!(matches!(
        kind,
        StsErrorKind::Http {
            kind: HttpErrorKind::Connect,
            ..
        }
    ));
    let (_, text) = run(&canned(Ok((403, Some("text/xml"), DENIED))));
    assert!(
        text.contains("HTTP 403 AccessDenied: User: arn:aws:iam::123456789012:user/x")
            && text.contains("trust policy"),
        "{text}"
    );
    let (_, text) = run(&canned(Ok((503, None, ""))));
    assert!(
        text.contains("HTTP 503 with an empty body; STS may be unavailable"),
        "{text}"
    );
    let mut long = params;
    let token = "t".repeat(MAX_REQUEST_BODY_LEN);
    long.mfa = Some(Mfa {
        serial_number: "s",
        token_code: &token,
    });
    let e = assume(&canned(Ok((200, None, OK))), 0, &endpoint, &creds, &long).unwrap_err();
    assert_eq!(e.kind, StsErrorKind::RequestTooLong);
    assert!(std::format!("{e}").contains("MAX_REQUEST_BODY_LEN"));
}

/// A GetSessionToken answer (AWS's documented example, its expiry moved to 2099).
const SESSION: &str = r#"<GetSessionTokenResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetSessionTokenResult>
    <Credentials>
      <SessionToken>AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4Olgk</SessionToken>
      <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
      <Expiration>2099-07-11T19:55:29.611Z</Expiration>
      <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
    </Credentials>
  </GetSessionTokenResult>
  <ResponseMetadata>
    <RequestId>58c5dbae-abef-11e0-8cfe-09039844ac7d</RequestId>
  </ResponseMetadata>
</GetSessionTokenResponse>"#;

#[test]
fn session_token_answers() {
    let r = parse_session_token_response(200, Some("text/xml"), SESSION.as_bytes()).unwrap();
    let c = &r.credentials;
    assert_eq!(c.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    assert_eq!(
        c.secret_access_key(),
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
    );
    assert!(c
        .session_token()
        .unwrap()
        .starts_with("AQoEXAMPLEH4aoAH0gNCAPyJxz4B"));
    assert_eq!(
        c.expiration(),
        crate::credentials::parse_time("2099-07-11T19:55:29Z")
    );
    assert_eq!(c.expiration_form().micros, 611_000);
    // No AssumedRoleUser: no account. The credentials go to the credentials file.
    assert_eq!(c.account_id(), None);
    assert_eq!(c.provider(), ProviderKind::SharedCredentialsFile);
    assert_eq!(r.expiration_text, "2099-07-11T19:55:29.611Z");
    // The same through parse_response.
    let role = parse_response(Operation::GetSessionToken, 200, None, SESSION.as_bytes()).unwrap();
    assert_eq!((&role.credentials, role.user), (c, None));

    // Another operation's answer is not GetSessionToken's, nor the other way round.
    for (body, operation) in [
        (OK, Operation::GetSessionToken),
        (SESSION, Operation::AssumeRole),
    ] {
        assert!(matches!(
            parse_response(operation, 200, None, body.as_bytes()),
            Err(StsErrorKind::Malformed {
                problem: XmlProblem::UnexpectedRoot,
                ..
            })
        ));
    }
    // Each credential field is required.
    let fields = [
        ("AccessKeyId", "Credentials/AccessKeyId"),
        ("SecretAccessKey", "Credentials/SecretAccessKey"),
        ("SessionToken", "Credentials/SessionToken"),
        ("Expiration", "Credentials/Expiration"),
    ];
    for (field, path) in fields {
        let start = SESSION.find(&std::format!("<{field}>")).unwrap();
        let end = SESSION.find(&std::format!("</{field}>")).unwrap() + field.len() + 3;
        let body = std::format!("{}{}", &SESSION[..start], &SESSION[end..]);
        assert_eq!(
            parse_session_token_response(200, None, body.as_bytes()).unwrap_err(),
            StsErrorKind::Malformed {
                status: 200,
                problem: XmlProblem::Missing(path)
            },
            "{field}"
        );
    }
    // An expiry that is no time, and one too long to be one.
    let bad = SESSION.replace("2099-07-11T19:55:29.611Z", "tomorrow");
    assert!(matches!(
        parse_session_token_response(200, None, bad.as_bytes()),
        Err(StsErrorKind::Malformed {
            problem: XmlProblem::BadExpiration,
            ..
        })
    ));
    // Errors are read as every operation's.
    let denied = DENIED.replace("sts:AssumeRole", "sts:GetSessionToken");
    assert!(matches!(
        parse_session_token_response(403, Some("text/xml"), denied.as_bytes()),
        Err(StsErrorKind::Service { status: 403, .. })
    ));
}

#[test]
fn session_token_request_is_form_encoded_and_signed() {
    let http = canned(Ok((200, Some("text/xml"), SESSION)));
    let endpoint = global_endpoint();
    let params = with_device(43200, "arn:aws:iam::123456789012:mfa/my device", "123456");
    let clock = test_clock(1_440_938_160);
    let long_term = caller(None);
    let r = block_on(get_session_token(
        &target(&http, &clock, &endpoint, &long_term),
        &params,
    ))
    .unwrap();
    assert_eq!(r.credentials.access_key_id(), "ASIAIOSFODNN7EXAMPLE");
    let sent = http.sent.borrow();
    let (method, url, headers, body, _) = &sent[0];
    assert_eq!(
        (method.as_str(), url.as_str()),
        ("POST", "https://sts.amazonaws.com")
    );
    assert_eq!(
        body,
        "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=43200\
         &SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fmy%20device&TokenCode=123456"
    );
    let names: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, ["content-type", "x-amz-date", "authorization"]);
    // botocore 1.44.8's SigV4Auth, given this body, host, time and keys, signs it so.
    assert_eq!(
        headers[2].1,
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/sts/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date, \
         Signature=6cf8ddaa3a01bb1308feba256e22c33d4a060ae271bd116044d8c71ae31f32aa"
    );
    drop(sent);

    // Without a duration or a device, only the action and version.
    let http = canned(Ok((200, None, SESSION)));
    let bare = SessionTokenParams {
        duration_seconds: None,
        mfa: None,
    };
    block_on(get_session_token(
        &target(&http, &clock, &endpoint, &long_term),
        &bare,
    ))
    .unwrap();
    assert_eq!(
        http.sent.borrow()[0].3,
        "Action=GetSessionToken&Version=2011-06-15"
    );
}

#[test]
fn session_token_errors_name_the_device_and_hide_the_code() {
    let endpoint = global_endpoint();
    let params = with_device(900, "arn:aws:iam::123456789012:mfa/me", "987654");
    let denied = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
        <Message>MultiFactorAuthentication failed with invalid MFA one time pass code. \
        </Message></Error></ErrorResponse>";
    let http = canned(Ok((403, Some("text/xml"), denied)));
    let clock = test_clock(1_440_938_160);
    let long_term = caller(None);
    let e = block_on(get_session_token(
        &target(&http, &clock, &endpoint, &long_term),
        &params,
    ))
    .unwrap_err();
    // Not retried.
    assert_eq!(http.sent.borrow().len(), 1);
    assert_eq!(e.operation, Operation::GetSessionToken);
    assert_eq!(e.role_arn, "arn:aws:iam::123456789012:mfa/me");
    let text = e.to_string();
    assert_eq!(
        text,
        "getting a session token with the MFA device arn:aws:iam::123456789012:mfa/me failed: \
         STS GetSessionToken at https://sts.amazonaws.com (from the global endpoint, as no region is configured) \
         answered HTTP 403 AccessDenied: MultiFactorAuthentication failed with invalid MFA one \
         time pass code.; check the MFA code (a current one from the device) and the device's \
         serial number or ARN, and that the long-term keys belong to the device's IAM user"
    );
    for secret in ["987654", long_term.secret_access_key()] {
        assert!(!text.contains(secret), "{text}");
        assert!(!std::format!("{e:?}").contains(secret), "{e:?}");
        assert!(!std::format!("{params:?}").contains(secret), "{params:?}");
    }
    // Without a device the error names none.
    let e = StsError { role_arn: "", ..e };
    assert!(e
        .to_string()
        .starts_with("getting a session token failed: STS GetSessionToken at "));
}
