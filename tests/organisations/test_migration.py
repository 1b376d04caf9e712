"""Organisation and Membership moved from assessments to organisations without losing a row.

Each test migrates a real database back to the state before the move, writes rows there with the
models as they were (``assessments.Organisation``, ``assessments.Membership``), migrates forward
and reads them through the new models. It ends migrated to the latest state.
"""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessments.models import Candidate
from organisations.models import Membership, Organisation, Role
from rubrics.models import Rubric

BEFORE_MOVE = [
    ("assessments", "0005_invitation_clock_sweep_indexes"),
    ("rubrics", "0002_api_list_indexes"),
    ("integrations", "0005_webhook_secret_overlap_form_nonces"),
    ("organisations", None),
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def before_move():
    """The historical apps before the move, with the database migrated there; migrates to the latest after."""
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_MOVE)
    executor.loader.build_graph()
    try:
        yield executor.loader.project_state([node for node in BEFORE_MOVE if node[1]]).apps
    finally:
        _migrate_to_latest()
        ContentType.objects.clear_cache()


def _migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _old_content_type(model: str) -> ContentType:
    return ContentType.objects.get(app_label="assessments", model=model)


def test_every_row_survives_the_move_and_is_reached_through_the_new_models(before_move):
    old = before_move
    acme = old.get_model("assessments", "Organisation").objects.create(name="Acme", slug="acme")
    globex = old.get_model("assessments", "Organisation").objects.create(name="Globex", slug="globex")
    ada, bob = (old.get_model("auth", "User").objects.create(username=name) for name in ("ada", "bob"))
    old_membership = old.get_model("assessments", "Membership").objects
    memberships = [
        old_membership.create(organisation=acme, user=ada, role=Role.ADMIN),
        old_membership.create(organisation=acme, user=bob, role=Role.INTERVIEWER),
        old_membership.create(organisation=globex, user=bob, role=Role.HIRING_MANAGER),
    ]
    candidate = old.get_model("assessments", "Candidate").objects.create(organisation=acme, name="Cy", email="c@x.test")
    rubric = old.get_model("rubrics", "Rubric").objects.create(organisation=globex, key="craft", title="Craft")
    log = LogEntry.objects.create(
        user_id=ada.pk, content_type=_old_content_type("organisation"), object_id=str(acme.pk), action_flag=CHANGE
    )
    old_type_ids = {model: _old_content_type(model).pk for model in ("organisation", "membership")}

    _migrate_to_latest()

    assert list(Organisation.objects.values_list("pk", "name", "slug")) == [
        (acme.pk, "Acme", "acme"),
        (globex.pk, "Globex", "globex"),
    ]
    assert set(Membership.objects.values_list("pk", "organisation_id", "user_id", "role")) == {
        (m.pk, m.organisation_id, m.user_id, m.role) for m in memberships
    }
    assert {m.organisation.slug for m in User.objects.get(username="bob").memberships.all()} == {"acme", "globex"}
    assert Candidate.objects.get(pk=candidate.pk).organisation.slug == "acme"
    assert list(Organisation.objects.get(slug="acme").candidates.all()) == [Candidate.objects.get(pk=candidate.pk)]
    assert Rubric.objects.get(pk=rubric.pk).organisation.slug == "globex"
    ContentType.objects.clear_cache()
    assert ContentType.objects.get_for_model(Organisation).pk == old_type_ids["organisation"]
    assert ContentType.objects.get_for_model(Membership).pk == old_type_ids["membership"]
    assert not ContentType.objects.filter(app_label="assessments", model__in=["organisation", "membership"]).exists()
    assert LogEntry.objects.get(pk=log.pk).get_edited_object() == Organisation.objects.get(slug="acme")


def test_content_types_made_meanwhile_for_the_new_label_are_folded_into_the_old_ones(before_move):
    # A `migrate` back and forth runs post_migrate in between, which makes organisations.* content types
    # (with their permissions) for the models as the code has them, beside the renamed-back old ones.
    ada = User.objects.create(username="ada")
    old_type = _old_content_type("organisation")
    old_change = Permission.objects.get(content_type=old_type, codename="change_organisation")
    ada.user_permissions.add(old_change)
    early = LogEntry.objects.create(user=ada, content_type=old_type, object_id="1", action_flag=CHANGE)
    made_meanwhile = ContentType.objects.create(app_label="organisations", model="organisation")
    view = Permission.objects.create(content_type=made_meanwhile, codename="view_organisation", name="Can view")
    extra = Permission.objects.create(content_type=made_meanwhile, codename="audit_organisation", name="Can audit")
    ada.user_permissions.add(view, extra)
    late = LogEntry.objects.create(user=ada, content_type=made_meanwhile, object_id="1", action_flag=CHANGE)

    _migrate_to_latest()

    moved = ContentType.objects.get(app_label="organisations", model="organisation")
    assert moved.pk == old_type.pk
    assert set(LogEntry.objects.filter(pk__in=[early.pk, late.pk]).values_list("content_type_id", flat=True)) == {
        moved.pk
    }
    granted = set(ada.user_permissions.values_list("content_type_id", "codename"))
    assert granted == {
        (moved.pk, "change_organisation"),
        (moved.pk, "view_organisation"),
        (moved.pk, "audit_organisation"),
    }
    assert Permission.objects.filter(content_type=moved, codename="view_organisation").count() == 1
    assert not ContentType.objects.filter(pk=made_meanwhile.pk).exists()
