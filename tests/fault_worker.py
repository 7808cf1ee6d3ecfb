"""The Celery app of the fault tests (tests/test_faults.py): QAF's own app, unchanged, with faults
injected into the mail backend when these environment variables are set. Production never
imports this module; the tests start `celery -A tests.fault_worker worker`.

QAF_FAULT_DIR         where e-mail attempts are counted (a file, so the count survives a restart)
QAF_FAULT_SEND_DELAY  seconds each e-mail takes to send (a slow mail server)
QAF_FAULT_FAIL_FIRST  the first N attempts raise SMTPException (a mail server that is down)
QAF_FAULT_HANG_AT     the Nth attempt never finishes; the file "hanging" says it has started
                      (the test then kills the worker in the middle of its job)
"""

import os
import time
from pathlib import Path
from smtplib import SMTPException

from django.core.mail.backends import filebased

from qaf.celery import app

__all__ = ["app"]

_send_messages = filebased.EmailBackend.send_messages


def _count_attempt(fault_dir: Path) -> int:
    """This attempt's number, counting every attempt of every worker started on `fault_dir`."""
    with (fault_dir / "attempts").open("a+") as attempts:
        attempts.write("attempt\n")
        attempts.flush()
        attempts.seek(0)
        return len(attempts.readlines())


def _send_messages_with_faults(self, email_messages):
    fault_dir = Path(os.environ["QAF_FAULT_DIR"])
    attempt = _count_attempt(fault_dir)
    time.sleep(float(os.environ.get("QAF_FAULT_SEND_DELAY", "0")))
    if attempt == int(os.environ.get("QAF_FAULT_HANG_AT", "0")):
        (fault_dir / "hanging").write_text(str(attempt))
        time.sleep(3600)  # until killed
    if attempt <= int(os.environ.get("QAF_FAULT_FAIL_FIRST", "0")):
        raise SMTPException(f"fault test: the mail server is down (attempt {attempt})")
    return _send_messages(self, email_messages)


if os.environ.get("QAF_FAULT_DIR"):
    filebased.EmailBackend.send_messages = _send_messages_with_faults
