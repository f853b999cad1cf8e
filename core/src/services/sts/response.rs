//! Reading an answer: the fields of a response or of an error, from the XML reader.

// An STS error keeps the service's message inline: the core has no allocator to box it.
#![allow(clippy::large_enum_variant, clippy::result_large_err)]

use super::error::{ErrorMessage, StsErrorKind};
use super::xml::{self, is_xml_space, unescape, XmlProblem};
use super::{
    account_id_of, AssumedRole, AssumedRoleUser, CallerIdentity, Operation, SessionCredentials,
    MAX_ERROR_CODE_LEN, MAX_ERROR_MESSAGE_LEN, MAX_EXPIRATION_TEXT_LEN,
};
use crate::credentials::MAX_ACCOUNT_ID_LEN;
use crate::credentials::{parse_timestamp, Credentials, ProviderKind};
use crate::credentials::{MAX_ACCESS_KEY_ID_LEN, MAX_SECRET_ACCESS_KEY_LEN, MAX_SESSION_TOKEN_LEN};

/// Reads an STS answer: the credentials of a `2xx` `<{Operation}Response>`, or the error it
/// carries. Public for the fuzz targets and for hosts that replay recorded answers.
///
/// # Errors
/// Every [`StsErrorKind`] that an answer can cause (all but [`StsErrorKind::RequestTooLong`],
/// [`StsErrorKind::Sign`] and [`StsErrorKind::Http`]).
pub fn parse_response(
    operation: Operation,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<AssumedRole, StsErrorKind> {
    read(operation, status, content_type, body).map(|(role, _)| role)
}

/// Reads a GetSessionToken answer as [`parse_response`] reads the others: the credentials, and
/// the `Expiration` as STS wrote it.
///
/// # Errors
/// As [`parse_response`]'s; an `Expiration` longer than [`MAX_EXPIRATION_TEXT_LEN`] is
/// malformed (it cannot be a time).
pub fn parse_session_token_response(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<SessionCredentials, StsErrorKind> {
    let (role, expiration) = read(Operation::GetSessionToken, status, content_type, body)?;
    let expiration_text = unescape::<MAX_EXPIRATION_TEXT_LEN>(
        expiration,
        "Credentials/Expiration",
        "MAX_EXPIRATION_TEXT_LEN",
    )
    .map_err(|problem| StsErrorKind::Malformed { status, problem })?;
    Ok(SessionCredentials {
        credentials: role.credentials,
        expiration_text,
    })
}

/// Reads a GetCallerIdentity answer: who the signing credentials belong to.
///
/// # Errors
/// As [`parse_response`]'s; each of `UserId`, `Account` and `Arn` must be there.
pub fn parse_caller_identity_response(
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<CallerIdentity, StsErrorKind> {
    let r = envelope(Operation::GetCallerIdentity, status, content_type, body)?;
    let field = |at: usize, name: &'static str| r[at].ok_or(XmlProblem::Missing(name));
    let read = || -> Result<CallerIdentity, XmlProblem> {
        Ok(CallerIdentity {
            user_id: unescape(field(IDENTITY, "UserId")?, "UserId", "MAX_USER_ID_LEN")?,
            account: unescape::<MAX_ACCOUNT_ID_LEN>(
                field(IDENTITY + 1, "Account")?,
                "Account",
                "MAX_ACCOUNT_ID_LEN",
            )?,
            arn: unescape(field(IDENTITY + 2, "Arn")?, "Arn", "MAX_ARN_LEN")?,
        })
    };
    read().map_err(|problem| StsErrorKind::Malformed { status, problem })
}

/// Reads the envelope of an answer of `operation`: the fields of [`PATHS`] found in a `2xx`
/// `<{Operation}Response>`, or the error the answer carries.
fn envelope<'b>(
    operation: Operation,
    status: u16,
    content_type: Option<&str>,
    body: &'b [u8],
) -> Result<[Option<&'b str>; PATHS.len()], StsErrorKind> {
    let malformed = |problem| StsErrorKind::Malformed { status, problem };
    if body.iter().all(|b| is_xml_space(*b)) {
        return Err(StsErrorKind::EmptyBody { status });
    }
    if let Some(ct) = content_type {
        if !contains_ignore_ascii_case(ct, "xml") {
            let mut content_type = heapless::String::new();
            // Content types are at most MAX_CONTENT_TYPE_LEN bytes in an HttpResponse.
            let _ = content_type.push_str(ct);
            return Err(StsErrorKind::WrongContentType {
                status,
                content_type,
            });
        }
    }
    let first = body.iter().find(|b| !is_xml_space(**b));
    if first != Some(&b'<') {
        return Err(StsErrorKind::NotXml { status });
    }
    let text = core::str::from_utf8(body).map_err(|_| malformed(XmlProblem::NotUtf8))?;
    let (root, r) = xml::extract(text, &PATHS).map_err(malformed)?;
    let response_root = match operation {
        Operation::AssumeRole => "AssumeRoleResponse",
        Operation::AssumeRoleWithWebIdentity => "AssumeRoleWithWebIdentityResponse",
        Operation::GetSessionToken => "GetSessionTokenResponse",
        Operation::GetCallerIdentity => "GetCallerIdentityResponse",
        Operation::GetFederationToken => "GetFederationTokenResponse",
    };
    if root == "ErrorResponse" {
        let code = r[ERROR_CODE].unwrap_or_default();
        let code = unescape::<MAX_ERROR_CODE_LEN>(code, "Error/Code", "MAX_ERROR_CODE_LEN")
            .map_err(malformed)?;
        if code.is_empty() {
            return Err(malformed(XmlProblem::Missing("Error/Code")));
        }
        let message = match r[ERROR_MESSAGE] {
            None => ErrorMessage::None,
            Some(raw) => match unescape::<MAX_ERROR_MESSAGE_LEN>(raw, "", "") {
                Ok(m) => ErrorMessage::Text(m),
                Err(XmlProblem::FieldTooLong(_)) => ErrorMessage::TooLong { len: raw.len() },
                Err(e) => return Err(malformed(e)),
            },
        };
        return Err(StsErrorKind::Service {
            status,
            code,
            message,
        });
    }
    if root != response_root {
        return Err(malformed(XmlProblem::UnexpectedRoot));
    }
    if !(200..300).contains(&status) {
        return Err(malformed(XmlProblem::Missing("ErrorResponse")));
    }
    Ok(r)
}

/// Reads an answer of `operation`: its credentials and user, and its `Expiration` as written.
fn read<'b>(
    operation: Operation,
    status: u16,
    content_type: Option<&str>,
    body: &'b [u8],
) -> Result<(AssumedRole, &'b str), StsErrorKind> {
    let malformed = |problem| StsErrorKind::Malformed { status, problem };
    let r = envelope(operation, status, content_type, body)?;
    // Fields are under `{Operation}Result`: each operation has its own run of paths. Who the
    // credentials are attributed to: GetSessionToken's go where `configure mfa-login` writes
    // them, the credentials file; GetFederationToken's are given the caller's provider by
    // `get_federation_token`.
    let (offset, provider) = match operation {
        Operation::AssumeRole => (0, ProviderKind::AssumeRole),
        Operation::AssumeRoleWithWebIdentity => (Field::COUNT, ProviderKind::WebIdentity),
        Operation::GetSessionToken => (2 * Field::COUNT, ProviderKind::SharedCredentialsFile),
        Operation::GetFederationToken => (3 * Field::COUNT, ProviderKind::SharedCredentialsFile),
        // Its answer holds no credentials: it has a reader of its own.
        Operation::GetCallerIdentity => return Err(malformed(XmlProblem::UnexpectedRoot)),
    };
    let field =
        |f: Field, name: &'static str| r[f as usize + offset].ok_or(XmlProblem::Missing(name));
    let read = || -> Result<(AssumedRole, &'b str), XmlProblem> {
        let akid = unescape::<MAX_ACCESS_KEY_ID_LEN>(
            field(Field::AccessKey, "Credentials/AccessKeyId")?,
            "the access key id",
            "MAX_ACCESS_KEY_ID_LEN",
        )?;
        let secret = unescape::<MAX_SECRET_ACCESS_KEY_LEN>(
            field(Field::Secret, "Credentials/SecretAccessKey")?,
            "the secret access key",
            "MAX_SECRET_ACCESS_KEY_LEN",
        )?;
        let token = unescape::<MAX_SESSION_TOKEN_LEN>(
            field(Field::Token, "Credentials/SessionToken")?,
            "the session token",
            "MAX_SESSION_TOKEN_LEN",
        )?;
        let expiration_text = field(Field::Expiration, "Credentials/Expiration")?;
        let expiration = parse_timestamp(expiration_text).ok_or(XmlProblem::BadExpiration)?;
        let user = match (
            r[Field::RoleId as usize + offset],
            r[Field::Arn as usize + offset],
        ) {
            (Some(id), Some(arn)) => Some(AssumedRoleUser {
                assumed_role_id: unescape(
                    id,
                    "AssumedRoleUser/AssumedRoleId",
                    "MAX_ASSUMED_ROLE_ID_LEN",
                )?,
                arn: unescape(arn, "AssumedRoleUser/Arn", "MAX_ARN_LEN")?,
            }),
            _ => None,
        };
        let account = user.as_ref().and_then(|u| account_id_of(&u.arn));
        let credentials = Credentials::new(
            provider,
            &akid,
            &secret,
            Some(&token),
            Some(expiration.unix),
            account,
        )
        .map_err(XmlProblem::FieldTooLong)?
        .with_expiration_form(expiration.form);
        Ok((AssumedRole { credentials, user }, expiration_text))
    };
    read().map_err(malformed)
}

/// A credential field of a result, by its place in [`result_paths!`]. [`PATHS`] holds
/// AssumeRole's fields first, then the same for AssumeRoleWithWebIdentity ([`Field::COUNT`] on),
/// GetSessionToken (`2 * Field::COUNT` on; its answer has no `AssumedRoleUser`, so those two
/// paths never match) and GetFederationToken (`3 * Field::COUNT` on; its user is
/// `FederatedUser`), then the error's code and message.
#[derive(Clone, Copy)]
enum Field {
    AccessKey,
    Secret,
    Token,
    Expiration,
    RoleId,
    Arn,
}

impl Field {
    /// The fields of one operation's result.
    const COUNT: usize = 6;
}

/// `Error/Code` and `Error/Message` in [`PATHS`], after the operations' fields.
const ERROR_CODE: usize = 4 * Field::COUNT;
const ERROR_MESSAGE: usize = ERROR_CODE + 1;
/// GetCallerIdentity's `UserId`, `Account` and `Arn` in [`PATHS`], after the error's.
const IDENTITY: usize = ERROR_MESSAGE + 1;

macro_rules! result_paths {
    ($root:literal, $result:literal) => {
        result_paths!($root, $result, "AssumedRoleUser", "AssumedRoleId")
    };
    ($root:literal, $result:literal, $user:literal, $id:literal) => {
        [
            &[$root, $result, "Credentials", "AccessKeyId"],
            &[$root, $result, "Credentials", "SecretAccessKey"],
            &[$root, $result, "Credentials", "SessionToken"],
            &[$root, $result, "Credentials", "Expiration"],
            &[$root, $result, $user, $id],
            &[$root, $result, $user, "Arn"],
        ]
    };
}

const PATHS: [&[&str]; IDENTITY + 3] = {
    let a: [&[&str]; Field::COUNT] = result_paths!("AssumeRoleResponse", "AssumeRoleResult");
    let w: [&[&str]; Field::COUNT] = result_paths!(
        "AssumeRoleWithWebIdentityResponse",
        "AssumeRoleWithWebIdentityResult"
    );
    let s: [&[&str]; Field::COUNT] =
        result_paths!("GetSessionTokenResponse", "GetSessionTokenResult");
    let f: [&[&str]; Field::COUNT] = result_paths!(
        "GetFederationTokenResponse",
        "GetFederationTokenResult",
        "FederatedUser",
        "FederatedUserId"
    );
    [
        a[0],
        a[1],
        a[2],
        a[3],
        a[4],
        a[5],
        w[0],
        w[1],
        w[2],
        w[3],
        w[4],
        w[5],
        s[0],
        s[1],
        s[2],
        s[3],
        s[4],
        s[5],
        f[0],
        f[1],
        f[2],
        f[3],
        f[4],
        f[5],
        &["ErrorResponse", "Error", "Code"],
        &["ErrorResponse", "Error", "Message"],
        &[
            "GetCallerIdentityResponse",
            "GetCallerIdentityResult",
            "UserId",
        ],
        &[
            "GetCallerIdentityResponse",
            "GetCallerIdentityResult",
            "Account",
        ],
        &[
            "GetCallerIdentityResponse",
            "GetCallerIdentityResult",
            "Arn",
        ],
    ]
};

fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDENTITY_ANSWER: &str = "<GetCallerIdentityResponse \
        xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
        <Arn>arn:aws:sts::123456789012:assumed-role/demo/s&amp;1</Arn>\
        <UserId>AROAEXAMPLE:s&amp;1</UserId><Account>123456789012</Account>\
        </GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId>\
        </ResponseMetadata></GetCallerIdentityResponse>";

    #[test]
    fn caller_identity_fields_unescaped() {
        let who = parse_caller_identity_response(200, Some("text/xml"), IDENTITY_ANSWER.as_bytes())
            .unwrap();
        assert_eq!(who.user_id, "AROAEXAMPLE:s&1");
        assert_eq!(who.account, "123456789012");
        assert_eq!(who.arn, "arn:aws:sts::123456789012:assumed-role/demo/s&1");
    }

    #[test]
    fn caller_identity_errors() {
        let parse =
            |status, body: &str| parse_caller_identity_response(status, None, body.as_bytes());
        // Each member is required.
        for name in ["UserId", "Account", "Arn"] {
            let open = std::format!("<{name}>");
            let start = IDENTITY_ANSWER.find(&open).unwrap();
            let end = IDENTITY_ANSWER.find(&std::format!("</{name}>")).unwrap() + name.len() + 3;
            let body = std::format!("{}{}", &IDENTITY_ANSWER[..start], &IDENTITY_ANSWER[end..]);
            assert_eq!(
                parse(200, &body),
                Err(StsErrorKind::Malformed {
                    status: 200,
                    problem: XmlProblem::Missing(name)
                }),
                "{name}"
            );
        }
        // STS's error answer, and another operation's answer.
        let refusal = "<ErrorResponse><Error><Code>ExpiredToken</Code><Message>m</Message>\
                       </Error></ErrorResponse>";
        assert!(matches!(
            parse(403, refusal),
            Err(StsErrorKind::Service { status: 403, ref code, .. }) if code == "ExpiredToken"
        ));
        let session = "<GetSessionTokenResponse><GetSessionTokenResult></GetSessionTokenResult>\
                       </GetSessionTokenResponse>";
        assert_eq!(
            parse(200, session),
            Err(StsErrorKind::Malformed {
                status: 200,
                problem: XmlProblem::UnexpectedRoot
            })
        );
        // Its answer holds no credentials for the credential readers.
        assert!(matches!(
            parse_response(
                Operation::GetCallerIdentity,
                200,
                None,
                IDENTITY_ANSWER.as_bytes()
            ),
            Err(StsErrorKind::Malformed {
                problem: XmlProblem::UnexpectedRoot,
                ..
            })
        ));
        // An account id longer than any is refused, naming its limit.
        let long = IDENTITY_ANSWER.replace(
            "123456789012</Account>",
            &std::format!("{}</Account>", "1".repeat(40)),
        );
        assert!(matches!(
            parse(200, &long),
            Err(StsErrorKind::Malformed {
                problem: XmlProblem::FieldTooLong(_),
                ..
            })
        ));
    }

    #[test]
    fn caller_identity_body_names_the_api_version() {
        let body = super::super::request::CALLER_IDENTITY_BODY;
        assert!(body.ends_with(super::super::API_VERSION), "{body}");
    }
}
