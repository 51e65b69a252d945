"""The API's customer authentication, as named in REST_FRAMEWORK settings."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header


class CognitoAuthentication(BaseAuthentication):
    """`Authorization: Bearer <Cognito ID token>` for customers; any bad token is a 401.

    A front for shop.cognito.CognitoAuthentication, which does all the work: the token
    machinery (PyJWT, cryptography, django-cognito-jwt, ~25 ms of imports) loads with the
    first bearer token, so a cold start serving the catalog to a guest never pays for it.
    """

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        from shop.cognito import CognitoAuthentication as TokenAuthentication

        return TokenAuthentication().authenticate(request)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'
