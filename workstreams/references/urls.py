"""The cross-reference pages, in the ``references`` namespace, under the language prefix."""

from django.urls import path

from workstreams.references import views

app_name = "references"

urlpatterns = [
    path("", views.reference_list, name="list"),
    path("<slug:slug>/", views.reference_detail, name="detail"),
]
