from django.urls import path

from ratings import views

app_name = "ratings"

# Mounted at the site root: the vote endpoint lives under ratings/, the ranking at /top-rated/.
urlpatterns = [
    path("ratings/vote/<str:label>/<int:object_id>/", views.vote, name="vote"),
    path("ratings/rate/<str:label>/<int:object_id>/", views.rate, name="rate"),
    path("top-rated/", views.TopRatedView.as_view(), name="top_rated"),
]
