from django.urls import include, path

from . import control, oauth, screens

urlpatterns = [
    path("oauth/authorize", oauth.authorize),
    path("oauth/token", oauth.token),
    # The spec's securityScheme names this URL (probably a typo of the guide's /oauth/token).
    path("oauth/oauth/token", oauth.token),
    path("oauth/revoke", oauth.revoke),
    path("api/external/v2/", include("sandbox.api.urls")),
    path("__sandbox__/reset", control.reset),
    path("__sandbox__/faults", control.faults),
    path("__sandbox__/force_429", control.force_429),
    path("__sandbox__/expire_access_token", control.expire_access_token),
    path("__sandbox__/revoke_all", control.revoke_all),
    path("__sandbox__/lose_next_token_response", control.lose_next_token_response),
    path("__sandbox__/tokens", control.tokens),
    path("__sandbox__/ledger", control.ledger),
    path("__sandbox__/emails", control.emails),
    path("__sandbox__/stats", control.stats),
    path("__sandbox__/pdf_delay", control.pdf_delay),
    path("__sandbox__/numbering", control.numbering),
    path("", screens.home),
    path("companies/<slug:key>/invoices/", screens.invoices),
    path("companies/<slug:key>/quotes/", screens.quotes),
    path("companies/<slug:key>/customers/", screens.customers),
    path("companies/<slug:key>/emails/", screens.emails),
    path("companies/<slug:key>/settings/", screens.company_settings),
    path("public/<str:kind>/<str:token>/", screens.public_document),
]
