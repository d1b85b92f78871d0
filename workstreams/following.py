"""The pages of following a workstream by e-mail (docs/dashboard.md#following-a-workstream).

No account: a follower is named by a signed link (``delivery.interface.follower_from_token``).
The writes are delivery's services. Every answer to an address is the same whether or not it
was already following: the pages never tell who follows what.

The workstream's page links here rather than holding the form: a CSRF token in it would make
that page, kept in the shared cache for every visitor, one visitor's alone.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from delivery.interface import (
    follow_token,
    follower_confirm,
    follower_follow,
    follower_from_token,
    follower_link_request,
    follower_request,
    follower_stop,
    follower_unfollow,
)
from emgtracker.client import client_address
from emgtracker.slugs import is_slug
from emgtracker.throttling import cache as throttle_cache
from workstreams.models import Follower, StopReason, Workstream

# Requests of the follow and "my link" forms from one client address, per hour.
FORM_POSTS_PER_HOUR = 20

ONE_CLICK = "List-Unsubscribe=One-Click"


class AddressForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your e-mail address"), max_length=254)


def _page(
    request: HttpRequest, template: str, context: dict[str, object], status: int = 200
) -> HttpResponse:
    response = render(request, f"workstreams/follow/{template}", context, status=status)
    # A page reached by a signed link is this visitor's; the link goes in no Referer to another
    # site. Not "no-referrer": with it the browser posts the page's forms with "Origin: null",
    # which Django's CSRF check refuses.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "same-origin"
    return response


def _note(request: HttpRequest, title: str, text: str, status: int = 200) -> HttpResponse:
    return _page(request, "note.html", {"title": title, "text": text}, status=status)


def _bad_link(request: HttpRequest) -> HttpResponse:
    return _note(
        request,
        _("This link is not valid"),
        _(
            "The link is incomplete, has expired (a confirmation link lasts 7 days) or was "
            "replaced. Nothing was changed. Ask again from a workstream's page, or ask for a "
            "new link to manage what you follow."
        ),
        status=400,
    )


def _throttled(request: HttpRequest) -> bool:
    """Whether this client posted the forms more than ``FORM_POSTS_PER_HOUR`` times this hour."""
    key = f"throttle_follow_{client_address(request)}"
    count = int(throttle_cache.get(key) or 0) + 1
    throttle_cache.set(key, count, 3600)
    return count > FORM_POSTS_PER_HOUR


def _too_many(request: HttpRequest) -> HttpResponse:
    return _note(
        request,
        _("Too many requests"),
        _("Too many requests from your address. Please try again in an hour."),
        status=429,
    )


def _asked(request: HttpRequest) -> HttpResponse:
    return _note(
        request,
        _("Check your inbox"),
        _(
            "If the address can receive messages from us, an e-mail is on its way with a link. "
            "Open it to confirm; until then nothing is sent. One e-mail at most every few "
            "minutes."
        ),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def follow_start(request: HttpRequest, slug: str) -> HttpResponse:
    """Follow a workstream: an address, then a confirmation e-mail (double opt-in)."""
    workstream = get_object_or_404(Workstream, slug=slug)
    form = AddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request)
        if form.is_valid():
            follower_request(
                address=form.cleaned_data["email"],
                workstreams=[workstream],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
            return _asked(request)
    status = 400 if form.is_bound else 200
    return _page(request, "start.html", {"workstream": workstream, "form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def follow_link(request: HttpRequest) -> HttpResponse:
    """ "E-mail me my link": the manage link again, to the address alone."""
    form = AddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _throttled(request):
            return _too_many(request)
        if form.is_valid():
            follower_link_request(address=form.cleaned_data["email"])
            return _asked(request)
    return _page(request, "link.html", {"form": form}, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def follow_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the confirmation e-mail: a button, so that a mail scanner opening the link
    confirms nothing; pressed, the follower is confirmed and sees the manage page."""
    follower = follower_from_token(token, "confirm")
    if follower is None or follower.stopped_reason == StopReason.COMPLAINT:
        return _bad_link(request)
    if request.method == "POST":
        follower_confirm(follower=follower)
        manage = reverse("workstreams:follow_manage", args=[follow_token(follower, "manage")])
        return HttpResponseRedirect(f"{manage}?confirmed=1")
    workstreams = follower.workstreams.order_by("title")
    return _page(request, "confirm.html", {"follower": follower, "workstreams": workstreams})


def _chosen(request: HttpRequest) -> list[Workstream]:
    slugs = set(request.POST.getlist("workstream"))
    found = list(Workstream.objects.filter(slug__in={s for s in slugs if is_slug(s, 200)}))
    if not slugs or len(found) != len(slugs):
        raise ValidationError(_("Choose at least one workstream from the list."))
    return found


def _manage_post(request: HttpRequest, follower: Follower) -> HttpResponse | None:
    """The manage page's three buttons; None after a change, an answer for bad input."""
    action = request.POST.get("action")
    if action == "stop":
        follower_stop(follower=follower, reason=StopReason.UNSUBSCRIBED)
        return None
    if action not in ("follow", "unfollow"):
        return _note(request, _("Nothing was changed"), _("Unknown action."), status=400)
    try:
        chosen = _chosen(request)
    except ValidationError as error:
        return _note(request, _("Nothing was changed"), " ".join(error.messages), status=400)
    if action == "follow":
        follower_follow(follower=follower, workstreams=chosen)
    else:
        follower_unfollow(follower=follower, workstreams=chosen)
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def follow_manage(request: HttpRequest, token: str) -> HttpResponse:
    """What a follower follows: unfollow any, follow others, stop all."""
    follower = follower_from_token(token, "manage")
    if follower is None or follower.confirmed_at is None:
        return _bad_link(request)
    if request.method == "POST":
        answer = _manage_post(request, follower)
        if answer is not None:
            return answer
        return HttpResponseRedirect(f"{request.path}?saved=1")
    followed = list(follower.workstreams.order_by("title"))
    others = Workstream.objects.exclude(pk__in=[w.pk for w in followed]).order_by("title")
    context = {
        "follower": follower,
        "followed": followed,
        "others": others,
        "confirmed": "confirmed" in request.GET,
        "saved": "saved" in request.GET,
        "unsubscribe_token": follow_token(follower, "unsubscribe"),
    }
    return _page(request, "manage.html", context)


@csrf_exempt  # RFC 8058: the mail client posts with no cookie; the signed token authenticates
@require_http_methods(["GET", "HEAD", "POST"])
def follow_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: a page with a button (mail scanners follow links: a GET changes nothing). POST with
    ``List-Unsubscribe=One-Click`` (a mail client's one click, or the button): unsubscribed."""
    follower = follower_from_token(token, "unsubscribe")
    if follower is None:
        return _bad_link(request)
    if request.method == "POST":
        if request.POST.get("List-Unsubscribe") != "One-Click":
            return _note(
                request,
                _("Nothing was changed"),
                _("The request did not say %(body)s.") % {"body": ONE_CLICK},
                status=400,
            )
        follower_stop(follower=follower, reason=StopReason.UNSUBSCRIBED)
        return _note(
            request,
            _("You are unsubscribed"),
            _("No more e-mails will be sent to you about any workstream."),
        )
    return _page(request, "unsubscribe.html", {"follower": follower})
