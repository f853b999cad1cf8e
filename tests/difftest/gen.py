"""The generator of cases: shared config and credentials files, other files under HOME, the
environment and the global options, from a seed.

A case is a plain JSON-able dict:

    {"files": {"<path under HOME>": {"text": "...", "mode": 420}},
     "env":   {"NAME": "value"},
     "argv":  ["--profile", "dev", "--region", "eu-west-1"],
     "tags":  ["what the case contains", ...]}

Texts and values may hold @HOME@ (the case's home directory) and @MOCK@ (the mock's URL),
replaced when the case is written out (case.py). The tags name the shapes in the case; the
classifier (classify.py) reads them to tell a deliberate difference from a bug.
"""

import hashlib
import json
import random
import string

from mock import SSO_TOKEN_PREFIX, BAD_WEB_TOKEN, secret_for, token_for

NAMES = ["default", "dev", "prod", "base", "ci", "Dev", "team.a", "x-1", "ops", "my team"]
MISSING = "nosuch"
REGIONS = ["us-west-2", "eu-central-1", "ap-south-1", "us-east-1", "sa-east-1"]
ROLE_NAMES = ["admin", "reader", "deploy", "audit"]
KINDS = [
    ("static-credentials", 14),
    ("static-config", 8),
    ("static-both", 4),
    ("partial", 3),
    ("role", 22),
    ("role-env", 4),
    ("role-bad-source", 2),
    ("web-identity", 6),
    ("process", 10),
    ("sso", 6),
    ("login", 3),
    ("plain", 6),
]


def _weighted(rng, pairs):
    total = sum(w for _, w in pairs)
    x = rng.uniform(0, total)
    for item, w in pairs:
        x -= w
        if x <= 0:
            return item
    return pairs[-1][0]


def _key(rng, prefix="AKIA"):
    return prefix + "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(16))


def _arn(rng, role=None):
    return "arn:aws:iam::123456789012:role/" + (role or rng.choice(ROLE_NAMES))


def assume_role_cache_name(args):
    """The AWS CLI's ~/.aws/cli/cache file name for these AssumeRole arguments."""
    return hashlib.sha1(json.dumps(args, sort_keys=True).encode()).hexdigest() + ".json"


class Gen:
    def __init__(self, seed, index):
        self.rng = random.Random(f"difftest:{seed}:{index}")
        self.tags = set()
        self.files = {}
        self.env = {}

    def tag(self, *names):
        self.tags.update(names)

    # -- profiles ----------------------------------------------------------------------

    def static_keys(self, with_token=None):
        rng = self.rng
        ak = _key(rng)
        secret = secret_for(ak)
        if rng.random() < 0.05:
            secret = "wrongsecret" + ak
            self.tag("wrong-secret")
        token = None
        if with_token is None:
            with_token = rng.random() < 0.3
        if with_token:
            token = "statictoken" + ak
        return ak, secret, token

    def config_keys(self):
        """Static keys as the config file holds them: the key pairs, then the token (when one is
        drawn) as aws_session_token."""
        ak, sk, tok = self.static_keys()
        pairs = [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
        if tok:
            pairs.append(("aws_session_token", tok))
        return pairs

    def profile(self, name, names, kind=None, source=None):
        """The settings of one profile: (config keys, credentials keys), each a list of pairs."""
        rng = self.rng
        kind = kind or _weighted(rng, KINDS)
        self.tag("kind:" + kind)
        conf, cred = [], []
        if rng.random() < 0.45:
            conf.append(("region", rng.choice(REGIONS)))
        if kind == "static-credentials":
            ak, sk, tok = self.static_keys()
            cred += [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
            if tok:
                cred.append((rng.choice(["aws_session_token", "aws_security_token"]), tok))
        elif kind == "static-config":
            conf += self.config_keys()
        elif kind == "static-both":
            ak, sk, _ = self.static_keys(False)
            cred += [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
            conf += self.config_keys()
        elif kind == "partial":
            ak, sk, tok = self.static_keys(True)
            where = rng.choice(["ak-only-cred", "ak-cred-sk-config", "sk-only-config", "token-cred"])
            self.tag("partial:" + where)
            if where == "ak-only-cred":
                cred.append(("aws_access_key_id", ak))
            elif where == "ak-cred-sk-config":
                cred.append(("aws_access_key_id", ak))
                conf.append(("aws_secret_access_key", sk))
            elif where == "sk-only-config":
                conf.append(("aws_secret_access_key", sk))
            else:
                conf += [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
                cred.append(("aws_session_token", tok))
        elif kind in ("role", "role-env", "role-bad-source"):
            conf.append(("role_arn", _arn(rng)))
            if kind == "role":
                later = names[names.index(name) + 1 :]
                if source:
                    src = source
                elif later and rng.random() < 0.7:
                    src = rng.choice(later)  # no cycle through this link
                else:
                    src = rng.choice(names + [name] + ([MISSING] if rng.random() < 0.2 else []))
                if src == name:
                    self.tag("role:self-source")
                conf.append(("source_profile", src))
                if rng.random() < 0.05:
                    conf.append(("credential_source", "Environment"))
                    self.tag("role:both-sources")
            elif kind == "role-env":
                conf.append(("credential_source", rng.choice(["Environment", "EcsContainer"])))
            else:
                conf.append(("credential_source", rng.choice(["Bogus", "environment", ""])))
            if rng.random() < 0.25:
                conf.append(("external_id", rng.choice(["ext-1", "ext 2", "x" * 10])))
            if rng.random() < 0.25:
                conf.append(
                    ("role_session_name", rng.choice(["sess", "my-session", "bad name", "s"]))
                )
            if rng.random() < 0.2:
                duration = rng.choice(["3600", "900", "43200", "60", "abc", "1e3"])
                conf.append(("duration_seconds", duration))
                if not duration.isdigit():
                    self.tag("role:duration-not-integer")
            if rng.random() < 0.15:
                # static keys next to role_arn: the role wins, or they serve a self-reference
                ak, sk, _ = self.static_keys(False)
                cred += [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
                self.tag("role:with-static-keys")
        elif kind == "web-identity":
            path = f"tokens/{name}.jwt"
            token = "webtoken-" + name
            if rng.random() < 0.1:
                token = BAD_WEB_TOKEN
            if rng.random() < 0.9:
                self.files[path] = {"text": token}
            else:
                self.tag("web-identity:missing-file")
            conf.append(("web_identity_token_file", "@HOME@/" + path))
            if rng.random() < 0.9:
                conf.append(("role_arn", _arn(rng)))
            if rng.random() < 0.3:
                conf.append(("role_session_name", rng.choice(["wsess", "bad name"])))
        elif kind == "process":
            conf.append(("credential_process", self.process_command(name)))
        elif kind == "sso":
            self.sso_profile(name, conf)
        elif kind == "login":
            # A console-login profile only where another provider answers first: the
            # credentials file (login comes after it in botocore's profile providers).
            conf.append(("login_session", "arn:aws:iam::123456789012:user/" + name))
            ak, sk, _ = self.static_keys(False)
            cred += [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
        if rng.random() < 0.1:
            conf.append(("output", rng.choice(["json", "text"])))
        return conf, cred

    def process_command(self, name):
        rng = self.rng
        ak = _key(rng, rng.choice(["AKIA", "ASIA"]))
        body = {"Version": 1, "AccessKeyId": ak, "SecretAccessKey": secret_for(ak)}
        if ak.startswith("ASIA"):
            body["SessionToken"] = token_for(ak)
        if rng.random() < 0.3:
            body["Expiration"] = "2099-01-01T00:00:00Z"
        exit_code = 0
        r = rng.random()
        if r < 0.05:
            body["Version"] = 2
            self.tag("process:version-2")
        elif r < 0.08:
            del body["SecretAccessKey"]
            self.tag("process:missing-secret")
        elif r < 0.11:
            exit_code = 3
            self.tag("process:exit-nonzero")
        elif r < 0.13:
            body["Expiration"] = "2001-01-01T00:00:00Z"
            self.tag("process:expired")
        elif r < 0.15:
            body["Version"] = 1.0
            self.tag("process:version-float")
        text = json.dumps(body, indent=rng.choice([None, 2]))
        if rng.random() < 0.03:
            text = "not json"
            self.tag("process:not-json")
        directory = "bin"
        if rng.random() < 0.15:
            directory = "my bin"  # a space: the command must be quoted
            self.tag("process:space-in-path")
        path = f"{directory}/proc-{name.replace('.', '_').replace(' ', '_')}.sh"
        self.files[path] = {
            "text": "#!/bin/sh\ncat <<'EOF'\n%s\nEOF\nexit %d\n" % (text, exit_code),
            "mode": 0o755,
        }
        style = rng.choice(["direct", "sh", "quoted", "single-quoted", "argument"])
        self.tag("process:" + style)
        if style == "direct":
            return "@HOME@/" + path
        if style == "sh":
            return "sh @HOME@/" + path
        if style == "single-quoted":
            return "'@HOME@/%s'" % path
        if style == "argument":
            return "/bin/sh -c 'cat \"$0\" | sh' \"@HOME@/%s\"" % path
        return "'/bin/sh' \"@HOME@/%s\"" % path

    def sso_profile(self, name, conf):
        rng = self.rng
        account = "111122223333"
        role = rng.choice(["ReadOnly", "Admin"])
        token_ok = rng.random() < 0.85
        token = (SSO_TOKEN_PREFIX if token_ok else "unknown-") + name
        if rng.random() < 0.6:
            session = "sess-" + name.replace(".", "")
            conf.append(("sso_session", session))
            self.sso_sections.append(
                (session, [("sso_start_url", "https://d-abc.awsapps.com/start"), ("sso_region", "us-east-1")])
            )
            cache_key = session
            self.tag("sso:session")
        else:
            url = "https://d-%s.awsapps.com/start" % name.replace(".", "")
            conf += [("sso_start_url", url), ("sso_region", "us-east-1")]
            cache_key = url
            self.tag("sso:legacy")
        if rng.random() < 0.9:
            conf += [("sso_account_id", account), ("sso_role_name", role)]
        else:
            self.tag("sso:token-only")
        if rng.random() < 0.9:
            digest = hashlib.sha1(cache_key.encode()).hexdigest()
            self.files[f".aws/sso/cache/{digest}.json"] = {
                "text": json.dumps(
                    {
                        "startUrl": "https://d-abc.awsapps.com/start",
                        "region": "us-east-1",
                        "accessToken": token,
                        "expiresAt": "2099-01-01T00:00:00Z",
                    }
                )
            }
        else:
            self.tag("sso:no-cached-token")

    # -- rendering ---------------------------------------------------------------------

    def render_key(self, key):
        rng = self.rng
        r = rng.random()
        if r < 0.08:
            self.tag("syntax:key-case")
            return key.upper()
        if r < 0.12:
            self.tag("syntax:key-case")
            return key.title()
        return key

    def render_pair(self, key, value):
        rng = self.rng
        sep = _weighted(rng, [(" = ", 10), ("=", 3), (" =  ", 1), (": ", 1), ("\t=\t", 1)])
        if sep == ": ":
            self.tag("syntax:colon")
        lines = []
        v = value
        if v and rng.random() < 0.04:
            v = v + rng.choice([" # note", " ;note"])
            self.tag("syntax:inline-comment")
            if key.startswith("aws_") or key in ("source_profile", "role_arn"):
                self.tag("syntax:inline-comment-in-credential")
        if v and len(v) > 6 and rng.random() < 0.03:
            cut = rng.randrange(1, len(v) - 1)
            v = v[:cut] + "\n  " + v[cut:]
            self.tag("syntax:multiline-value")
            if key.startswith("aws_"):
                self.tag("syntax:multiline-credential")
        if rng.random() < 0.05:
            v = v + rng.choice([" ", "\t"])
            self.tag("syntax:trailing-space")
        lines.append(self.render_key(key) + sep + v)
        return lines

    def render_section(self, header, pairs):
        rng = self.rng
        out = [header]
        if rng.random() < 0.1:
            out.append(rng.choice(["# a comment", "; a comment", "# a comment", "  # indented comment"]))
            self.tag("syntax:comment")
        for k, v in pairs:
            out += self.render_pair(k, v)
            if rng.random() < 0.04:
                out.append("")
        if rng.random() < 0.08:
            out += ["s3 =", "  max_concurrent_requests = 10", "  addressing_style = path"]
            self.tag("syntax:nested")
        return out

    def config_header(self, name):
        rng = self.rng
        if name == "default" and rng.random() < 0.8:
            return rng.choice(["[default]"] * 16 + ["[profile default]"] * 3 + ["[Default]"])
        r = rng.random()
        if r < 0.82:
            return f"[profile {name}]"
        self.tag("syntax:odd-header")
        return rng.choice(
            [
                f"[profile  {name}]",
                f"[Profile {name}]",
                f'[profile "{name}"]',
                f"[profile {name}] ; trailing",
                f"[ profile {name} ]",
                f"[profile\t{name}]",
                f"[{name}]",
            ]
        )

    def credentials_header(self, name):
        rng = self.rng
        if rng.random() < 0.93:
            return f"[{name}]"
        self.tag("syntax:odd-header")
        return rng.choice([f"[profile {name}]", f"[{name}] # c", f"[ {name}]"])

    # -- the whole case ----------------------------------------------------------------

    def case(self):
        rng = self.rng
        self.sso_sections = []
        count = rng.choice([1, 2, 2, 3, 3, 4, 5, 6])
        names = rng.sample(NAMES, count)
        if "default" not in names and rng.random() < 0.5:
            names[0] = "default"
        config, credentials = [], []
        profiles = {}
        chain = []
        if count > 1 and rng.random() < 0.4:
            # a linear role chain: names[0] -> names[1] -> ... -> names[depth]
            depth = rng.randint(1, min(4, count - 1))
            chain = names[: depth + 1]
            self.tag("chain:depth-%d" % depth)
        for i, name in enumerate(names):
            if i < len(chain) - 1:
                profiles[name] = self.profile(name, names, "role", chain[i + 1])
            else:
                profiles[name] = self.profile(name, names)
        order = names[:]
        rng.shuffle(order)
        for name in order:
            conf, cred = profiles[name]
            # a profile's keys may land in either file when it has only a region etc.
            if conf or rng.random() < 0.3:
                config += self.render_section(self.config_header(name), conf)
            if cred:
                credentials += self.render_section(self.credentials_header(name), cred)
        for session, pairs in self.sso_sections:
            config += self.render_section(f"[sso-session {session}]", pairs)
        if rng.random() < 0.07:
            pairs = [("region", rng.choice(REGIONS))]
            if rng.random() < 0.4:
                ak, sk, _ = self.static_keys(False)
                pairs = [("aws_access_key_id", ak), ("aws_secret_access_key", sk)]
            where = rng.choice(["config", "credentials"])
            self.tag("syntax:DEFAULT", "syntax:DEFAULT-" + where)
            target = config if where == "config" else credentials
            target[:0] = self.render_section("[DEFAULT]", pairs)
        if rng.random() < 0.03 and config:
            # the same section twice
            self.tag("syntax:duplicate-section")
            config += [config[0]]
        if rng.random() < 0.05:
            self.tag("syntax:leading-comment")
            config[:0] = ["# generated", ""]
        config_text = "\n".join(config) + ("\n" if rng.random() < 0.9 else "")
        cred_text = "\n".join(credentials) + "\n"
        if rng.random() < 0.01:
            config_text = "\ufeff" + config_text
            self.tag("syntax:bom")
        config_path, cred_path = ".aws/config", ".aws/credentials"
        if rng.random() < 0.05:
            config_path = "alt/config"
            self.env["AWS_CONFIG_FILE"] = "@HOME@/alt/config"
            self.tag("env:config-file")
        elif rng.random() < 0.01:
            self.env["AWS_CONFIG_FILE"] = ""
            self.tag("env:config-file-empty")
        if rng.random() < 0.04:
            cred_path = "alt/creds"
            self.env["AWS_SHARED_CREDENTIALS_FILE"] = "@HOME@/alt/creds"
            self.tag("env:credentials-file")
        if config or rng.random() < 0.5:
            self.files[config_path] = {"text": config_text}
        if credentials or rng.random() < 0.3:
            self.files[cred_path] = {"text": cred_text}
        self.environment(names)
        argv = self.options(names)
        self.seed_cache(profiles)
        return {
            "files": self.files,
            "env": self.env,
            "argv": argv,
            "tags": sorted(self.tags),
        }

    def pick_profile(self, names):
        rng = self.rng
        return _weighted(rng, [(rng.choice(names), 12), (MISSING, 1), ("", 1), ("default", 2)])

    def environment(self, names):
        rng = self.rng
        env = self.env
        env["AWS_EC2_METADATA_DISABLED"] = "true"
        if rng.random() < 0.85:
            env["AWS_ENDPOINT_URL_STS"] = "@MOCK@"
        else:
            env["AWS_ENDPOINT_URL"] = "@MOCK@"
            self.tag("env:endpoint-url-global")
        env["AWS_ENDPOINT_URL_SSO"] = "@MOCK@"
        r = rng.random()
        if r < 0.2:
            ak, sk, tok = self.static_keys()
            env["AWS_ACCESS_KEY_ID"] = ak
            env["AWS_SECRET_ACCESS_KEY"] = sk
            if tok:
                env[rng.choice(["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"])] = tok
            elif rng.random() < 0.1:
                env["AWS_SESSION_TOKEN"] = ""
                self.tag("env:empty-token")
            self.tag("env:keys")
        elif r < 0.25:
            ak, sk, _ = self.static_keys(False)
            which = rng.choice(["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"])
            env[which] = ak if which == "AWS_ACCESS_KEY_ID" else sk
            other = "AWS_SECRET_ACCESS_KEY" if which == "AWS_ACCESS_KEY_ID" else "AWS_ACCESS_KEY_ID"
            if rng.random() < 0.5:
                env[other] = ""
            self.tag("env:partial-keys")
        if rng.random() < 0.3:
            env["AWS_PROFILE"] = self.pick_profile(names)
            self.tag("env:AWS_PROFILE")
        if rng.random() < 0.2:
            env["AWS_DEFAULT_PROFILE"] = self.pick_profile(names)
            self.tag("env:AWS_DEFAULT_PROFILE")
        if rng.random() < 0.2:
            env["AWS_REGION"] = rng.choice(REGIONS + ["", "us west 2"])
            self.tag("env:AWS_REGION")
        if rng.random() < 0.15:
            env["AWS_DEFAULT_REGION"] = rng.choice(REGIONS + [""])
            self.tag("env:AWS_DEFAULT_REGION")
        if env.get("AWS_REGION") == "" or env.get("AWS_DEFAULT_REGION") == "":
            self.tag("env:empty-region")
        if rng.random() < 0.12:
            # the container endpoint, on the loopback mock
            env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "@MOCK@/container/" + rng.choice(["a", "b"])
            if rng.random() < 0.4:
                env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ctoken"
            self.tag("env:container")
        if rng.random() < 0.1:
            self.files["envtoken.jwt"] = {"text": "webtoken-env"}
            env["AWS_WEB_IDENTITY_TOKEN_FILE"] = "@HOME@/envtoken.jwt"
            if rng.random() < 0.9:
                env["AWS_ROLE_ARN"] = _arn(rng, "envrole")
            if rng.random() < 0.3:
                env["AWS_ROLE_SESSION_NAME"] = "envsession"
            self.tag("env:web-identity")

    def options(self, names):
        rng = self.rng
        argv = []
        if rng.random() < 0.4:
            argv += ["--profile", self.pick_profile(names)]
            self.tag("argv:profile")
        if rng.random() < 0.15:
            argv += ["--region", rng.choice(REGIONS)]
            self.tag("argv:region")
        return argv

    def seed_cache(self, profiles):
        """Sometimes an assume-role cache entry the AWS CLI would have written, for a role
        whose arguments are the RoleArn alone (plus the profile's options)."""
        rng = self.rng
        if rng.random() > 0.15:
            return
        roles = [
            conf
            for conf, _ in profiles.values()
            if any(k == "role_arn" for k, _ in conf) and any(k == "source_profile" for k, _ in conf)
        ]
        if not roles:
            return
        conf = dict(rng.choice(roles))
        args = {"RoleArn": conf["role_arn"]}
        if "role_session_name" in conf:
            args["RoleSessionName"] = conf["role_session_name"]
        if "external_id" in conf:
            args["ExternalId"] = conf["external_id"]
        if "duration_seconds" in conf:
            if not conf["duration_seconds"].isdigit():
                return
            args["DurationSeconds"] = int(conf["duration_seconds"])
        ak = _key(rng, "ASIA")
        expired = rng.random() < 0.3
        body = {
            "Credentials": {
                "AccessKeyId": ak,
                "SecretAccessKey": secret_for(ak),
                "SessionToken": token_for(ak),
                "Expiration": "2001-01-01T00:00:00+00:00" if expired else "2099-01-02T03:04:05+00:00",
            },
            "AssumedRoleUser": {"AssumedRoleId": "AROACACHED:s", "Arn": "arn:aws:sts::123456789012:assumed-role/r/s"},
        }
        self.files[".aws/cli/cache/" + assume_role_cache_name(args)] = {"text": json.dumps(body)}
        self.tag("cache:seeded", "cache:expired" if expired else "cache:fresh")


def generate(seed, index):
    return Gen(seed, index).case()
