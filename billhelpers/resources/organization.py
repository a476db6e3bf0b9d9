"""
billhelpers.resources.organization
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

``client.organization``: your BILL organization's details
(``GET``/``PATCH /v3/organizations/{organizationId}``). Only your own organization answers; its
id comes from the client's settings (``BILL_ORGANIZATION_ID``).
"""

from __future__ import annotations

from billhelpers.exceptions import InputError
from billhelpers.http.response import ApiResponse
from billhelpers.resources.base import _id


class Organization:
    def __init__(self, client):
        self.client = client

    def __repr__(self) -> str:
        return "<Organization /v3/organizations/{organizationId}>"

    def _path(self) -> str:
        return f"/v3/organizations/{_id(self.client.config.organization_id)}"

    def get(self) -> ApiResponse:
        """``GET``: name, addresses, tax id... (only the fields set)."""
        return self.client.request("GET", self._path())

    def update(self, body: dict) -> ApiResponse:
        """``PATCH`` the fields given; an ``address`` given in part changes only those parts
        (BILL's example sends ``{"address": {"zipOrPostalCode": "95002"}}``)."""
        if not isinstance(body, dict) or not body:
            raise InputError(
                "needs the fields to change", field="organization", hint="e.g. {'name': ...}"
            )
        return self.client.request("PATCH", self._path(), json=body)
