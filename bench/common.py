"""What the report benchmarks share: timing with memory figures, and a report version of a
cycle's figures with a narrative of a realistic length (bench/report_pdf.py, report_large.py).
Django must be set up before sample_version is called."""

import json
import resource
import time
import tracemalloc
from dataclasses import asdict


def measured(label: str, func, *, width: int = 44):
    """Run func; print its wall time, the tracemalloc peak and the process's peak RSS so far."""
    tracemalloc.start()
    start = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    print(f"{label:<{width}} {elapsed:8.2f} s {peak / 2**20:10.1f} MiB {rss:12.1f} MiB")
    return result


def sample_version(report, number: int, figures, cycle):
    """A published version of `report` freezing `figures` (a CycleFigures), as report_publish
    would, with a narrative and a 15-item action plan."""
    from django.core.serializers.json import DjangoJSONEncoder

    from reporting.models import ReportVersion

    data = asdict(figures)
    data["cycle"], data["service_area"] = cycle.name, None
    version = ReportVersion.objects.create(
        report=report,
        number=number,
        figures=json.loads(json.dumps(data, cls=DjangoJSONEncoder)),
        narrative={
            "key_findings": "Most plans were clear.\n" * 20,
            "strengths": "Direct work with families.\n" * 20,
            "areas_for_development": "Contingency planning.\n" * 20,
            "learning": "Practice week.\n" * 10,
            "plan": [
                {"action": f"Action {n}.", "owner": "QA Manager", "due_on": "2027-01-31"}
                for n in range(15)
            ],
        },
    )
    version.refresh_from_db()
    return version
