from .views import cases, cycles, jobs, sampling, toolkits

app_name = "audits"

urlpatterns = [
    *cycles.urlpatterns,
    *jobs.urlpatterns,
    *toolkits.urlpatterns,
    *cases.urlpatterns,
    *sampling.urlpatterns,
]
