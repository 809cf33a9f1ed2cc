"""Settings for processes the drills start: the project's, with the recording mail backend."""

from newsroom.settings import *  # noqa: F403

EMAIL_BACKEND = "tests.drills.mail_backend.RecordingBackend"
