"""Deployment glue: the Zappa settings, the stage renderer, static files on S3, SnapStart."""

import importlib
import json
import re
import sys
import types
from pathlib import Path

import boto3
import pytest

from infra import publish_static, zappa_stage
from tests.shop.stack import stack_template

ROOT = Path(__file__).resolve().parents[2]


ZAPPA = json.loads((ROOT / "zappa_settings.json").read_text())
PLACEHOLDERS = set(re.findall(r"\$\{(\w+)\}", json.dumps(ZAPPA)))


def test_production_stage_is_quiet_uses_snapstart_and_keeps_secrets_out():
    production = {**ZAPPA["dev"], **ZAPPA["production"]}
    assert production["runtime"] == "python3.12"
    assert production["debug"] is False and production["log_level"] == "WARNING"
    assert production["snap_start"] == "PublishedVersions"
    assert production["ephemeral_storage"]["Size"] <= 512  # SnapStart's limit
    assert "provisioned_concurrency" not in production  # not allowed with SnapStart
    assert {e["function"] for e in production["events"]} == {
        "reports.schedules.send_daily_report",
        "reports.schedules.purge_reports",
        "payments.schedules.expire_unpaid_orders",
        "payments.schedules.settle_payments",
        "catalog.schedules.low_stock_digest",
        "shop.schedules.send_outbox",
        "reports.schedules.rerun_stuck_reports",
        "shop.schedules.purge_signin_audit",
    }
    secrets = production["aws_environment_variables"]
    names = ("SECRET_KEY", "DATABASE_URL", "COGNITO_USER_POOL", "STRIPE_SECRET_KEY")
    for name in (*names, "COGNITO_AUDIENCE", "STRIPE_WEBHOOK_SECRET"):
        assert secrets[name] == "${" + name + "}"
    text = (ROOT / "zappa_settings.json").read_text()
    assert not re.search(r"\b\d{12}\b", text), "an AWS account id"
    assert not re.search(r"arn:aws:", text), "a real ARN"


def test_every_scheduled_function_exists():
    for event in ZAPPA["dev"]["events"]:
        module, name = event["function"].rsplit(".", 1)
        assert callable(getattr(importlib.import_module(module), name))


def test_stage_renderer_fills_placeholders_through_extends():
    values = {name: f"value-of-{name}" for name in PLACEHOLDERS}
    rendered = zappa_stage.render(ZAPPA, "production", values)
    assert set(rendered) == {"production", "dev"}
    assert "${" not in json.dumps(rendered)
    assert rendered["dev"]["aws_environment_variables"]["SECRET_KEY"] == "value-of-SECRET_KEY"
    assert rendered["dev"]["vpc_config"]["SubnetIds"] == [
        "value-of-PRIVATE_SUBNET_A",
        "value-of-PRIVATE_SUBNET_B",
    ]
    assert rendered["production"]["snap_start"] == "PublishedVersions"


def test_stage_renderer_names_every_missing_value_and_writes_nothing(tmp_path, monkeypatch):
    for name in PLACEHOLDERS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "s" * 50)
    output = tmp_path / "zappa_settings.json"
    with pytest.raises(SystemExit) as refused:
        zappa_stage.main(["production", "-o", str(output)])
    assert "DATABASE_URL" in str(refused.value) and "LAMBDA_ROLE_ARN" in str(refused.value)
    missing = {name.strip() for name in str(refused.value).split(":")[0][12:].split(",")}
    assert "SECRET_KEY" not in missing and "STRIPE_SECRET_KEY" in missing
    assert not output.exists()


def test_stage_renderer_writes_a_private_file(tmp_path, monkeypatch):
    for name in PLACEHOLDERS:
        monkeypatch.setenv(name, f"v-{name}")
    output = tmp_path / "out" / "zappa_settings.json"
    zappa_stage.main(["dev", "-o", str(output)])
    assert json.loads(output.read_text())["dev"]["role_arn"] == "v-LAMBDA_ROLE_ARN"
    assert output.stat().st_mode & 0o077 == 0


def _collect(tmp_path) -> Path:
    """A small collected tree with a manifest, as ManifestStaticFilesStorage writes it."""
    root = tmp_path / "static"
    (root / "admin" / "css").mkdir(parents=True)
    (root / "admin" / "css" / "base.css").write_text("body{}")
    (root / "admin" / "css" / "base.0123456789ab.css").write_text("body{}")
    (root / "admin" / "img").mkdir()
    (root / "admin" / "img" / "icon.0123456789ab.svg").write_text("<svg/>")
    manifest = {
        "paths": {
            "admin/css/base.css": "admin/css/base.0123456789ab.css",
            "admin/img/icon.svg": "admin/img/icon.0123456789ab.svg",
        },
        "version": "1.1",
        "hash": "x",
    }
    (root / "staticfiles.json").write_text(json.dumps(manifest))
    return root


def test_publish_static_uploads_with_types_and_cache_lifetimes(moto_url, tmp_path):
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="static-publish")
    count = publish_static.publish(
        _collect(tmp_path), bucket="static-publish", prefix="static", client=s3
    )
    assert count == 4
    hashed = s3.get_object(Bucket="static-publish", Key="static/admin/css/base.0123456789ab.css")
    assert hashed["ContentType"] == "text/css; charset=utf-8"
    assert hashed["CacheControl"] == "public, max-age=31536000, immutable"
    assert hashed["Body"].read() == b"body{}"
    original = s3.head_object(Bucket="static-publish", Key="static/admin/css/base.css")
    assert original["CacheControl"] == "public, max-age=300"
    svg = s3.head_object(Bucket="static-publish", Key="static/admin/img/icon.0123456789ab.svg")
    assert svg["ContentType"] == "image/svg+xml; charset=utf-8"
    # Private objects: CloudFront reads them, the public does not.
    grants = s3.get_object_acl(Bucket="static-publish", Key="static/admin/css/base.css")["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)


def test_static_urls_come_from_the_shipped_manifest_without_reading_s3(settings, tmp_path):
    from shop.storages import S3ManifestStaticStorage

    root = _collect(tmp_path)
    settings.STATIC_MANIFEST_DIR = root
    storage = S3ManifestStaticStorage(
        bucket_name="no-such-bucket",  # never contacted: the URL comes from the manifest
        location="static",
        custom_domain="cdn.example.com",
        querystring_auth=False,
    )
    assert storage.url("admin/css/base.css") == (
        "https://cdn.example.com/static/admin/css/base.0123456789ab.css"
    )
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        storage.url("admin/css/not-collected.css")


def test_snapstart_hooks_register_with_lambdas_runtime(monkeypatch):
    from shop import snapstart

    assert snapstart.register() is False  # not on Lambda: nothing to register with
    registered = {}
    runtime = types.ModuleType("snapshot_restore_py")
    runtime.register_before_snapshot = lambda hook: registered.setdefault("before", hook)
    runtime.register_after_restore = lambda hook: registered.setdefault("after", hook)
    monkeypatch.setitem(sys.modules, "snapshot_restore_py", runtime)
    assert snapstart.register() is True
    assert registered == {"before": snapstart.before_snapshot, "after": snapstart.after_restore}


@pytest.mark.django_db(transaction=True)
def test_before_snapshot_loads_the_views_and_leaves_no_open_connection():
    from django.db import connection

    from shop import snapstart

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert connection.connection is not None
    snapstart.before_snapshot()
    assert connection.connection is None
    assert "orders.apis" in sys.modules and "catalog.apis" in sys.modules
    assert "shop.cognito" in sys.modules


def test_after_restore_gives_each_copy_its_own_random_state():
    import random

    from shop import snapstart

    random.seed(42)
    snapshot_state = random.getstate()
    snapstart.after_restore()
    first = random.random()
    random.setstate(snapshot_state)
    snapstart.after_restore()
    assert random.random() != first


def _template() -> dict:
    return stack_template()


def test_template_outputs_fill_every_account_placeholder():
    outputs = _template()["Outputs"]
    provided = {zappa_stage.placeholder_name(key) for key in outputs}
    provided |= {"SECRET_KEY", "SECRET_KEY_FALLBACKS", "DATABASE_URL"}  # the stack's secrets
    # What only the operator knows: the app's own addresses, and the Stripe account's keys.
    operator = {"ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SHOP_BASE_URL"}
    operator |= {"STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "STRIPE_PUBLISHABLE_KEY"}
    assert PLACEHOLDERS - operator <= provided, PLACEHOLDERS - operator - provided


def test_template_buckets_are_private_encrypted_and_reports_expire():
    resources = _template()["Resources"]
    buckets = {k: v for k, v in resources.items() if v["Type"] == "AWS::S3::Bucket"}
    assert {"MediaBucket", "StaticBucket", "ReportsBucket"} <= set(buckets)
    for name, bucket in buckets.items():
        block = bucket["Properties"]["PublicAccessBlockConfiguration"]
        assert all(block[flag] is True for flag in block) and len(block) == 4, name
        encryption = bucket["Properties"]["BucketEncryption"]
        assert encryption["ServerSideEncryptionConfiguration"], name
    rules = buckets["ReportsBucket"]["Properties"]["LifecycleConfiguration"]["Rules"]
    assert any("ExpirationInDays" in rule for rule in rules)


def test_template_lambda_role_grants_no_wildcard_actions():
    role = _template()["Resources"]["LambdaRole"]["Properties"]
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    for statement in statements:
        actions = (
            statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
        )
        assert all("*" not in action for action in actions), statement
        if statement["Sid"] != "VpcNetworkInterfaces":  # Lambda's ENI calls take no resource
            assert statement["Resource"] != "*", statement


def test_stack_values_read_both_secrets_from_secrets_manager(moto_url):
    secrets = boto3.client("secretsmanager", endpoint_url=moto_url, region_name="us-east-1")
    django = secrets.create_secret(Name="shop-test-django", SecretString="k" * 64)["ARN"]
    database = secrets.create_secret(
        Name="shop-test-db", SecretString=json.dumps({"username": "shop", "password": "p@ss/w:rd"})
    )["ARN"]
    outputs = {
        "LambdaRoleArn": "role",
        "AwsS3CustomDomain": "d1.cloudfront.net",
        "PrivateSubnetA": "subnet-a",
        "DjangoSecretArn": django,
        "DatabaseSecretArn": database,
        "DatabaseProxyEndpoint": "proxy.example.internal",
    }
    values = zappa_stage.stack_values(outputs, secrets)
    assert values["SECRET_KEY_FALLBACKS"] == ""  # never rotated
    secrets.put_secret_value(SecretId=django, SecretString="n" * 64)  # a rotation
    rotated = zappa_stage.stack_values(outputs, secrets)
    assert (rotated["SECRET_KEY"], rotated["SECRET_KEY_FALLBACKS"]) == ("n" * 64, "k" * 64)
    assert values["LAMBDA_ROLE_ARN"] == "role"
    assert values["AWS_S3_CUSTOM_DOMAIN"] == "d1.cloudfront.net"
    assert values["PRIVATE_SUBNET_A"] == "subnet-a"
    assert values["SECRET_KEY"] == "k" * 64
    assert values["DATABASE_URL"] == (
        "postgres://shop:p%40ss%2Fw%3Ard@proxy.example.internal:5432/shop?sslmode=require"
    )
    import environ

    parsed = environ.Env.db_url_config(values["DATABASE_URL"])
    assert parsed["PASSWORD"] == "p@ss/w:rd" and parsed["HOST"] == "proxy.example.internal"


def test_failed_asynchronous_invocations_go_to_an_encrypted_private_queue_with_an_alarm():
    resources = _template()["Resources"]
    queue = resources["FailedTasksQueue"]
    assert queue["Type"] == "AWS::SQS::Queue"
    assert queue["Properties"]["SqsManagedSseEnabled"] is True
    assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600
    policy = resources["FailedTasksQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert {s["Sid"]: s["Effect"] for s in policy} == {"TlsOnly": "Deny", "OnlyThisAccount": "Deny"}
    # Only the function's role may use it, and only on this queue.
    role = resources["LambdaRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    grants = [s for s in role if any(a.startswith("sqs:") for a in s["Action"])]
    assert [g["Resource"] for g in grants] == [{"Fn::GetAtt": ["FailedTasksQueue", "Arn"]}]
    alarm = resources["FailedTasksAlarm"]["Properties"]
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Dimensions"][0]["Value"] == {"Fn::GetAtt": ["FailedTasksQueue", "QueueName"]}
    assert (alarm["Threshold"], alarm["ComparisonOperator"]) == (0, "GreaterThanThreshold")
    assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}]
    assert resources["AlarmTopic"]["Properties"]["KmsMasterKeyId"] == "alias/aws/sns"
    # Zappa puts the queue on the function; the replay command finds it by its URL.
    assert ZAPPA["dev"]["dead_letter_arn"] == "${DEAD_LETTER_ARN}"
    outputs = _template()["Outputs"]
    assert outputs["DeadLetterArn"]["Value"] == {"Fn::GetAtt": ["FailedTasksQueue", "Arn"]}
    env = ZAPPA["dev"]["aws_environment_variables"]
    assert env["SHOP_FAILED_TASKS_QUEUE_URL"] == "${SHOP_FAILED_TASKS_QUEUE_URL}"
