from django.urls import path

from places.views import public

app_name = "public"

urlpatterns = [
    path("", public.index, name="index"),
    path("places/<slug:slug>/", public.place_page, name="place"),
    path("places/<slug:slug>/link/", public.place_link, name="place-link"),
    path("sites/<int:site_id>/", public.site_page, name="site"),
    path("sites/<int:site_id>/link/", public.site_link, name="site-link"),
]
