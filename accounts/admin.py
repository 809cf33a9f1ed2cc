"""django-otp's own device admins are left out: staff enrol on their own page, and a lost
device is reset from /admin/2fa/reset/ (accounts.views.reset), which Editors can reach
without seeing the accounts admin that stays for superusers."""

from django.contrib import admin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
