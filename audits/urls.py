from .views import cases, cycles, sampling, toolkits

app_name = "audits"

urlpatterns = [
    *cycles.urlpatterns,
    *toolkits.urlpatterns,
    *cases.urlpatterns,
    *sampling.urlpatterns,
]
