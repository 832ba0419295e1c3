"""The exports' memory: each spreadsheet of the benchmark's call streamed through the test
client (as a download would be), with the peak of Python memory allocated meanwhile
(tracemalloc) and the time it took. The scores export of the standard data set is 200,000
rows: it must stream, never hold them all (< 200 MB)."""

import time
import tracemalloc

from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from accounts.models import User

EXPORTS = [("scores", "csv"), ("scores", "xlsx"), ("ranking", "xlsx"), ("projects", "xlsx")]
MEMORY_BUDGET_MB = 200


def bench_export_memory(*, call, exports=EXPORTS) -> dict:
    """Per export (`<kind>_<format>`): peak traced memory in MB, seconds, bytes sent."""
    # DEBUG off as in production (no query log growing with the rows), as the pages are timed.
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        return _measure(call, exports)


def _measure(call, exports) -> dict:
    client = Client()
    client.force_login(User.objects.get(email="financeur@banc.invalid"))
    url = reverse("projects:call_export", args=[call.pk])
    results = {}
    for kind, file_format in exports:
        tracemalloc.start()
        started = time.perf_counter()
        response = client.get(url, {"kind": kind, "format": file_format})
        assert response.status_code == 200, (kind, file_format, response.status_code)
        size = sum(len(chunk) for chunk in response.streaming_content)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        results[f"{kind}_{file_format}"] = {
            "peak_mb": round(peak / 2**20, 1),
            "seconds": round(seconds, 2),
            "bytes": size,
        }
    return results
