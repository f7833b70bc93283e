"""Sign-in with msal: client credentials of an app registration, tokens cached for the run.

msal's ``acquire_token_for_client`` looks in its token cache first (msal >= 1.23) and asks the
token endpoint only on a miss, so a run signs in once. The cache is in memory and belongs to this
object (never persisted, never shared between runs). ``invalidate`` drops it: Graph answered 401
to a token msal still thought valid (revoked, clock skew), and one fresh token is worth a try.

Every token obtained is handed to ``on_token`` before it is used, so the run masks it in its log
and bundle; msal's own logger is not attached to the run's log.

For the loopback test authority only, ``authority_validation: false`` turns off msal's authority
validation and instance discovery (``validate_authority=False, instance_discovery=False``); the
requests go through our ``requests.Session`` (``http_client``), which trusts ``ca_file``.
"""

from __future__ import annotations

from collections.abc import Callable

import requests

from harness.errors import ConfigError, ConnectionLost, RigError
from harness.intune.credentials import ClientCredential
from harness.intune.settings import IntuneAppSettings

GRAPH_SCOPE_SUFFIX = "/.default"


class SignInFailed(RigError):
    """Entra refused the app's credential (AADSTS error) or could not be reached."""


class TokenSource:
    def __init__(
        self,
        app: IntuneAppSettings,
        credential: ClientCredential,
        session: requests.Session,
        *,
        on_token: Callable[[str], None] = lambda token: None,
    ) -> None:
        self._app = app
        self._credential = credential
        self._session = session
        self._on_token = on_token
        self._client: object | None = None
        self.acquired = 0
        """Tokens obtained from the token endpoint (not from the cache)."""

    @property
    def scope(self) -> str:
        return self._app.graph_url.rstrip("/") + GRAPH_SCOPE_SUFFIX

    def set_on_token(self, on_token: Callable[[str], None]) -> None:
        self._on_token = on_token

    def token(self) -> str:
        client = self._msal_client()
        try:
            result = client.acquire_token_for_client(scopes=[self.scope])  # type: ignore[attr-defined]
        except requests.RequestException as problem:
            raise ConnectionLost(f"sign-in: {type(problem).__name__}") from None
        except ValueError as problem:  # tenant discovery failed (unknown tenant, bad host)
            raise SignInFailed(f"sign-in: {problem}") from None
        token = result.get("access_token") if isinstance(result, dict) else None
        if not token:
            error = result.get("error", "unknown") if isinstance(result, dict) else "unknown"
            description = result.get("error_description", "") if isinstance(result, dict) else ""
            # AADSTS descriptions name the problem (AADSTS7000215: invalid client secret ...),
            # never the credential itself.
            raise SignInFailed(f"sign-in refused: {error}: {description.splitlines()[0:1]}")
        self._on_token(token)
        if result.get("token_source") == "identity_provider":
            self.acquired += 1
        return str(token)

    def invalidate(self) -> None:
        """Forget the cached token: the next ``token()`` asks the token endpoint."""
        self._client = None

    def _msal_client(self) -> object:
        if self._client is None:
            try:
                import msal
            except ImportError:
                raise ConfigError(
                    "the Intune layer needs msal: pip install 'autopilot-harness[intune]'",
                    key="intune",
                ) from None
            app = self._app
            loopback_test = not app.authority_validation
            self._client = msal.ConfidentialClientApplication(
                app.client_id,
                client_credential=self._credential.msal_credential,
                authority=f"{app.authority.rstrip('/')}/{app.tenant_id}",
                validate_authority=not loopback_test,
                instance_discovery=False if loopback_test else None,
                http_client=self._session,
                token_cache=msal.TokenCache(),
                timeout=app.timeout_s,
            )
        return self._client
