from django.urls import path

from workstreams import views

app_name = "workstreams"

urlpatterns = [
    path("", views.timeline, name="timeline"),
]
