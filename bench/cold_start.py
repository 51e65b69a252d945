"""Cold start of the Lambda artifact: time to the first response in a fresh interpreter.

Each run unpacks nothing new: the zip is unpacked once into a folder, then a fresh
`python -I -S -B` process (only that folder importable, bytecode never written, as on
Lambda's read-only /var/task) imports Zappa's handler, which sets up Django, and answers an
API Gateway event for GET /api/v1/products/: the shop's first page of 20 products, or in the
bare project a JSON view of 20 rows read through the ORM. All three read PostgreSQL, as
production does (a scratch database each on BENCH_DATABASE_URL's server), so each pays for
the driver's import and a new connection. The time is measured inside the process, from its
first line to the answer; median of the runs.

Compared in the same run:
- this project as `make package` builds it (build-only packages dropped, bytecode shipped);
- Zappa's default packaging of this same app (`zappa package` output as it is);
- a bare `django-admin startproject` with one JSON view, packaged the way this project is.

Targets: no slim_handler (zipped <= 40 MB, unzipped <= 100 MB); cold start within 1.3x of
the bare project and at least 3x faster than Zappa's default packaging.

    make package && python bench/cold_start.py [--runs 7]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT, print_table, scratch_database_url
from infra.smoke import isolated_env, run_isolated

FIRST_REQUEST = r"""
import time
started = time.perf_counter()
import json, os, sys
sys.path[:0] = [sys.argv[1]]
os.chdir(sys.argv[1])
import handler
event = {
    "httpMethod": "GET", "path": "/api/v1/products/", "resource": "/{proxy+}",
    "headers": {"Host": "smoke.example.com", "X-Forwarded-Proto": "https"},
    "multiValueHeaders": {}, "queryStringParameters": None,
    "multiValueQueryStringParameters": None, "pathParameters": None,
    "requestContext": {"identity": {"sourceIp": "127.0.0.1"}, "stage": "dev"},
    "stageVariables": None, "isBase64Encoded": False, "body": None,
}
class Context:
    aws_request_id = "cold"; function_name = "cold"; memory_limit_in_mb = 512
    def get_remaining_time_in_millis(self): return 30000
response = handler.lambda_handler(event, Context())
assert response["statusCode"] == 200, response
print("COLD", (time.perf_counter() - started) * 1000)
"""


def prepare(settings_module: str, seed: str) -> str:
    """Return a script that migrates the unpacked project's database, then runs seed."""
    return (
        "import os, sys\n"
        "sys.path[:0] = [sys.argv[1]]\n"
        "os.chdir(sys.argv[1])\n"
        f"os.environ['DJANGO_SETTINGS_MODULE'] = {settings_module!r}\n"
        "import django\n"
        "django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('migrate', verbosity=0)\n" + seed
    )


APP_SEED = r"""
# A real first page: 20 products with images (their URLs are built, never fetched).
from decimal import Decimal
from catalog.models import Category, Product
category = Category.objects.create(name="Coffee", slug="coffee")
Product.objects.bulk_create(
    Product(sku=f"COLD-{i}", name=f"Product {i}", slug=f"product-{i}", category=category,
            price=Decimal("9.90"), stock=5, image=f"products/{i}.jpg",
            thumbnail=f"products/thumbs/{i}.jpg")
    for i in range(20)
)
"""

BARE_VIEW = """
from django.contrib.auth.models import User
from django.http import JsonResponse
from django.urls import path


def products(request):
    rows = list(User.objects.values("id", "username", "email")[:20])
    return JsonResponse({"count": len(rows), "results": rows})


urlpatterns = [path("api/v1/products/", products)]
"""

# The bare project reads the same kind of database as the shop: PostgreSQL, from the URL.
BARE_DATABASE = """
import os
from urllib.parse import urlsplit

_url = urlsplit(os.environ["DATABASE_URL"])
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _url.path.lstrip("/"),
        "USER": _url.username or "",
        "PASSWORD": _url.password or "",
        "HOST": _url.hostname or "",
        "PORT": _url.port or "",
    }
}
"""

BARE_SEED = r"""
from django.contrib.auth.models import User
User.objects.bulk_create(User(username=f"user{i}", email=f"u{i}@example.com") for i in range(20))
"""


def build_bare(workdir: Path) -> Path:
    """A bare startproject with one view, packaged as `make package` packages this project."""
    venv = ROOT / ".venv-package"
    project = workdir / "bare"
    project.mkdir()
    subprocess.run(
        [venv / "bin" / "django-admin", "startproject", "bare", str(project)], check=True
    )
    (project / "bare" / "urls.py").write_text(BARE_VIEW)
    settings = project / "bare" / "settings.py"
    settings.write_text(
        settings.read_text().replace("ALLOWED_HOSTS = []", 'ALLOWED_HOSTS = ["*"]') + BARE_DATABASE
    )
    (project / "zappa_settings.json").write_text(
        json.dumps(
            {
                "dev": {
                    "project_name": "bare",
                    "runtime": "python3.12",
                    "django_settings": "bare.settings",
                    "aws_region": "eu-north-1",
                    "s3_bucket": "unused",
                }
            }
        )
    )
    archive = workdir / "bare.zip"
    environment = {
        **os.environ,
        "VIRTUAL_ENV": str(venv),
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "AWS_DEFAULT_REGION": "eu-north-1",
        "AWS_ACCESS_KEY_ID": "packaging",
        "AWS_SECRET_ACCESS_KEY": "packaging",
    }
    subprocess.run(
        [venv / "bin" / "zappa", "package", "dev", "-o", str(archive)],
        cwd=project,
        env=environment,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        [venv / "bin" / "python", ROOT / "infra" / "package.py", str(archive)],
        check=True,
        capture_output=True,
    )
    return archive


def measure(archive: Path, runs: int, app: bool, database: str) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        package = Path(workdir) / "task"
        with zipfile.ZipFile(archive) as source:
            source.extractall(package)
            unzipped = sum(info.file_size for info in source.infolist())
        # As in production: PostgreSQL; for the app also images on S3 behind CloudFront
        # (their URLs need no request; the endpoint given is never contacted) and SES.
        database_url = scratch_database_url(database)
        environment = (
            {
                **isolated_env(workdir, "http://127.0.0.1:9"),
                "AWS_S3_CUSTOM_DOMAIN": "cdn.example.com",
                "DATABASE_URL": database_url,
            }
            if app
            else {
                "PATH": os.environ["PATH"],
                "HOME": workdir,
                "LANG": "C.UTF-8",
                "DATABASE_URL": database_url,
            }
        )
        script = prepare("shop.settings", APP_SEED) if app else prepare("bare.settings", BARE_SEED)
        migrated = run_isolated(package, script, environment)
        assert migrated.returncode == 0, migrated.stderr[-3000:]
        times = []
        for _ in range(runs):
            result = run_isolated(package, FIRST_REQUEST, environment)
            lines = [x for x in result.stdout.splitlines() if x.startswith("COLD ")]
            assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-3000:]
            times.append(float(lines[-1].split()[1]))
    return {
        "zipped": archive.stat().st_size,
        "unzipped": unzipped,
        "median": statistics.median(times),
        "runs": times,
    }


def _against_baseline(ours: Path, baseline: Path, runs: int) -> None:
    results = {
        "baseline": measure(baseline, runs, True, "bench_cold_base"),
        "this build": measure(ours, runs, True, "bench_cold_app"),
    }
    base = results["baseline"]
    rows = [
        [
            name,
            f"{r['zipped'] / 2**20:.2f}",
            f"{(r['zipped'] - base['zipped']) / 2**20:+.2f}",
            f"{r['unzipped'] / 2**20:.2f}",
            f"{r['median']:.0f}",
            f"{r['median'] - base['median']:+.0f}",
            " ".join(f"{t:.0f}" for t in r["runs"]),
        ]
        for name, r in results.items()
    ]
    print_table(
        f"Cold start against a baseline build ({runs} runs)",
        ["artifact", "zipped MiB", "change", "unzipped MiB", "median ms", "change", "runs ms"],
        rows,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--stage", default="dev")
    parser.add_argument(
        "--baseline",
        type=Path,
        help="Another build of this project (say, before a dependency was added): compare the "
        "two instead of the three artifacts.",
    )
    args = parser.parse_args()
    ours = ROOT / "build" / f"shop-{args.stage}.zip"
    if args.baseline:
        return _against_baseline(ours, args.baseline, args.runs)
    default = ROOT / "build" / f"shop-{args.stage}-zappa-default.zip"
    if not ours.exists() or not default.exists():
        raise SystemExit("Run `make package` first.")
    with tempfile.TemporaryDirectory() as workdir:
        bare = build_bare(Path(workdir))
        results = {
            "this project (make package)": measure(ours, args.runs, True, "bench_cold_app"),
            "this app, Zappa's default packaging": measure(
                default, args.runs, True, "bench_cold_default"
            ),
            "bare startproject, packaged the same way": measure(
                bare, args.runs, False, "bench_cold_bare"
            ),
        }
    bare_ms = results["bare startproject, packaged the same way"]["median"]
    default_ms = results["this app, Zappa's default packaging"]["median"]
    rows = [
        [
            name,
            f"{r['zipped'] / 2**20:.1f}",
            f"{r['unzipped'] / 2**20:.1f}",
            f"{r['median']:.0f}",
            f"{r['median'] / bare_ms:.2f}x",
            f"{default_ms / r['median']:.2f}x",
            " ".join(f"{t:.0f}" for t in r["runs"]),
        ]
        for name, r in results.items()
    ]
    print_table(
        f"Cold start to the first GET /api/v1/products/ (fresh python -I -S -B, {args.runs} runs)",
        [
            "artifact",
            "zipped MiB",
            "unzipped MiB",
            "median ms",
            "vs bare",
            "speed-up vs default",
            "runs ms",
        ],
        rows,
    )
    print(
        "\nTargets: zipped <= 40 MiB, unzipped <= 100 MiB; <= 1.3x bare; >= 3x faster than "
        "Zappa's default packaging."
    )


if __name__ == "__main__":
    main()
