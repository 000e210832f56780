from django.apps import AppConfig


class MegilanceConfig(AppConfig):
    name = "megilance"
    verbose_name = "MegiLance"
