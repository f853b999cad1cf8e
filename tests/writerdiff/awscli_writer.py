"""The AWS CLI's writer over a batch of (file, edit) pairs: the Python side of the writer's
differential test (core/tests/writer_diff.rs, run by tests/writerdiff/run).

    awscli_writer.py CASES.json RESULTS.json

CASES.json is a list of {"text": str or null, "section": str, "changes": [[key, value]]}, a
value being a string or a list of [sub-key, value] pairs (a nested value, given to the writer
as a dict in that order); null text: no file. Each edit
is made by awscli's ConfigFileWriter.update_config (awscli/customizations/configure/writer.py,
the AWS CLI v1 package from PyPI, whose writer is the v2 branch's but for removals) on a file of
its own in a temporary directory, written and read back as bytes, so line ends and a BOM reach
the writer as they are. RESULTS.json gets, per case, {"ok": true, "out": str} or {"ok": false,
"type": the exception's class name, "error": its message}. Run with -X utf8: the writer opens
the file in text mode, and the test's files are UTF-8.
"""

import json
import os
import sys
import tempfile

from awscli.customizations.configure.writer import ConfigFileWriter


def run_case(writer, directory, n, case):
    path = os.path.join(directory, f"case{n}", "config")
    if case["text"] is not None:
        os.makedirs(os.path.dirname(path))
        with open(path, "wb") as f:
            f.write(case["text"].encode("utf-8"))
    values = {"__section__": case["section"]}
    for key, value in case["changes"]:
        values[key] = value if isinstance(value, str) else dict(value)
    try:
        writer.update_config(values, path)
    except Exception as e:  # noqa: BLE001 - every failure is an answer to compare
        return {"ok": False, "type": type(e).__name__, "error": str(e)}
    with open(path, "rb") as f:
        return {"ok": True, "out": f.read().decode("utf-8")}


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: awscli_writer.py CASES.json RESULTS.json")
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    writer = ConfigFileWriter()
    with tempfile.TemporaryDirectory(prefix="writerdiff.") as directory:
        results = [run_case(writer, directory, n, case) for n, case in enumerate(cases)]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
