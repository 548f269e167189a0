"""The thin receiver: a saved activity and its previous values go to the engine."""

from typing import Any

from activities.models import Activity

from . import engine


def activity_post_save(
    sender: type[Activity], instance: Activity, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:  # fixtures
        return
    engine.activity_saved(instance, created=created, previous=instance.loaded_values)
