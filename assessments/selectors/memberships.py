"""Until every import names organisations.selectors (scripts/rewrite_tenancy_imports.py)."""

from organisations.selectors import MANAGER_ROLES as MANAGER_ROLES
from organisations.selectors import member_user_find as member_user_find
from organisations.selectors import membership_get as membership_get
from organisations.selectors import membership_list as membership_list
