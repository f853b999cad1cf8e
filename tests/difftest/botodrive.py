"""Drive botocore (the pinned PyPI release) as the AWS CLI v2 drives it, in this process.

What the AWS CLI v2 does before a command, and so what this does for each case:
- a fresh botocore Session over the case's environment (os.environ replaced);
- the profile from AWS_PROFILE, then AWS_DEFAULT_PROFILE (the CLI's bundled botocore,
  awscli/botocore/configprovider.py; PyPI botocore reads them the other way round);
- the region chain of awscli/clidriver.py `_construct_cli_region_chain`: --region, AWS_REGION,
  AWS_DEFAULT_REGION, the profile's `region` (its last link, IMDS, is off in every case);
- both files parsed before any command (`session.full_config`, which create_clidriver reads to
  load plugins): a file that cannot be parsed fails every command;
- `--profile P` applied with `session.set_config_variable('profile', P)` when P is not empty,
  `--region R` likewise (clidriver `_handle_top_level_args`);
- the assume-role cache: JSONFileCache(~/.aws/cli/cache) on the assume-role and web identity
  providers (awscli/customizations/assumerole.py, on session-initialized);
- `configure export-credentials`: session.get_credentials(), then the frozen credentials
  (awscli/customizations/configure/exportcreds.py);
- `configure get region`: get_scoped_config().get('region') (configure/get.py).
"""

import os

import botocore.credentials
import botocore.loaders
import botocore.session
import botocore.tokens
from botocore.configprovider import ChainProvider, EnvironmentProvider, InstanceVarProvider
from botocore.configprovider import ScopedConfigProvider
from botocore.exceptions import ProfileNotFound

# One loader for every session: it only caches the (read-only) service models.
_LOADER = botocore.loaders.create_loader()


def parse_argv(argv):
    opts = {}
    i = 0
    while i < len(argv):
        if argv[i] in ("--profile", "--region") and i + 1 < len(argv):
            opts[argv[i][2:]] = argv[i + 1]
            i += 2
        else:
            raise ValueError(f"unknown global option {argv[i]}")
    return opts


def _failure(e):
    return {"ok": False, "error": f"{type(e).__name__}: {e}"[:500]}


def _chain(session, name, variables, *rest):
    """The AWS CLI's chain for a setting: the session's own value (set from --profile or
    --region), then each of the variables in order, then `rest`."""
    env = [EnvironmentProvider(name=variable, env=os.environ) for variable in variables]
    instance = InstanceVarProvider(instance_var=name, session=session)
    return ChainProvider(providers=[instance, *env, *rest])


def run(env, argv):
    """Answer one case: {"credentials": ..., "region_get": ..., "region": ...}."""
    os.environ.clear()
    os.environ.update(env)
    home = env["HOME"]
    # Class attributes the AWS CLI computes from HOME when it is imported.
    sso_cache = os.path.join(home, ".aws", "sso", "cache")
    botocore.credentials.SSOProvider._SSO_TOKEN_CACHE_DIR = sso_cache
    botocore.tokens.SSOTokenProvider._SSO_TOKEN_CACHE_DIR = sso_cache
    opts = parse_argv(argv)

    session = botocore.session.Session()
    session.register_component("data_loader", _LOADER)
    store = session.get_component("config_store")
    store.set_config_provider(
        "profile", _chain(session, "profile", ["AWS_PROFILE", "AWS_DEFAULT_PROFILE"])
    )
    store.set_config_provider(
        "region",
        _chain(
            session,
            "region",
            ["AWS_REGION", "AWS_DEFAULT_REGION"],
            ScopedConfigProvider(config_var_name="region", session=session),
        ),
    )
    try:
        session.full_config
    except Exception as e:  # the CLI fails before any command
        f = _failure(e)
        return {"credentials": f, "region_get": f, "region": f}
    if opts.get("profile"):
        session.set_config_variable("profile", opts["profile"])
    if opts.get("region"):
        session.set_config_variable("region", opts["region"])
    try:
        chain = session.get_component("credential_provider")
    except ProfileNotFound:
        pass
    else:
        cache_dir = os.path.join(home, ".aws", "cli", "cache")
        chain.get_provider("assume-role").cache = botocore.credentials.JSONFileCache(cache_dir)
        chain.get_provider("assume-role-with-web-identity").cache = (
            botocore.credentials.JSONFileCache(cache_dir)
        )

    out = {}
    try:
        creds = session.get_credentials()
        if creds is None:
            out["credentials"] = {"ok": False, "error": "no credentials found"}
        else:
            frozen = creds.get_frozen_credentials()
            out["credentials"] = {
                "ok": True,
                "AccessKeyId": frozen.access_key,
                "SecretAccessKey": frozen.secret_key,
                "SessionToken": frozen.token,
            }
    except Exception as e:
        out["credentials"] = _failure(e)
    try:
        value = session.get_scoped_config().get("region")
        out["region_get"] = {"ok": True, "value": value if isinstance(value, str) else None}
    except Exception as e:
        out["region_get"] = _failure(e)
    try:
        value = session.get_config_variable("region")
        out["region"] = {"ok": True, "value": value if isinstance(value, str) else None}
    except Exception as e:
        out["region"] = _failure(e)
    return out
