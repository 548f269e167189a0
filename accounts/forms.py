from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Role


class ApiKeyForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=100)
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.SUPERVISOR)


class MemberAddForm(forms.Form):
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


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)


class SwitchBusinessUnitForm(forms.Form):
    business_unit = forms.IntegerField()
