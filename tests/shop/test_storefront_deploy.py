"""The storefront in production: its bucket behind CloudFront with its headers, the Hosted UI
client in the template, and the upload of a build with its config.json (infra/)."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import boto3
import pytest

from infra import publish_storefront
from tests.shop.stack import stack_template

ROOT = Path(__file__).resolve().parents[2]
OUTPUTS = {
    "ShopApiOrigin": "https://abc123.execute-api.eu-west-1.amazonaws.com",
    "CognitoAwsRegion": "eu-west-1",
    "CognitoUserPool": "eu-west-1_AbCdEf",
    "CognitoAudience": "client123",
    "CognitoDomain": "https://myshop.auth.eu-west-1.amazoncognito.com",
    "StorefrontBucketName": "storefront-publish",
    "ShopStorefrontUrl": "https://d111.cloudfront.net",
}


@pytest.fixture(scope="module")
def resources():
    return stack_template()["Resources"]


def _sub(value) -> str:
    """The text of a !Sub (one string, or [string, variables])."""
    sub = value["Fn::Sub"]
    return sub if isinstance(sub, str) else sub[0]


def test_the_storefront_bucket_is_read_by_the_distribution_only(resources):
    statements = resources["StorefrontBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allow) == 1
    [read] = allow
    assert read["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert read["Action"] == "s3:GetObject"
    assert "distribution/${Cdn}" in _sub(read["Condition"]["StringEquals"]["AWS:SourceArn"])
    deny = [s for s in statements if s["Effect"] == "Deny"]
    assert deny and deny[0]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    block = resources["StorefrontBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(block.values()) and len(block) == 4


def test_cloudfront_serves_the_storefront_at_its_root_through_origin_access_control(resources):
    config = resources["Cdn"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["storefront"]["DomainName"] == {
        "Fn::GetAtt": ["StorefrontBucket", "RegionalDomainName"]
    }
    assert origins["storefront"]["OriginAccessControlId"]
    default = config["DefaultCacheBehavior"]
    assert default["TargetOriginId"] == "storefront"
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"
    assert default["ResponseHeadersPolicyId"] == {"Ref": "StorefrontHeaders"}
    assert default["CachePolicyId"] == {"Ref": "StorefrontCachePolicy"}
    [routing] = default["FunctionAssociations"]
    assert routing["EventType"] == "viewer-request"
    patterns = {b["PathPattern"]: b["TargetOriginId"] for b in config["CacheBehaviors"]}
    assert patterns == {"static/*": "static", "media/*": "media"}


def test_the_cache_keeps_what_the_bucket_says_and_nothing_unsaid(resources):
    policy = resources["StorefrontCachePolicy"]["Properties"]["CachePolicyConfig"]
    # index.html and config.json say no-cache: with a minimum and default of 0 they are
    # never kept; the hashed assets say a year, which the maximum allows.
    assert (policy["MinTTL"], policy["DefaultTTL"], policy["MaxTTL"]) == (0, 0, 31536000)
    assert publish_storefront.NEVER == "no-cache"
    assert "max-age=31536000" in publish_storefront.IMMUTABLE


def _csp(resources) -> dict[str, list[str]]:
    headers = resources["StorefrontHeaders"]["Properties"]["ResponseHeadersPolicyConfig"]
    text = _sub(headers["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = {}
    for part in text.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def test_the_csp_allows_the_shop_its_api_stripe_and_cognito_and_nothing_else(resources):
    csp = _csp(resources)
    allowed = {
        "'self'",
        "'none'",
        "data:",
        "${ApiOrigin}",
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
        "https://api.stripe.com",
        "https://*.stripe.com",
        "https://${AuthDomainPrefix}.auth.${AWS::Region}.amazoncognito.com",
        "https://cognito-idp.${AWS::Region}.amazonaws.com",
    }
    sources = {source for values in csp.values() for source in values}
    assert sources <= allowed, sources - allowed
    assert csp["default-src"] == ["'self'"]
    # Stripe's own list (its security guide): no inline script, no eval.
    assert csp["script-src"] == ["'self'", "https://js.stripe.com", "https://*.js.stripe.com"]
    assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources
    assert "${ApiOrigin}" in csp["connect-src"] and "https://api.stripe.com" in csp["connect-src"]
    assert set(csp["frame-src"]) == {
        "https://js.stripe.com",
        "https://*.js.stripe.com",
        "https://hooks.stripe.com",
    }
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"]


def test_the_storefront_sends_hsts_nosniff_and_a_referrer_policy(resources):
    security = resources["StorefrontHeaders"]["Properties"]["ResponseHeadersPolicyConfig"][
        "SecurityHeadersConfig"
    ]
    assert security["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert security["StrictTransportSecurity"]["IncludeSubdomains"] is True
    assert security["ContentTypeOptions"]["Override"] is True
    assert security["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    assert security["FrameOptions"]["FrameOption"] == "DENY"


@pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")
@pytest.mark.parametrize(
    ("uri", "asked"),
    [
        ("/", "/index.html"),
        ("/products/kenya-aa", "/index.html"),
        ("/orders/ABCDE-FGHIJ", "/index.html"),
        ("/signed-in", "/index.html"),
        ("/assets/index-3f2a1b.js", "/assets/index-3f2a1b.js"),
        ("/config.json", "/config.json"),
        ("/robots.txt", "/robots.txt"),
    ],
)
def test_the_spas_routes_fall_back_to_index_html_and_files_do_not(resources, uri, asked):
    code = resources["StorefrontRouting"]["Properties"]["FunctionCode"]
    script = code + f"\nconsole.log(handler({{request: {{uri: {json.dumps(uri)}}}}}).uri);"
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == asked


def test_the_hosted_ui_client_signs_in_with_a_code_to_the_storefront(resources):
    client = resources["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False  # a browser keeps no secret: PKCE instead
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert client["AllowedOAuthFlows"] == ["code"]
    assert set(client["AllowedOAuthScopes"]) == {"openid", "email", "profile"}
    callback_path = re.search(
        r'CALLBACK_PATH = "([^"]+)"', (ROOT / "storefront/src/auth/session.ts").read_text()
    ).group(1)
    assert [_sub(url) for url in client["CallbackURLs"]] == [
        f"https://${{Cdn.DomainName}}{callback_path}"
    ]
    assert [_sub(url) for url in client["LogoutURLs"]] == ["https://${Cdn.DomainName}/"]
    domain = resources["UserPoolDomain"]["Properties"]
    assert domain == {"Domain": {"Ref": "AuthDomainPrefix"}, "UserPoolId": {"Ref": "UserPool"}}


def test_the_apis_allowed_origin_and_view_site_come_from_the_stack():
    outputs = stack_template()["Outputs"]
    for key in ("CorsAllowedOrigins", "ShopStorefrontUrl"):
        assert _sub(outputs[key]["Value"]) == "https://${Cdn.DomainName}"
    settings = json.loads((ROOT / "zappa_settings.json").read_text())
    env = settings["dev"]["aws_environment_variables"]  # production extends dev
    assert env["CORS_ALLOWED_ORIGINS"] == "${CORS_ALLOWED_ORIGINS}"
    assert env["SHOP_STOREFRONT_URL"] == "${SHOP_STOREFRONT_URL}"


def _dist(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<!doctype html><script src="/assets/index-3f2a.js">')
    (root / "assets" / "index-3f2a.js").write_text("console.log(1)")
    (root / "assets" / "index-9c1d.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg/>")
    (root / "config.json").write_text('{"apiBaseUrl": "http://127.0.0.1:8000"}')  # a local one
    return root


def _config() -> dict:
    return publish_storefront.storefront_config(
        OUTPUTS, publishable_key="pk_live_123", shop_name="The Shop", currency="EUR", locale="en-GB"
    )


def test_config_json_is_the_stages_from_its_stack():
    assert _config() == {
        "apiBaseUrl": "https://abc123.execute-api.eu-west-1.amazonaws.com",
        "shopName": "The Shop",
        "currency": "EUR",
        "locale": "en-GB",
        "auth": {
            "authority": "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf",
            "clientId": "client123",
            "domain": "https://myshop.auth.eu-west-1.amazoncognito.com",
        },
        "payments": {"provider": "stripe", "publishableKey": "pk_live_123"},
    }


@pytest.mark.parametrize("key", ["sk_live_123", "", "rk_live_1"])
def test_config_json_never_carries_a_secret_key(key):
    with pytest.raises(SystemExit, match="publishable key"):
        publish_storefront.storefront_config(
            OUTPUTS, publishable_key=key, shop_name="S", currency="EUR", locale="en-GB"
        )


def test_config_json_needs_the_stacks_outputs():
    with pytest.raises(SystemExit, match="CognitoDomain"):
        publish_storefront.storefront_config(
            {k: v for k, v in OUTPUTS.items() if k != "CognitoDomain"},
            publishable_key="pk_1",
            shop_name="S",
            currency="EUR",
            locale="en-GB",
        )


def test_assets_go_first_and_index_html_last(tmp_path):
    order = [key for _, key, _, _ in publish_storefront.plan(_dist(tmp_path))]
    assert order[:2] == ["assets/index-3f2a.js", "assets/index-9c1d.css"]
    assert order[-2:] == ["config.json", "index.html"]
    assert order.count("config.json") == 1  # the stage's, never the local build's


def test_a_build_uploads_with_types_cache_headers_and_the_stages_config(moto_url, tmp_path):
    s3 = boto3.client("s3", endpoint_url=moto_url, region_name="us-east-1")
    s3.create_bucket(Bucket="storefront-publish")

    count = publish_storefront.publish(
        _dist(tmp_path), _config(), bucket="storefront-publish", client=s3
    )

    assert count == 5
    js = s3.get_object(Bucket="storefront-publish", Key="assets/index-3f2a.js")
    assert js["ContentType"] == "text/javascript; charset=utf-8"
    assert js["CacheControl"] == "public, max-age=31536000, immutable"
    css = s3.head_object(Bucket="storefront-publish", Key="assets/index-9c1d.css")
    assert css["ContentType"] == "text/css; charset=utf-8"
    index = s3.head_object(Bucket="storefront-publish", Key="index.html")
    assert (index["ContentType"], index["CacheControl"]) == ("text/html; charset=utf-8", "no-cache")
    config = s3.get_object(Bucket="storefront-publish", Key="config.json")
    assert config["CacheControl"] == "no-cache"
    assert json.loads(config["Body"].read()) == _config()
    icon = s3.head_object(Bucket="storefront-publish", Key="favicon.svg")
    assert icon["CacheControl"] == "public, max-age=300"
    grants = s3.get_object_acl(Bucket="storefront-publish", Key="index.html")["Grants"]
    assert all("AllUsers" not in str(grant["Grantee"]) for grant in grants)


def test_a_directory_without_a_build_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="make storefront"):
        publish_storefront.plan(tmp_path)
