from django.urls import path

from review import case_views, rule_views

app_name = "screening"

# Included at the root, before the access log's own URLs: the detection rules and the cases
# beside the log search, and the page that tells every member of staff how they are screened.
urlpatterns = [
    path("access-log/rules/", rule_views.rule_list, name="rules"),
    path("access-log/rules/<slug:code>/", rule_views.rule_change, name="rule"),
    path("access-log/rules/<slug:code>/preview/", rule_views.rule_preview, name="rule_preview"),
    path("access-log/cases/", case_views.case_list, name="cases"),
    path("access-log/cases/screen/", case_views.screen_day, name="screen_day"),
    path("access-log/cases/<int:case_id>/", case_views.case_detail, name="case"),
    path("screening/", rule_views.watched, name="watched"),
]
