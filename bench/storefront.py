"""The storefront on a phone: what each page sends, and Lighthouse's scores in its mobile emulation.

A production build of the storefront (`npm run build`) is served by the app under gunicorn on
loopback, compressed as CloudFront compresses it (gzip), with the demo catalog on a scratch
PostgreSQL database. For the catalog, a product, the cart and the checkout, Lighthouse 12.2.3
(storefront/node_modules, run with Node) drives the system Chromium headless in its default
mobile emulation (a mid-range phone on a slow 4G link, simulated) and reports:

* the JavaScript and CSS the page sent, gzipped (budget: 120 KB for the first page);
* its performance, accessibility, best-practices and SEO scores (goals: 90, 95, 95, 90);
* its largest contentful paint and total blocking time, as Lighthouse simulates them.

    python bench/storefront.py [--runs 1] [--keep DIR]   (DIR: Lighthouse's JSON reports)

Scores move a few points between runs on a shared machine: --runs N keeps each page's median.
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, django_env, gunicorn, print_table, scratch_database_url
from tests.browser.chromium import CHROMIUM, HEADLESS_FLAGS

STOREFRONT = ROOT / "storefront"
LIGHTHOUSE = STOREFRONT / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = CHROMIUM or "/usr/bin/chromium"
CHROME_FLAGS = " ".join(HEADLESS_FLAGS)
BUDGET_KB = 120  # JavaScript and CSS of the first page, gzipped
GOALS = {"performance": 90, "accessibility": 95, "best-practices": 95, "seo": 90}
SENT_TYPES = {"Script", "Stylesheet"}


def build() -> None:
    """A production build, as `make storefront` makes it and CloudFront serves it."""
    subprocess.run(["npm", "run", "--silent", "build"], cwd=STOREFRONT, check=True)


def lighthouse(url: str, out: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            f"--chrome-path={CHROMIUM}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--output=json",
            f"--output-path={out}",
            "--quiet",
        ],
        check=True,
        cwd=STOREFRONT,
    )
    return json.loads(out.read_text())


def summary(report: dict) -> dict:
    """What the table shows of one Lighthouse report."""
    requests = report["audits"]["network-requests"]["details"]["items"]
    sent = {kind: 0 for kind in SENT_TYPES}
    for item in requests:
        if item.get("resourceType") in SENT_TYPES:
            sent[item["resourceType"]] += item.get("transferSize", 0)
    scores = {name: round(100 * report["categories"][name]["score"]) for name in GOALS}
    failing = [
        audit["title"]
        for audit in report["audits"].values()
        if audit.get("score") is not None
        and audit["score"] < 0.9
        and audit.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
    ]
    return {
        "js": sent["Script"] / 1024,
        "css": sent["Stylesheet"] / 1024,
        "scores": scores,
        "lcp": report["audits"]["largest-contentful-paint"]["numericValue"] / 1000,
        "tbt": report["audits"]["total-blocking-time"]["numericValue"],
        "failing": failing,
    }


def median_of(runs: list[dict]) -> dict:
    best = dict(runs[0])
    for key in ("js", "css", "lcp", "tbt"):
        best[key] = statistics.median(run[key] for run in runs)
    best["scores"] = {
        name: round(statistics.median(run["scores"][name] for run in runs)) for name in GOALS
    }
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="keep Lighthouse's JSON reports here")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        raise SystemExit("Lighthouse is not installed: cd storefront && npm ci")
    build()
    media = Path(tempfile.mkdtemp(prefix="bench-storefront-media-"))
    environment = django_env(
        scratch_database_url("bench_storefront"),
        BENCH_GZIP="1",
        MEDIA_ROOT=str(media),
        SHOP_STOREFRONT_DIST=str(STOREFRONT / "dist"),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--verbosity", "0"], cwd=ROOT, env=environment, check=True)
    slug = subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            "from catalog.demo import seed_catalog; seed_catalog();"
            "from catalog.models import Product;"
            "print(Product.objects.filter(is_active=True, stock__gt=0).order_by('pk')[0].slug)",
        ],
        cwd=ROOT,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    pages = {
        "catalog (first page)": "/",
        "product": f"/products/{slug}",
        "cart": "/cart",
        "checkout": "/checkout",
    }
    reports = args.keep or Path(tempfile.mkdtemp(prefix="bench-storefront-"))
    reports.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict] = {}
    try:
        with gunicorn(environment) as port:
            for name, path in pages.items():
                runs = []
                for run in range(args.runs):
                    out = reports / f"{name.split()[0]}-{run}.json"
                    runs.append(summary(lighthouse(f"http://127.0.0.1:{port}{path}", out)))
                results[name] = median_of(runs)
    finally:
        shutil.rmtree(media, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(reports, ignore_errors=True)

    rows = []
    misses = []
    for name, result in results.items():
        sent = result["js"] + result["css"]
        scores = result["scores"]
        rows.append(
            [
                name,
                f"{result['js']:.1f}",
                f"{result['css']:.1f}",
                f"{sent:.1f}",
                *(str(scores[goal]) for goal in GOALS),
                f"{result['lcp']:.1f}",
                f"{result['tbt']:.0f}",
            ]
        )
        if name.startswith("catalog") and sent > BUDGET_KB:
            misses.append(f"{name}: {sent:.1f} KB sent, budget {BUDGET_KB} KB")
        for goal, target in GOALS.items():
            if scores[goal] < target:
                misses.append(
                    f"{name}: {goal} {scores[goal]} (goal {target}); below 90: "
                    + "; ".join(result["failing"][:6])
                )
    print_table(
        "The storefront in Lighthouse 12.2.3's mobile emulation (production build, gzip)",
        ["page", "JS KB", "CSS KB", "sent KB", *GOALS, "LCP s", "TBT ms"],
        rows,
    )
    print(
        f"Budget: {BUDGET_KB} KB of JavaScript and CSS for the first page; goals: "
        + ", ".join(f"{goal} {target}+" for goal, target in GOALS.items())
    )
    print("\n".join(["Misses:", *misses]) if misses else "Every budget and goal met.")


if __name__ == "__main__":
    main()
