from django.apps import AppConfig


class TriggersConfig(AppConfig):
    name = "triggers"
    verbose_name = "Déclenchements"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from activities.models import Activity

        from . import receivers, signals
        from .models import Trigger

        post_save.connect(
            signals.activity_post_save, sender=Activity, dispatch_uid="triggers_activity_post_save"
        )
        post_save.connect(receivers.trigger_changed, sender=Trigger, dispatch_uid="triggers_trigger_saved")
        post_delete.connect(
            receivers.trigger_changed, sender=Trigger, dispatch_uid="triggers_trigger_deleted"
        )
        receivers.connect_pennylane()
