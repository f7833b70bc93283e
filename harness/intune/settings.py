"""The lab file's Intune keys: the app registration (lab level) and what a device asks of Intune.

Lab level (one app registration for the lab)::

    intune:
      tenant_id: 8a1c0d6e-...            # the directory (tenant) id
      client_id: 3f2b9c4d-...            # the app registration's application (client) id
      certificate_file: /etc/harness/graph-app.crt   # PEM certificate (preferred) ...
      private_key_file: /etc/harness/graph-app.key   # ... and its PEM private key (a secret)
      # client_secret_env: GRAPH_CLIENT_SECRET       # or a client secret (env or file)
      # client_secret_file: /etc/harness/graph-secret

Per device (all optional)::

    devices:
      laptop-07:
        ...
        expect: {result: green, from_intune: true}
        intune:
          assign_user: adele.vance@contoso.com   # companion-app actions before Provision
          group_tag: LAB-A
          display_name: LAB-A-07
          cleanup: before_run          # before_run | after_run | never
          delete_entra_device: false   # also delete the Entra device object
          serial_number: PF3XK2AB      # for `harness intune cleanup` without a run

``authority``, ``graph_url`` and ``ca_file`` exist for national clouds and for the test peer;
``authority_validation: false`` (instance discovery and authority validation off) is refused for
any authority but a loopback one, so that it cannot be switched off for a real tenant by mistake.
"""

from __future__ import annotations

import re
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, model_validator

from harness.config.part_fields import Url, secret_env, secret_file
from harness.config.validation import Flag, Int, Number, StrictModel, Text

CleanupMode = Literal["before_run", "after_run", "never"]
_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


class IntuneAppSettings(StrictModel):
    """The app registration the harness signs in with (client credentials, no user)."""

    tenant_id: Text = Field(description="directory (tenant) id, a GUID, or a verified domain")
    client_id: Text = Field(description="the app registration's application (client) id")
    certificate_file: Text | None = Field(None, description="PEM certificate of the app")
    private_key_file: Text | None = Field(
        None, description="PEM private key of that certificate (a secret: keep it 0600)"
    )
    private_key_passphrase_env: Text | None = secret_env(
        "environment variable holding the private key's passphrase (if encrypted)"
    )
    client_secret_env: Text | None = secret_env(
        "environment variable holding the client secret (instead of a certificate)"
    )
    client_secret_file: Text | None = secret_file("file holding the client secret (one line)")
    authority: Url = Field(
        "https://login.microsoftonline.com", description="the Entra sign-in host"
    )
    graph_url: Url = Field("https://graph.microsoft.com", description="the Graph host")
    ca_file: Text | None = Field(None, description="CA (PEM) of the sign-in and Graph hosts")
    authority_validation: Flag = Field(
        True, description="msal authority validation and instance discovery (loopback: may be off)"
    )
    timeout_s: Number = Field(30.0, gt=0, description="time limit of one HTTP request")
    max_retries: Int = Field(4, ge=0, le=10, description="retries of a throttled request")
    max_retry_after_s: Number = Field(
        120.0, gt=0, description="longest Retry-After honoured; longer is an error"
    )
    refresh_attempts: Int = Field(
        10, ge=1, description="Refresh presses until a companion change shows on screen"
    )

    @model_validator(mode="after")
    def _one_credential(self) -> IntuneAppSettings:
        if not _GUID.match(self.client_id):
            raise ValueError(f"client_id: expected a GUID, found {self.client_id!r}")
        certificate = self.certificate_file or self.private_key_file
        secret = self.client_secret_env or self.client_secret_file
        if bool(certificate) == bool(secret):
            raise ValueError(
                "give a certificate (certificate_file + private_key_file) or a client secret "
                "(client_secret_env or client_secret_file), exactly one of them"
            )
        if certificate and not (self.certificate_file and self.private_key_file):
            raise ValueError("certificate_file and private_key_file go together")
        if self.client_secret_env and self.client_secret_file:
            raise ValueError("give client_secret_env or client_secret_file, not both")
        if not self.authority_validation and not is_loopback(self.authority):
            raise ValueError(
                "authority_validation: false is only accepted for a loopback test authority"
            )
        return self


class IntuneDeviceSettings(StrictModel):
    """What one device asks of Intune: companion-app actions and the clean-up."""

    assign_user: Text | None = Field(None, description="UPN to assign before Provision")
    addressable_user_name: Text | None = Field(
        None, description="the greeting name shown with the assigned user"
    )
    group_tag: Text | None = Field(None, description="group tag to set before Provision")
    display_name: Text | None = Field(None, description="device name to set before Provision")
    cleanup: CleanupMode = Field(
        "never", description="delete the Intune managed device: before_run, after_run or never"
    )
    delete_entra_device: Flag = Field(
        False, description="the clean-up also deletes the Entra device object"
    )
    ztd_id: Text | None = Field(None, description="the device's ZtdId (for a clean-up alone)")
    serial_number: Text | None = Field(None, description="its serial number (the same)")

    @model_validator(mode="after")
    def _guid(self) -> IntuneDeviceSettings:
        if self.ztd_id is not None and not _GUID.match(self.ztd_id):
            raise ValueError(f"ztd_id: expected a GUID, found {self.ztd_id!r}")
        if self.addressable_user_name and not self.assign_user:
            raise ValueError("addressable_user_name needs assign_user")
        return self

    @property
    def has_actions(self) -> bool:
        return any((self.assign_user, self.group_tag, self.display_name))
