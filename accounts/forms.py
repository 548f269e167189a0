from pathlib import Path
from typing import Any

import django.forms
from django import forms
from django.conf import settings
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .models import Role


class UIFormRenderer(DjangoTemplates):
    """Django's form templates, plus one wrapper <div> per field so grids lay fields out whole."""

    field_template_name = "accounts/_field.html"

    @cached_property
    def engine(self):  # type: ignore[override]
        return self.backend(
            {
                "APP_DIRS": False,
                "DIRS": [
                    Path(settings.BASE_DIR) / "templates",
                    Path(django.forms.__file__).parent / "templates",
                ],
                "NAME": "uiforms",
                "OPTIONS": {},
            }
        )


class UIForm(forms.Form):
    default_renderer = UIFormRenderer

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class ApiKeyForm(UIForm):
    name = forms.CharField(label=_("Nom"), max_length=100)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.SUPERVISOR)


class MemberAddForm(UIForm):
    username = forms.CharField(label=_("Identifiant"), max_length=150)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.FIELD_WORKER)
    first_name = forms.CharField(label=_("Prénom"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password = forms.CharField(
        label=_("Mot de passe (nouvel utilisateur)"),
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Laissez vide pour ajouter un utilisateur existant."),
    )


class MemberRoleForm(UIForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class SwitchBusinessUnitForm(forms.Form):
    business_unit = forms.IntegerField()
