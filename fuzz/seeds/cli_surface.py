#!/usr/bin/env python3
"""Writes a seed corpus for the cli_surface fuzz target into fuzz/corpus/cli_surface/.

Each seed is the target's input format: a flags byte, then sections separated by 0xFF (argv
entries separated by 0x00, `NAME=VALUE` environment entries separated by 0x00, the config
file, the credentials file, then lists separated by 0xFE: other files, HTTP answers, process
outputs, prompt answers, standard input's lines). Run from fuzz/: python3 seeds/cli_surface.py
"""
import os

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus", "cli_surface")

KEYS = "[default]\naws_access_key_id = AKIDEXAMPLE0001\naws_secret_access_key = s\n"
NO_IMDS = ["AWS_EC2_METADATA_DISABLED=true"]
CREDS_JSON = (
    '{"Version": 1, "AccessKeyId": "AKIDPROCESS001", "SecretAccessKey": "s", '
    '"SessionToken": "t", "Expiration": "2026-12-01T06:00:00Z"}'
)
STS = (
    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE0001</AccessKeyId>"
    "<SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>"
    "<Expiration>2026-12-01T06:00:00Z</Expiration></Credentials></AssumeRoleResult>"
    "</AssumeRoleResponse>"
)
WEB_STS = STS.replace("AssumeRole", "AssumeRoleWithWebIdentity")
SSO_TOKEN = (
    '{"startUrl": "https://example.awsapps.com/start", "region": "us-east-1", '
    '"accessToken": "tok", "expiresAt": "2026-12-01T06:00:00Z"}'
)
PORTAL = (
    '{"roleCredentials": {"accessKeyId": "ASIASSO0001", "secretAccessKey": "s", '
    '"sessionToken": "t", "expiration": 1796100000000}}'
)
CONTAINER = (
    '{"AccessKeyId": "ASIACONT0001", "SecretAccessKey": "s", "Token": "t", '
    '"Expiration": "2026-12-01T06:00:00Z"}'
)
IMDS = (
    '{"Code": "Success", "AccessKeyId": "ASIAIMDS0001", "SecretAccessKey": "s", '
    '"Token": "t", "Expiration": "2026-12-01T06:00:00Z"}'
)
ROLE = (
    "[profile r]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n"
    "region = eu-west-1\n"
)
SSO = (
    "[profile s]\nsso_session = x\nsso_account_id = 123456789012\nsso_role_name = R\n"
    "region = us-east-1\n[sso-session x]\nsso_start_url = https://example.awsapps.com/start\n"
    "sso_region = us-east-1\n"
)


def seed(flags=0, argv=(), env=(), config=None, credentials=None, others=(), http=(),
         outputs=(), prompts=(), stdin=()):
    sections = [
        b"\0".join(a.encode() for a in argv),
        b"\0".join(e.encode() for e in env),
    ]
    files = [config, credentials]
    lists = [others, http, outputs, prompts, stdin]
    while lists and not lists[-1]:
        lists.pop()
    if lists or credentials is not None or config is not None:
        sections += [(f or "").encode() for f in files]
    sections += [b"\xfe".join(x.encode() if isinstance(x, str) else x for x in l) for l in lists]
    return bytes([flags]) + b"\xff".join(sections)


SEEDS = [
    seed(argv=["configure", "list"], env=NO_IMDS, config="[default]\nregion = us-east-1\n",
         credentials=KEYS),
    seed(argv=["configure", "get", "region"], config="[default]\nregion = us-east-1\n"),
    seed(argv=["configure", "get", "s3.max_concurrent_requests", "--profile", "p"],
         config="[profile p]\ns3 =\n  max_concurrent_requests = 20\n"),
    seed(argv=["configure", "list-profiles"], config="[profile a]\n[profile b]\n",
         credentials=KEYS),
    seed(argv=["--dialect", "sdk", "configure", "list"], env=NO_IMDS,
         config="[default]\nregion = us-east-1 ; comment\n", credentials=KEYS),
    seed(argv=["export-credentials", "--format", "env"], env=NO_IMDS, credentials=KEYS),
    seed(argv=["export-credentials", "--format", "process"],
         env=["AWS_ACCESS_KEY_ID=AKIDENV00001", "AWS_SECRET_ACCESS_KEY=s",
              "AWS_SESSION_TOKEN=t"]),
    seed(argv=["explain", "--format", "json", "--profile", "r"], env=NO_IMDS, config=ROLE,
         credentials=KEYS, http=[STS]),
    seed(argv=["explain", "--profile", "r"], env=NO_IMDS, config=ROLE, credentials=KEYS,
         http=[b"\x08" + b"<ErrorResponse><Error><Code>Throttling</Code></Error></ErrorResponse>",
               STS]),
    seed(flags=0x20, argv=["exec", "--profile", "r", "--", "env"], env=NO_IMDS, config=ROLE,
         credentials=KEYS, http=[STS]),
    seed(argv=["exec", "--", "missing-program"], env=NO_IMDS, credentials=KEYS),
    seed(argv=["export-credentials", "--profile", "p"], env=NO_IMDS,
         config="[profile p]\ncredential_process = /bin/helper --flag\n", outputs=[CREDS_JSON]),
    seed(argv=["export-credentials", "--profile", "m"], env=NO_IMDS,
         config="[profile m]\nrole_arn = arn:aws:iam::123456789012:role/r\nsource_profile = default\n"
                "mfa_serial = arn:aws:iam::123456789012:mfa/u\n",
         credentials=KEYS, others=[b"\0"], http=[STS], prompts=["123456"]),
    seed(argv=["export-credentials"],
         env=NO_IMDS + ["AWS_ROLE_ARN=arn:aws:iam::123456789012:role/w",
                        "AWS_WEB_IDENTITY_TOKEN_FILE=/tmp/token"],
         others=[b"\0", "eyJhbGciOi.token"], http=[WEB_STS]),
    seed(argv=["export-credentials", "--profile", "s"], env=NO_IMDS, config=SSO,
         others=[SSO_TOKEN], http=[PORTAL]),
    seed(argv=["export-token", "--profile", "s"], env=NO_IMDS, config=SSO, others=[SSO_TOKEN]),
    seed(argv=["export-credentials", "--format", "fish"],
         env=NO_IMDS + ["AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1/creds",
                        "AWS_CONTAINER_AUTHORIZATION_TOKEN=abc"],
         http=[CONTAINER]),
    seed(argv=["configure", "list"], http=["imds-token", "my-role", IMDS]),
    seed(argv=["explain"], env=["AWS_PROFILE=nope"], config="[default]\n"),
    seed(argv=["export-credentials", "--profile", "l"], env=NO_IMDS,
         config="[profile l]\nlogin_session = arn:aws:iam::123456789012:user/u\nregion = us-east-1\n",
         others=['{"accessToken": {"accessKeyId": "ASIALOGIN01", "secretAccessKey": "s", '
                 '"sessionToken": "t", "accountId": "123456789012", '
                 '"expiresAt": "2026-12-01T06:00:00Z"}, "refreshToken": "r", "clientId": "c", '
                 '"dpopKey": "k"}']),
    seed(flags=1, argv=["configure", "list"], env=["USERPROFILE=C:\\Users\\fuzz"]),
    seed(argv=["--help"]),
    seed(argv=["configure", "set", "s3.addressing_style", "path", "--profile", "p"],
         config="# c\n[profile p]\ns3 =\n  max_concurrent_requests = 10\n", credentials=KEYS),
    seed(argv=["configure", "set", "aws_session_token", "tok", "--profile", "my p"],
         credentials=KEYS),
    seed(argv=["configure", "set", "sso_region", "us-east-1", "--sso-session", "x"], config=SSO),
    seed(argv=["configure"], credentials=KEYS,
         stdin=["ASIAEXAMPLE0001", "", "token", "eu-west-1", "json"]),
    seed(argv=["configure", "--profile", "new"], stdin=["AKIDNEW", "s", "", ""]),
    seed(argv=["configure", "import", "--csv",
               "\ufeffUser name,Password,Access key ID,Secret access key,Console login link\r\n"
               "u,pw,AKIDU,s,https://x\r\n"], credentials=KEYS),
    seed(argv=["configure", "get"]),
]


def main():
    os.makedirs(OUT, exist_ok=True)
    for i, data in enumerate(SEEDS):
        with open(os.path.join(OUT, "seed-%02d" % i), "wb") as f:
            f.write(data)
    print("%d seeds in %s" % (len(SEEDS), os.path.normpath(OUT)))


if __name__ == "__main__":
    main()
