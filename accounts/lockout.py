"""Admin login lockout (django-axes), with a success that forgives only one's own failures.

Axes' own reset on success deletes every failure that matches any lockout parameter of
the login, which includes the whole network's failures: four guesses at an editor's
password, then a good login to one's own account, and the count starts again, for ever.
Here a good login clears only that username's failures from that network.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt


class LoginAttemptHandler(AxesDatabaseHandler):
    def reset_user_attempts(self, request, credentials=None) -> int:
        username = get_client_username(request, credentials)
        own = AccessAttempt.objects.filter(username=username, ip_address=request.axes_ip_address)
        count, _ = own.delete()
        return count
