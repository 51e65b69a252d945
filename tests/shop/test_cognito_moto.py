"""End to end with moto's Cognito over HTTP: a real user pool signs real ID tokens."""

import boto3
import pytest

from orders.models import Order
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Correct-Horse-42!"


@pytest.fixture
def pool(moto_url, settings):
    idp = boto3.client("cognito-idp", endpoint_url=moto_url, region_name="us-east-1")
    pool_id = idp.create_user_pool(PoolName="shop-customers", UsernameAttributes=["email"])[
        "UserPool"
    ]["Id"]
    client_id = idp.create_user_pool_client(
        UserPoolId=pool_id,
        ClientName="spa",
        ExplicitAuthFlows=["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        ReadAttributes=["email", "email_verified", "given_name", "family_name"],
    )["UserPoolClient"]["ClientId"]
    idp.admin_create_user(
        UserPoolId=pool_id,
        Username="ann@example.com",
        UserAttributes=[
            {"Name": "email", "Value": "ann@example.com"},
            {"Name": "email_verified", "Value": "true"},
            {"Name": "given_name", "Value": "Ann"},
            {"Name": "family_name", "Value": "Smith"},
        ],
        MessageAction="SUPPRESS",
    )
    idp.admin_set_user_password(
        UserPoolId=pool_id, Username="ann@example.com", Password=PASSWORD, Permanent=True
    )
    settings.COGNITO_AWS_REGION = "us-east-1"
    settings.COGNITO_USER_POOL = pool_id
    settings.COGNITO_AUDIENCE = client_id
    settings.COGNITO_ISSUER = ""  # derived: https://cognito-idp.us-east-1.amazonaws.com/<pool>
    settings.COGNITO_JWKS_URL = f"{moto_url}/{pool_id}/.well-known/jwks.json"
    tokens = idp.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": "ann@example.com", "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    return tokens


def test_sign_in_with_user_password_auth_then_use_the_api(api_client, pool):
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {pool['IdToken']}")
    product = ProductFactory(stock=5)

    me = api_client.get("/api/v1/me/")
    assert me.status_code == 200, me.content
    assert (me.json()["email"], me.json()["first_name"]) == ("ann@example.com", "Ann")

    cart = api_client.put(f"/api/v1/cart/items/{product.id}/", {"quantity": 2}, format="json")
    assert cart.status_code == 200
    placed = api_client.post(
        "/api/v1/orders/",
        {
            "shipping_address": {
                "line1": "1 Road",
                "city": "Oslo",
                "postal_code": "1",
                "country": "NO",
            }
        },
        format="json",
    )
    assert placed.status_code == 201, placed.content
    assert placed.json()["customer"]["email"] == "ann@example.com"
    assert placed.json()["access_token"] is None
    mine = api_client.get("/api/v1/orders/").json()
    assert [order["reference"] for order in mine["results"]] == [placed.json()["reference"]]
    assert Order.objects.get().user.email == "ann@example.com"


def test_the_access_token_of_the_same_sign_in_is_refused(api_client, pool):
    response = api_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {pool['AccessToken']}")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"
