"""Appeals and fundraising settings show on reader pages: a change stales those pages.

(Gifts do not: the goal meter is its own small document, /support/goal.json.)
"""

from django.db.models.signals import post_delete, post_save

from support.models import (
    Appeal,
    AppealLadderAmount,
    LadderAmount,
    SiteCurrency,
    SupportSettings,
)


def _appeals_changed(sender, **kwargs):
    from support.experiments import weights_changed
    from support.services import appeals_changed

    appeals_changed()
    weights_changed()


for _model in (Appeal, AppealLadderAmount, SupportSettings, SiteCurrency, LadderAmount):
    post_save.connect(_appeals_changed, sender=_model, dispatch_uid=f"pages-{_model.__name__}")
    post_delete.connect(
        _appeals_changed, sender=_model, dispatch_uid=f"pages-del-{_model.__name__}"
    )
