"""A local-memory mail backend that also records how many messages each connection sent."""

from django.core.mail.backends.locmem import EmailBackend

opened: list[int] = []


class CountingBackend(EmailBackend):
    def open(self):
        if getattr(self, "_count", None) is None:
            self._count = 0
            opened.append(0)
        return True

    def close(self):
        if getattr(self, "_count", None) is not None:
            opened[-1] = self._count
            self._count = None

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if getattr(self, "_count", None) is not None:
            self._count += sent
        return sent


class UnreachableBackend(EmailBackend):
    """A mail server that cannot be reached."""

    def open(self):
        raise ConnectionRefusedError("Connection refused")

    def send_messages(self, messages):
        self.open()
