"""How long the printed viewing-consent form takes to render, against WeasyPrint's own floor.

    DJANGO_SETTINGS_MODULE=atmt.settings .venv/bin/python bench/consent_pdf.py [--runs 20]

Builds a client and its municipality in memory (no database), renders the form --runs times and,
interleaved with it in the same run, a one-line HTML page through the same renderer (the
baseline: WeasyPrint's fixed cost per document). Prints the median, min and max in milliseconds
and the ratio of the medians. Bounded: at most 500 runs, and it stops early, saying so, once
--max-seconds have passed. Not part of the test suite.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
MAX_RUNS = 500
BASELINE_HTML = "<!doctype html><p>One line.</p>"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help=f"timed runs, 1..{MAX_RUNS}")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first, 0..10")
    parser.add_argument("--max-seconds", type=float, default=120.0, help="time budget")
    parser.add_argument("--language", choices=("fi", "sv", "en"), default="fi")
    args = parser.parse_args()
    if not 1 <= args.runs <= MAX_RUNS:
        parser.error(f"--runs must be between 1 and {MAX_RUNS}")
    if not 0 <= args.warmup <= 10:
        parser.error("--warmup must be between 0 and 10")
    if args.max_seconds <= 0:
        parser.error("--max-seconds must be positive")

    sys.path.insert(0, str(PROJECT_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "atmt.settings")
    import django

    django.setup()

    from clients.models import Client, Municipality
    from consent.models import Consent
    from consent.pdf import consent_form_pdf, html_to_pdf

    municipality = Municipality(code="167", name_fi="Joensuu", name_sv="Joensuu", name_en="Joensuu")
    client = Client(
        identity_code="131052-308T",
        first_names="Aino Maria",
        last_name="Kärkkäinen",
        home_municipality=municipality,
        mother_tongue=args.language,
        service_language=args.language,
    )

    def form() -> bytes:
        return consent_form_pdf(client=client, kind=Consent.Kind.VIEWING)

    def baseline() -> bytes:
        return html_to_pdf(BASELINE_HTML)

    for _ in range(args.warmup):
        form()
        baseline()

    form_ms: list[float] = []
    baseline_ms: list[float] = []
    form_bytes = 0
    deadline = time.monotonic() + args.max_seconds
    while len(form_ms) < args.runs and time.monotonic() < deadline:
        started = time.perf_counter()
        form_bytes = len(form())
        form_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        baseline()
        baseline_ms.append((time.perf_counter() - started) * 1000)

    form_median = statistics.median(form_ms)
    baseline_median = statistics.median(baseline_ms)
    stopped_early = len(form_ms) < args.runs
    print(f"viewing-consent form ({args.language}), {len(form_ms)} runs, {form_bytes} bytes:")
    print(f"  median {form_median:.1f} ms, min {min(form_ms):.1f} ms, max {max(form_ms):.1f} ms")
    print("baseline (one-line HTML page, same renderer and fetcher):")
    print(
        f"  median {baseline_median:.1f} ms, min {min(baseline_ms):.1f} ms, "
        f"max {max(baseline_ms):.1f} ms"
    )
    print(f"ratio form/baseline (medians): {form_median / baseline_median:.1f}")
    if stopped_early:
        print(f"stopped after {len(form_ms)} of {args.runs} runs: --max-seconds reached")
    return 0


if __name__ == "__main__":
    sys.exit(main())
