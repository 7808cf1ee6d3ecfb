#!/usr/bin/env python3
"""pip-audit of requirements.txt that says plainly what it could not audit.

pip-audit exits 0 and prints "No known vulnerabilities found" even when its vulnerability
service knew none of the packages (a private index or mirror: every package is then skipped as
"Dependency not found on PyPI"). That is not a pass, so this wrapper reads pip-audit's JSON
report and:
- fails (exit 1) on any known vulnerability, listing each with its fix version;
- fails (exit 2) if pip-audit itself cannot run (no network to the service, a bad file);
- prints how many packages were audited and how many were skipped, naming the skipped ones;
  with PIP_AUDIT_REQUIRE_ALL=1 a skipped package fails the check too (exit 3): set it where
  the machine reaches pypi.org's vulnerability service.

Usage: scripts/pip_audit_check.py [requirements file] (default requirements.txt)
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main() -> int:
    requirements = sys.argv[1] if len(sys.argv) > 1 else "requirements.txt"
    pip_audit = Path(sys.executable).with_name("pip-audit")
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "report.json"
        # Every requirement is pinned exactly, so pip need not resolve anything: --no-deps
        # --disable-pip audits the listed versions as they are (runtime requirements only:
        # the test tools never reach production).
        command = [
            str(pip_audit), "-r", requirements, "--no-deps", "--disable-pip",
            "--progress-spinner", "off", "-f", "json", "-o", str(report_path),
        ]  # fmt: skip
        completed = subprocess.run(command, capture_output=True, text=True)  # nosec B603: a fixed command
        if not report_path.exists():
            sys.stderr.write(completed.stderr)
            print(f"pip-audit could not run (exit {completed.returncode}).")
            return 2
        report = json.loads(report_path.read_text())

    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if "skip_reason" in d]
    audited = [d for d in dependencies if "skip_reason" not in d]
    vulnerable = [d for d in audited if d.get("vulns")]
    for dependency in vulnerable:
        for vuln in dependency["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} "
                  f"(fixed in {fixes})")  # fmt: skip
    print(
        f"pip-audit {requirements}: {len(audited)} audited, {len(vulnerable)} vulnerable, "
        f"{len(skipped)} skipped (could not be audited)."
    )
    if skipped:
        print("Skipped: " + ", ".join(d["name"] for d in skipped))
        reason = skipped[0]["skip_reason"]
        print(f"  e.g. {reason}")
        print(
            "  The vulnerability service does not know these packages (this machine's package "
            "index is a mirror): they are NOT known to be safe. Audit them where pypi.org is "
            "reachable, with PIP_AUDIT_REQUIRE_ALL=1."
        )
    if vulnerable:
        return 1
    if skipped and os.environ.get("PIP_AUDIT_REQUIRE_ALL") == "1":
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
