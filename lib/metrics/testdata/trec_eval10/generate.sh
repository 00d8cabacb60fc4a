#!/usr/bin/env bash
# Rebuilds expected/ and checks the reference exit codes of cases.json with
# trec_eval 10.0 built from source:
#   git clone https://github.com/usnistgov/trec_eval && git -C trec_eval checkout f425365
#   make -C trec_eval && TREC_EVAL=$PWD/trec_eval/trec_eval bash generate.sh
set -euo pipefail
cd "$(dirname "$0")"
: "${TREC_EVAL:?set TREC_EVAL to a trec_eval 10.0 binary}"
mkdir -p expected
python3 - "$TREC_EVAL" <<'PY'
import json, subprocess, sys
ref = sys.argv[1]
for case in json.load(open("cases.json"))["cases"]:
    p = subprocess.run([ref, *case["args"]], capture_output=True)
    if case.get("same"):
        assert p.returncode == 0, case["name"]
        lines = [l for l in p.stdout.split(b"\n") if l and not l.startswith(b"relstring")]
        open(f"expected/{case['name']}.out", "wb").write(b"\n".join(lines) + b"\n")
    else:
        code = p.returncode if p.returncode >= 0 else 128 - p.returncode
        assert code == case["reference_exit"], (case["name"], code)
    print(case["name"], "reference exit", p.returncode)
PY
