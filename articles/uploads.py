"""A photo upload kept between two tries of a form, for the person who made it.

When the photo form has errors elsewhere, the browser cannot send the file again, so the
file waits in storage under a random name and the form carries a signed token naming it.
The token is bound to the user and expires after a day; nothing else can name the file,
and a beat task (articles.tasks.sweep_pending_uploads) removes the files whose tokens have
expired.
"""

import datetime
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

SALT = "articles.photo-upload"
FOLDER = "uploads-pending"
MAX_AGE = 24 * 3600
# A file is written just before its token is signed: an hour more leaves no token alive.
SWEEP_AFTER = datetime.timedelta(seconds=MAX_AGE, hours=1)


@dataclass
class Pending:
    name: str
    token: str
    file: SimpleUploadedFile

    @property
    def filename(self) -> str:
        return PurePosixPath(self.name).name


def stash(upload, *, user) -> Pending:
    upload.seek(0)
    content = upload.read()
    upload.seek(0)
    name = default_storage.save(
        f"{FOLDER}/{secrets.token_urlsafe(12)}/{PurePosixPath(upload.name).name}",
        SimpleUploadedFile(upload.name, content),
    )
    token = signing.dumps({"name": name, "user": user.pk}, salt=SALT)
    file = SimpleUploadedFile(PurePosixPath(name).name, content, upload.content_type)
    return Pending(name=name, token=token, file=file)


def unstash(token: str, *, user) -> Pending | None:
    """Return the kept upload the token names, if it is this user's and still there."""
    if not token or user is None:
        return None
    try:
        value = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    name = value.get("name", "")
    if value.get("user") != user.pk or not name.startswith(f"{FOLDER}/"):
        return None
    if not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as kept:
        content = kept.read()
    kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
    file = SimpleUploadedFile(PurePosixPath(name).name, content, kind)
    return Pending(name=name, token=token, file=file)


def discard(pending: Pending) -> None:
    default_storage.delete(pending.name)


def sweep(*, now: datetime.datetime | None = None) -> int:
    """Remove the kept uploads no token can name any more; return how many files went."""
    cutoff = (now or timezone.now()) - SWEEP_AFTER
    try:
        slots, _ = default_storage.listdir(FOLDER)
    except FileNotFoundError:  # nothing was ever kept
        return 0
    removed = 0
    for slot in slots:
        folder = f"{FOLDER}/{slot}"
        _, names = default_storage.listdir(folder)
        for name in names:
            if default_storage.get_modified_time(f"{folder}/{name}") < cutoff:
                default_storage.delete(f"{folder}/{name}")
                removed += 1
        if default_storage.listdir(folder) == ([], []):
            default_storage.delete(folder)  # a filesystem's empty folder (object stores have none)
    return removed
