from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Firing, Trigger


@admin.register(Trigger)
class TriggerAdmin(admin.ModelAdmin):
    """Read-only here: triggers are edited in "Paramètres > Déclenchements" (validated settings)."""

    list_display = ("name", "business_unit", "activity_type", "trigger_type", "event", "active")
    list_filter = ("active", "trigger_type", "business_unit")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Firing)
class FiringAdmin(admin.ModelAdmin):
    list_display = ("id", "trigger_name", "activity", "status", "attempts", "created_at")
    list_filter = ("status", "trigger_type")
    readonly_fields = [f.name for f in Firing._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
