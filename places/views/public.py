"""Public reporting: the pages anyone may read without signing in (``places.public``), and the
link to them from the place and site pages inside LeanHub."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from leanhub import policy
from leanhub.http import AuthenticatedHttpRequest, public_page
from leanhub.models import Place, Site
from places import public


def _page(template: str, context: dict[str, object]) -> HttpResponse:
    """Rendered without the request: no context processor, so nothing of the visitor (their
    name, menu, CSRF token or messages) can reach a page every visitor shares."""
    language = get_language()
    context = {"lang": language, **context}
    return HttpResponse(render_to_string(template, context))


@require_GET
@public_page
def index(request: HttpRequest) -> HttpResponse:
    places, sites = public.public_places_and_sites()
    return _page(
        "places/public/index.html",
        {"places": places, "sites": sites, "path": reverse("public:index")},
    )


@require_GET
@public_page
def place_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A place's public page; 404 for a place with nothing public (or no such place)."""
    place = get_object_or_404(Place, slug=slug)
    report = public.place_report(place)
    if report.empty:
        raise Http404("Nothing public here")
    path = reverse("public:place", args=[place.slug])
    return _page("places/public/report.html", {"report": report, "path": path})


@require_GET
@public_page
def site_page(request: HttpRequest, site_id: int) -> HttpResponse:
    """A site's public page; 404 for a site with nothing public (or no such site)."""
    site = get_object_or_404(Site.objects.select_related("place", "organisation"), pk=site_id)
    report = public.site_report(site)
    if report.empty:
        raise Http404("Nothing public here")
    path = reverse("public:site", args=[site.pk])
    return _page("places/public/report.html", {"report": report, "path": path})


@require_GET
@login_required
def place_link(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """The link from a place's pages to its public page, if it has one (a fragment)."""
    place = policy.get_for_user(request.user, Place.objects.all(), action="view_place", slug=slug)
    url = reverse("public:place", args=[place.slug]) if public.has_public_page(place) else ""
    return render(request, "places/public/_link.html", {"url": url, "name": place.name})


@require_GET
@login_required
def site_link(request: AuthenticatedHttpRequest, site_id: int) -> HttpResponse:
    """The link from a site's dashboard to its public page, if it has one (a fragment)."""
    site = policy.get_for_user(request.user, Site.objects.all(), action="view_site", pk=site_id)
    shown = Site.objects.filter(pk=site.pk).filter(public.public_sites_q()).exists()
    url = reverse("public:site", args=[site.pk]) if shown else ""
    return render(request, "places/public/_link.html", {"url": url, "name": site.name})
