from django.contrib import admin

from .models import BillingDocument, CustomerLink, PennylaneConnection


@admin.register(PennylaneConnection)
class PennylaneConnectionAdmin(admin.ModelAdmin):
    # Tokens are excluded: the admin never shows, not even encrypted, what opens Pennylane.
    exclude = ["access_token_encrypted", "refresh_token_encrypted"]
    list_display = [
        "business_unit",
        "status",
        "company_name",
        "expires_at",
        "last_success_at",
        "last_error_at",
    ]
    list_filter = ["status"]
    readonly_fields = [
        "business_unit",
        "status",
        "company_id",
        "company_name",
        "scopes",
        "expires_at",
        "refresh_expires_at",
        "connected_by",
        "connected_at",
        "last_refreshed_at",
        "last_success_at",
        "last_error",
        "last_error_at",
    ]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False  # connections are made through OAuth only


@admin.register(CustomerLink)
class CustomerLinkAdmin(admin.ModelAdmin):
    list_display = ["customer", "company_id", "pennylane_customer_id", "business_unit"]
    raw_id_fields = ["customer"]


@admin.register(BillingDocument)
class BillingDocumentAdmin(admin.ModelAdmin):
    list_display = [
        "external_reference",
        "kind",
        "number",
        "status",
        "draft",
        "amount_incl_tax",
        "business_unit",
    ]
    list_filter = ["kind", "draft", "status"]
    raw_id_fields = ["activity"]
    search_fields = ["external_reference", "number"]
