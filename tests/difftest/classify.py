"""Which deliberate difference, if any, explains a disagreement.

docs/quirks.md has a section "## Where credchain differs from the AWS CLI on purpose"; each
entry there names an id in backticks, `differs:NAME`. A disagreement is deliberate when the
shape of its case (the generator's tags, see gen.py) matches a rule below whose id that section
lists. Any other disagreement fails the run.
"""

import re

SECTION = "## Where credchain differs from the AWS CLI on purpose"

# (id, the fields it may explain, a test on the case's tags and both tools' answers)
RULES = [
    (
        # credchain refuses a setting of the chain (a key, role_arn, an sso_* setting, the
        # region) written over several lines; botocore keeps the newline in the value.
        "differs:multiline-value",
        {"credentials"},
        lambda tags, answers: "syntax:multiline-value" in tags
        and not answers["credchain"]["credentials"]["ok"]
        and answers["botocore"]["credentials"]["ok"],
    ),
    (
        # AWS_REGION="" or AWS_DEFAULT_REGION="": the AWS CLI's region chain stops at the
        # empty value (botocore/configprovider.py EnvironmentProvider); credchain counts it
        # as unset and goes on down the chain.
        "differs:empty-region-variable",
        {"region"},
        lambda tags, answers: "env:empty-region" in tags
        and answers["botocore"]["region"].get("value") == "",
    ),
    (
        # The same variable with no other region: botocore signs STS for the region "";
        # credchain has no region to sign with and refuses the call.
        "differs:empty-region-variable",
        {"credentials"},
        lambda tags, answers: "env:empty-region" in tags
        and answers["botocore"]["region"].get("value") == ""
        and answers["botocore"]["credentials"]["ok"]
        and "no region for STS" in answers["credchain"]["credentials"].get("error", ""),
    ),
    (
        # The same variable over a region of the profile that is not a region: botocore stops
        # at "" and never reads it; credchain takes it, the next source, and refuses it.
        "differs:empty-region-variable",
        {"credentials"},
        lambda tags, answers: "env:empty-region" in tags
        and answers["botocore"]["region"].get("value") == ""
        and answers["botocore"]["credentials"]["ok"]
        and "invalid region" in answers["credchain"]["credentials"].get("error", "")
        and answers["credchain"]["region"].get("value") not in (None, ""),
    ),
]


def documented_ids(quirks_text):
    """The ids listed in the deliberate-difference section of docs/quirks.md."""
    start = quirks_text.find(SECTION)
    if start < 0:
        return set()
    rest = quirks_text[start + len(SECTION) :]
    end = re.search(r"^## ", rest, re.M)
    section = rest[: end.start()] if end else rest
    return set(re.findall(r"`(differs:[a-z0-9-]+)`", section))


def classify(tags, answers, field):
    """The ids of the rules that match this case and field, in RULES order."""
    tags = set(tags)
    return [rid for rid, fields, test in RULES if field in fields and test(tags, answers)]
