"""The managers' header links to the integration pages for organisation admins only."""

from typing import Any

from django import template

from organisations.models import Membership, Role

register = template.Library()


@register.simple_tag(takes_context=True)
def is_organisation_admin(context: dict[str, Any]) -> bool:
    """Whether the signed-in user is an admin of the page's ``organisation``: one query, pages with one only."""
    organisation, request = context.get("organisation"), context.get("request")
    if organisation is None or request is None or not request.user.is_authenticated:
        return False
    return Membership.objects.filter(organisation=organisation, user_id=request.user.pk, role=Role.ADMIN).exists()
