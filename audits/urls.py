from .views import cases, cycles, toolkits

app_name = "audits"

urlpatterns = [*cycles.urlpatterns, *toolkits.urlpatterns, *cases.urlpatterns]
