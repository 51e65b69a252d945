"""Finish a Zappa zip for Lambda: drop what the function never uses, ship precompiled bytecode.

Lambda's /var/task is read-only, so Python cannot cache bytecode there: without this, every
cold start compiles every imported module again. The .pyc files are "unchecked-hash" ones:
valid whatever the timestamps the zip gives the sources, never re-validated.

    python infra/package.py build/shop-dev.zip [build/static/staticfiles.json]
"""

import compileall
import re
import shutil
import sys
import tempfile
import zipfile
from pathlib import Path

# Zappa's command-line and packaging dependencies: never imported by its handler at run time
# (the smoke test runs the handler without them).
BUILD_ONLY = re.compile(
    r"^(_distutils_hack|distutils-precedence\.pth|argcomplete|cfn_clean|cfn_flip|cfn_tools|"
    r"click|hjson|pip|placebo|python_slugify|slugify|setuptools|pkg_resources|"
    r"text_unidecode|toml|tqdm|troposphere|wheel)([-.].*)?$"
)


# botocore ships the models of 400+ AWS services; the app calls these (S3 storage, SES mail,
# Zappa's async tasks through Lambda/SNS/DynamoDB, credentials through STS/SSO). The smoke
# test builds a client for each, so a model missing here fails CI, not production.
BOTOCORE_SERVICES = {"s3", "ses", "sesv2", "lambda", "sns", "sts", "dynamodb", "sso", "sso-oidc"}
# Static files are collected to S3 and served by CloudFront, never from the function.
STATIC_ONLY = ["drf_spectacular_sidecar/static", "django/contrib/admin/static"]
# Stripe's request-parameter TypedDicts (8.5 MiB with bytecode): its code imports them only
# under TYPE_CHECKING. The payment tests pass with them hidden; the smoke test loads the
# services the shop calls.
TYPING_ONLY = ["stripe/params"]
# The shop runs in English (LANGUAGE_CODE en-us, no LocaleMiddleware): other translations
# of Django and its apps are never loaded.
KEPT_LANGUAGES = ("en",)


def _trim(root: Path) -> None:
    for entry in root.iterdir():
        if BUILD_ONLY.match(entry.name):
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    for service in (root / "botocore" / "data").iterdir():
        if service.is_dir() and service.name not in BOTOCORE_SERVICES:
            shutil.rmtree(service)
    for folder in (*STATIC_ONLY, *TYPING_ONLY):
        shutil.rmtree(root / folder, ignore_errors=True)
    for locale in root.rglob("locale"):
        if locale.is_dir():
            for language in locale.iterdir():
                if language.is_dir() and not language.name.startswith(KEPT_LANGUAGES):
                    shutil.rmtree(language)


def precompile(archive: Path, *, static_manifest: Path | None = None) -> tuple[int, int]:
    """Trim and compile the zip in place; return (zipped, unzipped) sizes in bytes.

    static_manifest (build/static/staticfiles.json) goes to the root of the package, where
    production settings read it (STATIC_MANIFEST_DIR).
    """
    with tempfile.TemporaryDirectory() as workdir:
        root = Path(workdir)
        with zipfile.ZipFile(archive) as source:
            source.extractall(root)
            modes = {info.filename: info.external_attr for info in source.infolist()}
        _trim(root)
        if static_manifest is not None:
            shutil.copyfile(static_manifest, root / "staticfiles.json")
        if not compileall.compile_dir(
            root,
            quiet=1,
            workers=0,
            invalidation_mode=compileall.py_compile.PycInvalidationMode.UNCHECKED_HASH,
        ):
            raise SystemExit("Some modules did not compile.")
        rebuilt = archive.with_suffix(".tmp")
        unzipped = 0
        with zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
            for path in sorted(p for p in root.rglob("*") if p.is_file()):
                name = path.relative_to(root).as_posix()
                info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                # Keep permissions (Lambda needs files readable by its user).
                info.external_attr = modes.get(name, 0o644 << 16) or (0o644 << 16)
                data = path.read_bytes()
                unzipped += len(data)
                target.writestr(info, data)
        rebuilt.replace(archive)
    return archive.stat().st_size, unzipped


if __name__ == "__main__":
    manifest = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    zipped, unzipped = precompile(Path(sys.argv[1]), static_manifest=manifest)
    print(f"{sys.argv[1]}: {zipped / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped")
