"""The public page behind a colleague's invite link: choose a username and password, join, and be logged in.

The token in the URL is 256 random bits and stored only as its hash, so the page cannot be
brute-forced (a guess has a 2**-256 chance) and needs no lockout of its own; it sets no password of an
existing account, so django-axes' login lockout has nothing to guard here. An unknown token is 404;
a used, withdrawn or expired link is 410 with a page that says which.
"""

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from common.exceptions import ApplicationError, GoneError, NotFoundError
from organisations.models import ColleagueInvite
from organisations.selectors import colleague_invite_find, colleague_invite_state
from organisations.services.colleague_invites import CLOSED_MESSAGES, colleague_invite_accept

NOT_VALID = "This invite link is not valid. Check that you copied all of it, or ask for a new one."
PASSWORD_LOGIN = "django.contrib.auth.backends.ModelBackend"  # noqa: S105 - a backend, not a password


class JoinForm(UserCreationForm):
    """Username and password twice; the password validators see the invitee's name and e-mail."""

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username",)


def _join_form(request: HttpRequest, invite: ColleagueInvite) -> JoinForm:
    first, _, last = invite.name.partition(" ")
    instance = User(email=invite.email, first_name=first, last_name=last)
    return JoinForm(request.POST if request.method == "POST" else None, instance=instance)


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "manage/join_closed.html", {"message": message}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def colleague_join_view(request: HttpRequest, token: str) -> HttpResponse:
    invite = colleague_invite_find(token=token)
    if invite is None:
        return _closed(request, NOT_VALID, 404)
    state = colleague_invite_state(invite)
    if state != "open":
        return _closed(request, CLOSED_MESSAGES[state], 410)
    form = _join_form(request, invite)
    if request.method == "POST" and form.is_valid():
        try:
            user = colleague_invite_accept(
                token=token, username=form.cleaned_data["username"], password=form.cleaned_data["password1"]
            )
        except (GoneError, NotFoundError) as exc:  # used or withdrawn meanwhile (another submit of this form)
            return _closed(request, exc.message, exc.status_code)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            login(request, user, backend=PASSWORD_LOGIN)
            return redirect(settings.LOGIN_REDIRECT_URL)  # home: where their role starts
    context = {"invite": invite, "form": form}
    return render(request, "manage/join.html", context, status=400 if form.errors else 200)
