from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def home(request: HttpRequest) -> HttpResponse:
    principal = getattr(request, "principal", None)
    if principal is not None and principal.is_field_worker:
        return redirect("activities:today")
    return redirect("activities:list")
