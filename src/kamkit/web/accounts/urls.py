from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("matrix/", views.portfolio_matrix, name="matrix"),
    path("new/", views.account_create, name="create"),
    path("reassign/", views.reassign, name="reassign"),
    path("deleted/", views.deleted_accounts, name="deleted"),
    path("<int:pk>/delete/", views.account_delete, name="delete"),
    path("<int:pk>/restore/", views.account_restore, name="restore"),
    path("<int:pk>/", views.account_detail, name="detail"),
    path("<int:pk>/edit/", views.account_edit, name="edit"),
    path("<int:pk>/people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("<int:pk>/export/<str:what>.<str:fmt>", views.account_export, name="export"),
]
