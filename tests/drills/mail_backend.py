"""A mail backend for drills: appends one line per message to a file a test can read.

With DRILL_HANG_AT=N the backend stops before handing over message N (counting from 1)
and waits to be killed, so a test can kill a worker in the middle of a send.
"""

import fcntl
import os
import time
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend


class RecordingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        path = Path(os.environ["DRILL_MAIL_FILE"])
        hang_at = int(os.environ.get("DRILL_HANG_AT") or 0)
        for message in email_messages:
            sent = len(path.read_text().splitlines()) if path.exists() else 0
            if hang_at and sent + 1 >= hang_at:
                Path(f"{path}.hanging").write_text(",".join(message.to))
                time.sleep(3600)
            with open(path, "a") as file:
                fcntl.flock(file, fcntl.LOCK_EX)
                file.write(f"{','.join(message.to)}\t{message.subject}\n")
                file.flush()
                os.fsync(file.fileno())
        return len(email_messages)
