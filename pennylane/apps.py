from django.apps import AppConfig


class PennylaneConfig(AppConfig):
    name = "pennylane"
    verbose_name = "Pennylane"
