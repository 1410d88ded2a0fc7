"""Bearer tokens: who is calling.

The admin token (a documented development default, like Azurite's well-known key) acts as the
System Administrator. Tokens for other users are signed with the admin token, so they need no
storage and stay valid across restarts of a file-backed server.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from mock_server.errors import Unauthorized

DEFAULT_ADMIN_TOKEN = "mock-dataverse-admin-token"
_USER_TOKEN = re.compile(r"^mdv1\.([0-9a-f-]{36})\.([0-9a-f]{32})$")


def user_token(admin_token: str, systemuserid: str) -> str:
    signature = hmac.new(admin_token.encode(), systemuserid.encode(), hashlib.sha256).hexdigest()[:32]
    return f"mdv1.{systemuserid}.{signature}"


def authenticate(authorization: str | None, admin_token: str, admin_user_id: str) -> tuple[str, bool]:
    """The systemuserid a request acts as, and whether it used the admin token."""
    if not authorization:
        raise Unauthorized("The request is not authenticated: send 'Authorization: Bearer <token>'.")
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise Unauthorized("The Authorization header must use the Bearer scheme.")
    if hmac.compare_digest(token, admin_token):
        return admin_user_id, True
    match = _USER_TOKEN.match(token)
    if match and hmac.compare_digest(user_token(admin_token, match[1]), token):
        return match[1], False
    raise Unauthorized("The bearer token is not valid for this server.")
