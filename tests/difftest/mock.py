"""A loopback mock of STS and the IAM Identity Center portal for the differential test.

It listens on 127.0.0.1 (an ephemeral port) and answers deterministically from the request, so
two tools that send equivalent requests get the same credentials:

- STS AssumeRole (SigV4-signed POST, Query protocol): the signature is recomputed with the secret
  of the caller's access key (every secret in a generated case is `secret_for(access_key)`, the
  mock's own keys included) and a bad one is refused with STS's 403 SignatureDoesNotMatch. The
  credentials are derived from RoleArn, the caller's access key, ExternalId, SerialNumber and
  DurationSeconds, never from RoleSessionName (the tools generate different default names).
- STS AssumeRoleWithWebIdentity (unsigned): derived from RoleArn and the token.
- The container credentials endpoint (GET /container/<name>): derived from the name and the
  Authorization header.
- The portal's GetRoleCredentials (GET /federation/credentials, bearer token header): derived
  from the token, the role name and the account id; a token the generator did not issue is 401.

Every answer expires in 2099. The server stops by itself after `lifetime` seconds.
"""

import hashlib
import hmac
import json
import os
import sys
import threading
import urllib.parse

_TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if _TESTS not in sys.path:
    sys.path.append(_TESTS)

import loopback  # noqa: E402

ACCOUNT = "123456789012"
EXPIRATION = "2099-01-01T00:00:00Z"
EXPIRATION_MS = 4070908800000  # 2099-01-01T00:00:00Z
# Tokens the generator writes into SSO caches start with this; others are refused.
SSO_TOKEN_PREFIX = "ssotoken-"
# Web identity tokens containing this are refused (AccessDenied).
BAD_WEB_TOKEN = "rejected"


def _h(*parts):
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def secret_for(access_key):
    """The one secret that goes with an access key, for static keys and issued ones alike."""
    return "sk" + _h("secret", access_key)[:38]


def token_for(access_key):
    return "tok" + _h("token", access_key)[:60]


def issued_key(*parts):
    return "ASIA" + _h("key", *parts)[:16].upper()


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def _sts_error(code, message, status):
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        "<RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
    )
    return status, "text/xml", body


def _sts_ok(action, access_key, role_arn, session_name, extra=""):
    creds = (
        f"<Credentials><AccessKeyId>{access_key}</AccessKeyId>"
        f"<SecretAccessKey>{secret_for(access_key)}</SecretAccessKey>"
        f"<SessionToken>{token_for(access_key)}</SessionToken>"
        f"<Expiration>{EXPIRATION}</Expiration></Credentials>"
    )
    role_name = role_arn.rsplit("/", 1)[-1]
    user = (
        f"<AssumedRoleUser><AssumedRoleId>AROA{access_key[4:]}:{session_name}</AssumedRoleId>"
        f"<Arn>arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/{session_name}</Arn></AssumedRoleUser>"
    )
    body = (
        f'<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        f"<{action}Result>{creds}{user}{extra}</{action}Result>"
        "<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000001</RequestId>"
        f"</ResponseMetadata></{action}Response>"
    )
    return 200, "text/xml", body


class Mock(loopback.Server):
    """The server and a log of the calls it answered (for the case directories)."""

    def __init__(self, lifetime=900.0):
        self.calls = []
        self._lock = threading.Lock()
        super().__init__(self._respond, lifetime, timeout=10)

    def _respond(self, req, body):
        if req.command == "POST":
            status, ctype, text = self.answer_post(req, body)
        else:
            status, ctype, text = self.answer_get(req)
        loopback.reply(req, status, {"Content-Type": ctype}, text.encode())

    def log(self, what):
        with self._lock:
            self.calls.append(what)

    def take_log(self):
        with self._lock:
            calls, self.calls = self.calls, []
        return calls

    # -- STS -------------------------------------------------------------------------------

    def answer_post(self, req, body):
        try:
            form = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        except UnicodeDecodeError:
            return _sts_error("InvalidParameterValue", "body is not text", 400)
        action = form.get("Action")
        if action == "AssumeRoleWithWebIdentity":
            return self._web_identity(form)
        if action == "AssumeRole":
            return self._assume_role(req, body, form)
        return _sts_error("InvalidAction", f"unknown action {action}", 400)

    def _check_common(self, form):
        arn = form.get("RoleArn", "")
        name = form.get("RoleSessionName", "")
        if not arn.startswith("arn:aws:iam::") or ":role/" not in arn:
            return _sts_error("ValidationError", "invalid RoleArn", 400)
        if not (2 <= len(name) <= 64) or any(
            not (c.isascii() and (c.isalnum() or c in "+=,.@-_")) for c in name
        ):
            return _sts_error("ValidationError", "invalid RoleSessionName", 400)
        duration = form.get("DurationSeconds")
        if duration is not None:
            if not duration.isdigit() or not 900 <= int(duration) <= 43200:
                return _sts_error("ValidationError", "invalid DurationSeconds", 400)
        return None

    def _web_identity(self, form):
        bad = self._check_common(form)
        token = form.get("WebIdentityToken", "")
        arn = form.get("RoleArn", "")
        self.log({"action": "AssumeRoleWithWebIdentity", "RoleArn": arn})
        if bad:
            return bad
        if not token or BAD_WEB_TOKEN in token:
            return _sts_error("AccessDenied", "the token is not trusted", 403)
        key = issued_key("web", arn, token, form.get("DurationSeconds", ""))
        return _sts_ok(
            "AssumeRoleWithWebIdentity",
            key,
            arn,
            form["RoleSessionName"],
            "<SubjectFromWebIdentityToken>sub</SubjectFromWebIdentityToken>",
        )

    def _assume_role(self, req, body, form):
        caller, why = verify_sigv4(req.command, req.path, req.headers, body)
        arn = form.get("RoleArn", "")
        self.log({"action": "AssumeRole", "RoleArn": arn, "caller": caller, "refused": why})
        if why:
            return _sts_error("SignatureDoesNotMatch", why, 403)
        bad = self._check_common(form)
        if bad:
            return bad
        key = issued_key(
            "role",
            arn,
            caller,
            form.get("ExternalId", "-"),
            form.get("SerialNumber", "-"),
            form.get("TokenCode", "-"),
            form.get("DurationSeconds", "-"),
            form.get("Policy", "-"),
        )
        return _sts_ok("AssumeRole", key, arn, form["RoleSessionName"])

    # -- the SSO portal --------------------------------------------------------------------

    def answer_get(self, req):
        url = urllib.parse.urlsplit(req.path)
        query = dict(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
        token = req.headers.get("x-amz-sso_bearer_token", "")
        self.log({"action": "GetRoleCredentials", "query": query})
        if url.path.startswith("/container/"):
            auth = req.headers.get("Authorization", "")
            self.log({"action": "ContainerCredentials", "path": url.path})
            key = issued_key("container", url.path, auth)
            body = {
                "AccessKeyId": key,
                "SecretAccessKey": secret_for(key),
                "Token": token_for(key),
                "Expiration": EXPIRATION,
            }
            return 200, "application/json", json.dumps(body)
        if url.path != "/federation/credentials":
            return 404, "application/json", '{"message": "not found"}'
        if not token.startswith(SSO_TOKEN_PREFIX):
            return (
                401,
                "application/json",
                '{"__type": "UnauthorizedException", "message": "Session token not found or invalid"}',
            )
        key = issued_key("sso", token, query.get("role_name", ""), query.get("account_id", ""))
        body = {
            "roleCredentials": {
                "accessKeyId": key,
                "secretAccessKey": secret_for(key),
                "sessionToken": token_for(key),
                "expiration": EXPIRATION_MS,
            }
        }
        return 200, "application/json", json.dumps(body)


def verify_sigv4(method, path, headers, body):
    """Check a SigV4 Authorization header. Returns (access key, None) or (access key, why)."""
    auth = headers.get("Authorization", "")
    if not auth.startswith("AWS4-HMAC-SHA256 "):
        return "", "the request is not signed with AWS4-HMAC-SHA256"
    fields = {}
    for part in auth[len("AWS4-HMAC-SHA256 ") :].split(","):
        k, _, v = part.strip().partition("=")
        fields[k] = v
    try:
        access_key, date, region, service, terminal = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        signature = fields["Signature"]
    except (KeyError, ValueError):
        return "", "malformed Authorization header"
    amz_date = headers.get("X-Amz-Date", "")
    if service != "sts" or terminal != "aws4_request" or not amz_date.startswith(date):
        return access_key, "bad credential scope"
    if "host" not in signed:
        return access_key, "host is not signed"
    if access_key.startswith("ASIA"):
        if headers.get("X-Amz-Security-Token") != token_for(access_key):
            return access_key, "the security token does not go with the access key"
        if "x-amz-security-token" not in signed:
            return access_key, "the security token is not signed"
    url = urllib.parse.urlsplit(path)
    query = sorted(urllib.parse.parse_qsl(url.query, keep_blank_values=True))
    canonical_query = "&".join(
        urllib.parse.quote(k, safe="-_.~") + "=" + urllib.parse.quote(v, safe="-_.~")
        for k, v in query
    )
    canonical_headers = ""
    for name in signed:
        value = headers.get(name)
        if value is None:
            return access_key, f"signed header {name} is missing"
        canonical_headers += name + ":" + " ".join(value.split()) + "\n"
    canonical = "\n".join(
        [
            method,
            urllib.parse.quote(url.path or "/", safe="/-_.~"),
            canonical_query,
            canonical_headers,
            ";".join(signed),
            hashlib.sha256(body).hexdigest(),
        ]
    )
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = ("AWS4" + secret_for(access_key)).encode()
    for part in (date, region, service, "aws4_request"):
        key = _hmac(key, part)
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return access_key, "the signature does not match"
    return access_key, None
