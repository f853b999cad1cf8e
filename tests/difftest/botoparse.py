"""What botocore reads from pairs of profile files, as the AWS CLI v2 reads them.

Reads a JSON list of [config_path, credentials_path] pairs from stdin; writes a JSON list, one
entry a pair: {"profiles": ..., "sso_sessions": ...} as `session.full_config` holds them (the
config file's profiles, with the credentials file's merged over them by name; sub-properties as
objects), or {"error": "ExceptionName"} when botocore refuses the files. The AWS CLI v2 reads
both files this way before any command (awscli/clidriver.py, create_clidriver, reads
session.full_config). One process for all pairs: core/tests/profile_parser.rs runs it.
"""

import json
import os
import sys

import botocore.session


def read(config, credentials):
    os.environ["AWS_CONFIG_FILE"] = config
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = credentials
    try:
        full = botocore.session.Session().full_config
        return {
            "profiles": full.get("profiles", {}),
            "sso_sessions": full.get("sso_sessions", {}),
        }
    except Exception as error:  # what the AWS CLI would stop with
        return {"error": type(error).__name__}


def main():
    pairs = json.load(sys.stdin)
    json.dump([read(config, credentials) for config, credentials in pairs], sys.stdout)


if __name__ == "__main__":
    main()
