"""Django admin: every activity write goes through the services, so it has its history row
(origin "admin") and its triggers, like a change made anywhere else."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.principal import Actor, Origin

from . import services
from .models import Activity, Customer, HistoryEntry


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("reference", "title", "business_unit", "activity_type", "status", "scheduled_start")
    list_filter = ("status", "business_unit")
    search_fields = ("reference", "title")
    readonly_fields = ("status", "closed_at", "cancelled_at", "cancel_reason", "billing_locked_at")
    fields = (
        "business_unit",
        "reference",
        "title",
        "activity_type",
        "customer",
        "address",
        "postal_code",
        "city",
        "scheduled_start",
        "scheduled_end",
        "assignees",
        "comment",
        "custom_fields",
        "billing_lines",
        *readonly_fields,
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*self.readonly_fields, "business_unit") if obj else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        actor = Actor(user=request.user, origin=Origin.ADMIN)  # type: ignore[arg-type]
        data = form.cleaned_data
        if change:
            changed = {name: data[name] for name in form.changed_data if name in services.EDITABLE_FIELDS}
            assignees = data["assignees"] if "assignees" in form.changed_data else None
            services.activity_update(activity=obj, actor=actor, data=changed, assignees=assignees)
            return
        created = services.activity_create(
            business_unit=data["business_unit"],
            actor=actor,
            activity_type=data["activity_type"],
            customer=data.get("customer"),
            title=data["title"],
            reference=data.get("reference") or "",
            address=data.get("address") or "",
            postal_code=data.get("postal_code") or "",
            city=data.get("city") or "",
            scheduled_start=data.get("scheduled_start"),
            scheduled_end=data.get("scheduled_end"),
            comment=data.get("comment") or "",
            custom_fields=data.get("custom_fields"),
            billing_lines=data.get("billing_lines") or None,
            assignees=data.get("assignees") or (),
        )
        obj.pk = created.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Assignees were written by the service, with their history.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("reference", "display_name", "business_unit", "kind", "city")
    list_filter = ("kind", "business_unit")
    search_fields = ("reference", "name", "last_name")


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "activity", "kind", "actor_label", "origin")
    list_filter = ("kind", "origin")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
