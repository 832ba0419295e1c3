"""The account's API tokens: create (the secret is shown once), list and revoke."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import require
from accounts.web import attempt
from api.forms import ApiTokenForm
from api.models import ApiToken
from api.selectors import api_tokens_of
from api.services import api_token_create, api_token_revoke


@login_required
def token_list(request):
    """GET: the user's tokens; POST: a new one, whose secret this response shows once."""
    require(request, "api.manage_tokens")
    form = ApiTokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        done, created = attempt(
            request,
            api_token_create,
            form=form,
            user=request.user,
            name=form.cleaned_data["name"],
        )
        if done:
            token, secret = created
            form = ApiTokenForm()
    response = render(
        request,
        "api/token_list.html",
        {"form": form, "tokens": api_tokens_of(user=request.user), "secret": secret},
    )
    if secret:
        # The secret must not stay in a cache or in the browser's history.
        response["Cache-Control"] = "no-store"
    return response


@login_required
def token_revoke(request, pk):
    """GET: what revoking means, to confirm; POST: revoke."""
    token = get_object_or_404(ApiToken, pk=pk)
    require(request, "api.revoke_token", token)
    if request.method != "POST" or not token.is_active:
        if not token.is_active:
            return redirect("api_tokens:token_list")
        return render(request, "api/token_revoke.html", {"token": token})
    api_token_revoke(token=token, by=request.user)
    messages.success(
        request,
        _("Le jeton « %(name)s » est révoqué : il ne donne plus accès.") % {"name": token.name},
    )
    return redirect("api_tokens:token_list")
