from decimal import Decimal

import factory
from django.utils import timezone

from support.models import Donation, Donor, Frequency, Payment


class DonorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donor

    email = factory.Sequence(lambda n: f"donor{n}@example.org")


class DonationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Donation

    donor = factory.SubFactory(DonorFactory)
    amount = Decimal("2")
    frequency = Frequency.MONTHLY
    status = Donation.Status.ACTIVE
    placement = "end_of_article"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payment

    donation = factory.SubFactory(DonationFactory)
    kind = Payment.Kind.INITIAL
    amount = factory.LazyAttribute(lambda p: p.donation.amount)
    paid_at = factory.LazyFunction(timezone.now)
