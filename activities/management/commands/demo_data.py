"""`manage.py demo_data [--if-empty]`: a demo business unit with users, catalog, customers and activities.

Everything goes through the services, so the activities have their history. Running it twice
creates nothing twice: an existing "Démo Plomberie" business unit is left as it is.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import BusinessUnit, Membership, Role, User
from accounts.principal import Actor, Origin
from activities import services
from activities.models import Activity, Customer
from activities.status import Action, CancelReason
from catalog.models import ActivityType
from catalog.services import activity_type_create

BU_CODE = "demo-plomberie"
BU_NAME = "Démo Plomberie"
URL = "http://127.0.0.1:8000/"
USERS = [
    # username, password, role, first name, last name
    ("admin", "admin-demo-1", Role.ADMIN, "Alice", "Martin"),
    ("superviseur", "superviseur-demo-1", Role.SUPERVISOR, "Sophie", "Bernard"),
    ("technicien", "technicien-demo-1", Role.FIELD_WORKER, "Thomas", "Petit"),
    ("technicien2", "technicien2-demo-1", Role.FIELD_WORKER, "Julien", "Robert"),
    ("comptable", "comptable-demo-1", Role.ACCOUNTANT, "Claire", "Durand"),
]
INTERVENTION_LINES = [
    {"label": "Main d'œuvre", "quantity": "2", "unit": "hour", "unit_price": "45.00", "vat_rate": "FR_200"},
    {"label": "Déplacement", "quantity": "1", "unit": "piece", "unit_price": "30.00", "vat_rate": "FR_200"},
]
MAINTENANCE_LINES = [
    {
        "label": "Entretien chaudière",
        "quantity": "1",
        "unit": "piece",
        "unit_price": "120.00",
        "vat_rate": "FR_100",
    },
]
# kind, reference, name / (first, last), e-mails, address, postal code, city, SIREN, VAT number
CUSTOMERS: list[dict[str, Any]] = [
    {
        "kind": "company",
        "reference": "CLI-001",
        "name": "Boulangerie Dupain",
        "emails": ["contact@dupain.example"],
        "address": "3 rue du Four",
        "postal_code": "75006",
        "city": "Paris",
        "siren": "732829320",
        "vat_number": "FR44732829320",
    },
    {
        "kind": "company",
        "reference": "CLI-002",
        "name": "Hôtel des Arts",
        "emails": ["reception@hoteldesarts.example", "compta@hoteldesarts.example"],
        "address": "18 boulevard Haussmann",
        "postal_code": "75009",
        "city": "Paris",
    },
    {
        "kind": "company",
        "reference": "CLI-003",
        "name": "Syndic Lumière",
        "emails": ["gestion@syndic-lumiere.example"],
        "address": "7 place Bellecour",
        "postal_code": "69002",
        "city": "Lyon",
    },
    {
        "kind": "company",
        "reference": "CLI-004",
        "name": "Restaurant Le Vieux Port",
        "emails": ["chef@vieuxport.example"],
        "address": "2 quai du Port",
        "postal_code": "13002",
        "city": "Marseille",
    },
    {
        "kind": "company",
        "reference": "CLI-005",
        "name": "Crèche Les Petits Pas",
        "emails": [],
        "address": "45 avenue Jean Jaurès",
        "postal_code": "31000",
        "city": "Toulouse",
    },
    {
        "kind": "individual",
        "reference": "CLI-006",
        "first_name": "Marie",
        "last_name": "Lefèvre",
        "emails": ["marie.lefevre@example.com"],
        "address": "12 rue des Lilas",
        "postal_code": "44000",
        "city": "Nantes",
    },
    {
        "kind": "individual",
        "reference": "CLI-007",
        "first_name": "Paul",
        "last_name": "Moreau",
        "emails": ["paul.moreau@example.com"],
        "address": "5 allée des Pins",
        "postal_code": "33000",
        "city": "Bordeaux",
    },
    {
        "kind": "individual",
        "reference": "CLI-008",
        "first_name": "Nadia",
        "last_name": "Benali",
        "emails": ["nadia.benali@example.com"],
        "address": "27 rue Nationale",
        "postal_code": "59000",
        "city": "Lille",
    },
    {
        "kind": "individual",
        "reference": "CLI-009",
        "first_name": "Louis",
        "last_name": "Garnier",
        "emails": ["louis.garnier@example.com"],
        "address": "9 chemin du Moulin",
        "postal_code": "67000",
        "city": "Strasbourg",
    },
    {
        "kind": "individual",
        "reference": "CLI-010",
        "first_name": "Emma",
        "last_name": "Fontaine",
        "emails": ["emma.fontaine@example.com"],
        "address": "64 rue de la République",
        "postal_code": "35000",
        "city": "Rennes",
    },
]
TITLES = [
    "Fuite sous évier",
    "Remplacement chauffe-eau",
    "Débouchage canalisation",
    "Entretien chaudière",
    "Robinet qui goutte",
    "Installation WC",
    "Recherche de fuite",
    "Réglage pression",
    "Changement mitigeur",
    "Vidange ballon",
]


class Command(BaseCommand):
    help = "Create the demo business unit 'Démo Plomberie' with users, catalog, customers and 30 activities."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any business unit exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and BusinessUnit.objects.exists():
            self.stdout.write("demo_data: a business unit already exists, nothing to do.")
            return
        if BusinessUnit.objects.filter(code=BU_CODE).exists():
            self.stdout.write(f"demo_data: « {BU_NAME} » already exists, nothing created.")
        else:
            with transaction.atomic():
                self._create()
            self.stdout.write(self.style.SUCCESS(f"demo_data: « {BU_NAME} » created."))
        self._print_credentials()

    def _print_credentials(self) -> None:
        self.stdout.write(f"\nOpen {URL} and sign in with one of these accounts:")
        for username, password, role, *_names in USERS:
            self.stdout.write(f"  {username:<12} {password:<20} {Role(role).label}")

    def _create(self) -> None:
        bu = BusinessUnit.objects.create(name=BU_NAME, code=BU_CODE)
        users: dict[str, User] = {}
        for username, password, role, first, last in USERS:
            user = User.objects.filter(username=username).first() or User(username=username)
            user.first_name, user.last_name, user.email = first, last, f"{username}@demo.example"
            user.set_password(password)
            user.save()
            Membership.objects.get_or_create(user=user, business_unit=bu, defaults={"role": role})
            users[username] = user
        types = {
            "intervention": activity_type_create(
                business_unit=bu,
                name="Intervention",
                reference="INTER",
                default_duration=timedelta(hours=2),
                financial_data_enabled=True,
                billing_data_enabled=True,
                manual_triggers_enabled=True,
                default_billing_lines=INTERVENTION_LINES,
            ),
            "maintenance": activity_type_create(
                business_unit=bu,
                name="Maintenance annuelle",
                reference="MAINT",
                default_duration=timedelta(hours=1),
                financial_data_enabled=True,
                default_billing_lines=MAINTENANCE_LINES,
            ),
            "call": activity_type_create(
                business_unit=bu,
                name="Appel",
                reference="APPEL",
                operation_type="call",
                default_duration=timedelta(minutes=15),
            ),
        }
        actor = Actor(user=users["superviseur"], origin=Origin.SYSTEM)
        customers = [services.customer_create(business_unit=bu, actor=actor, **data) for data in CUSTOMERS]
        self._activities(bu, users, types, customers, actor)

    def _activities(
        self,
        bu: BusinessUnit,
        users: dict[str, User],
        types: dict[str, ActivityType],
        customers: list[Customer],
        actor: Actor,
    ) -> None:
        today = timezone.localdate()
        tz = timezone.get_current_timezone()
        tech, tech2 = users["technicien"], users["technicien2"]
        worker = {
            tech.pk: Actor(user=tech, origin=Origin.WEB),
            tech2.pk: Actor(user=tech2, origin=Origin.WEB),
        }
        # (day offset, hour, type, assignee, final action) - 30 rows in all states.
        plan: list[tuple[int | None, int, str, User | None, str | None]] = [
            (None, 0, "intervention", None, None),
            (None, 0, "maintenance", None, None),
            (None, 0, "call", None, None),
            (None, 0, "intervention", None, None),
            (0, 8, "intervention", tech, None),
            (0, 10, "maintenance", tech, None),
            (0, 14, "intervention", tech, None),
            (0, 16, "intervention", tech, Action.START),
            (0, 9, "intervention", tech2, None),
            (0, 11, "intervention", tech2, Action.START),
            (1, 9, "intervention", tech, None),
            (1, 14, "maintenance", tech2, None),
            (2, 10, "intervention", tech, None),
            (3, 8, "maintenance", tech2, None),
            (5, 15, "intervention", tech, None),
            (7, 9, "call", tech2, None),
            (-1, 9, "intervention", tech, Action.CLOSE_OK),
            (-1, 14, "intervention", tech2, Action.CLOSE_OK),
            (-2, 10, "maintenance", tech, Action.CLOSE_OK),
            (-3, 11, "intervention", tech2, Action.CLOSE_OK),
            (-4, 9, "intervention", tech, Action.CLOSE_OK),
            (-5, 16, "maintenance", tech2, Action.CLOSE_OK),
            (-2, 15, "intervention", tech, Action.CLOSE_KO),
            (-6, 10, "intervention", tech2, Action.CLOSE_KO),
            (-1, 8, "intervention", tech, Action.CANCEL),
            (2, 11, "maintenance", tech2, Action.CANCEL),
            (-3, 14, "call", tech, Action.CLOSE_OK),
            (-7, 9, "intervention", tech2, Action.CLOSE_OK),
            (4, 13, "intervention", tech, None),
            (6, 10, "maintenance", tech2, None),
        ]
        for index, (offset, hour, type_key, assignee, final) in enumerate(plan):
            customer = customers[index % len(customers)]
            start = None
            if offset is not None:
                start = datetime.combine(today + timedelta(days=offset), time(hour, 0), tzinfo=tz)
            activity = services.activity_create(
                business_unit=bu,
                actor=actor,
                activity_type=types[type_key],
                title=f"{TITLES[index % len(TITLES)]} – {customer.display_name}",
                customer=customer,
                scheduled_start=start,
                assignees=[assignee] if assignee else [],
                comment="Code portail : 1234" if index % 4 == 0 else "",
            )
            if final is not None:
                self._finish(activity, final, worker.get(assignee.pk, actor) if assignee else actor, actor)

    @staticmethod
    def _finish(activity: Activity, final: str, worker: Actor, supervisor: Actor) -> None:
        if final == Action.CANCEL:
            services.activity_transition(
                activity=activity,
                actor=supervisor,
                action=Action.CANCEL,
                cancel_reason=CancelReason.CUSTOMER_REQUEST,
                cancel_details="Le client a reporté.",
            )
            return
        services.activity_transition(activity=activity, actor=worker, action=Action.START)
        if final in (Action.CLOSE_OK, Action.CLOSE_KO):
            services.activity_transition(activity=activity, actor=worker, action=final)
