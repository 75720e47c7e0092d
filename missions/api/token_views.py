"""/account/tokens/: a user's API tokens, made, listed and revoked by the user.

A new key is shown once, on the page that follows its creation, and never again (only its hash
is stored). Revoking is a POST; a user can revoke only their own tokens here (superusers revoke
any in the admin).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from missions.api.models import ApiToken
from missions.roles import VIEW_PERMISSION
from missions.web.requests import AuthenticatedRequest

# A user with more live tokens than this is collecting keys, not scripting.
MAX_ACTIVE_TOKENS = 20
NEW_KEY_SESSION = "api_new_key"


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"), max_length=100, help_text=_("e.g. 'weekly note'")
    )

    def clean_name(self) -> str:
        return self.cleaned_data["name"].strip()


@permission_required(VIEW_PERMISSION, raise_exception=True)
def tokens(request: AuthenticatedRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.api_tokens.active().count() >= MAX_ACTIVE_TOKENS:
            form.add_error(
                None,
                gettext("You have %(n)s active tokens; revoke one first.")
                % {"n": MAX_ACTIVE_TOKENS},
            )
        else:
            _token, key = ApiToken.issue(request.user, form.cleaned_data["name"])
            # Shown once, after the redirect, then forgotten.
            request.session[NEW_KEY_SESSION] = key
            return redirect("tokens:list")
    status = 400 if request.method == "POST" else 200
    context = {
        "form": form,
        "tokens": request.user.api_tokens.all(),
        "new_key": request.session.pop(NEW_KEY_SESSION, None),
    }
    return render(request, "account/tokens.html", context, status=status)


# The permission first: someone without it gets 403 whatever the method, like every page.
@permission_required(VIEW_PERMISSION, raise_exception=True)
@require_POST
def revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    return redirect("tokens:list")
