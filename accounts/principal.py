"""Who is acting, for which business unit, with which role: the one object views pass down."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .models import Role

if TYPE_CHECKING:
    from .models import ApiKey, BusinessUnit, User


class Origin:
    WEB = "web"
    API = "api"
    ADMIN = "admin"
    IMPORT = "import"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    """The author of a change, written on every history row."""

    user: User | None = None
    api_key: ApiKey | None = None
    origin: str = Origin.SYSTEM

    @property
    def kind(self) -> str:
        if self.api_key is not None:
            return "api_key"
        if self.user is not None:
            return "user"
        return "system"

    @property
    def label(self) -> str:
        if self.api_key is not None:
            return f"API: {self.api_key.name}"
        if self.user is not None:
            return str(self.user)
        return "Système"


SYSTEM = Actor()


@dataclass(frozen=True)
class Principal:
    business_unit: BusinessUnit
    role: str
    user: User | None = None
    api_key: ApiKey | None = None
    origin: str = Origin.WEB

    @property
    def actor(self) -> Actor:
        return Actor(user=self.user, api_key=self.api_key, origin=self.origin)

    # Capabilities, in one place (product/cadulis.md section 9).
    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage_catalog(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage_triggers(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_manage_connection(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_plan(self) -> bool:
        """Create, edit, schedule, cancel any activity of the business unit."""
        return self.role in (Role.ADMIN, Role.SUPERVISOR)

    @property
    def can_force_triggers(self) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR)

    @property
    def can_edit_customers(self) -> bool:
        return self.role in (Role.ADMIN, Role.SUPERVISOR)

    @property
    def is_field_worker(self) -> bool:
        return self.role == Role.FIELD_WORKER

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.ACCOUNTANT
