app_name = "grid"
# The grid editor (list, edit, diff, publish) comes with its own issue.
urlpatterns: list = []
