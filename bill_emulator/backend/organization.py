"""bill_emulator.backend.organization
~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~

The signed-in organization's details: ``GET`` and ``PATCH /v3/organizations/{organizationId}``.

Only the caller's own organization is served; another id answers 404 ``BDC_1004``
``Organization not found``, as for any id of another organization (never saying whether it
exists: assumed, BILL documents no answer). The details are kept as an ``organization``
document made on first use from the organization's name, with only the fields set so far (the
emulator invents no address, tax id or owner): BILL's collection names the fields ("Get
organization details"), and PATCH changes the ones given. An ``address`` or ``mailingAddress``
sent in part changes only the parts given, which is how BILL's own example (a new
``zipOrPostalCode`` alone) reads; ``id``, ``archived``, ``partnerName`` and the times cannot be
set.
"""

from __future__ import annotations

from datetime import date

from bill_emulator.backend import validation as v
from bill_emulator.backend.core import BackendBase, Caller, public
from bill_emulator.backend.errors import ObjectNotFound, ValidationFailed

KIND = "organization"
_ADDRESS_FIELDS = ("line1", "line2", "city", "stateOrProvince", "zipOrPostalCode", "country")
#: Tax id types: ``SSN`` is in BILL's sample, ``EIN`` is a business's (the kit's list).
TAX_ID_TYPES = ("EIN", "SSN")
_TEXT_FIELDS = {
    "name": 100,
    "phone": 30,
    "taxId": 20,
    "industry": 100,
    "businessCategory": 100,
    "accountType": 100,
}
_OPTIONS = ("mailingAddressSameAsPhysical", "individualTransferOut", "individualTransferIn")
_READ_ONLY = ("id", "archived", "partnerName", "createdTime", "updatedTime")


def _address(value: object, old: dict, path: str) -> dict:
    if not isinstance(value, dict):
        raise ValidationFailed(path, "must be an object")
    address = dict(old)
    for key in _ADDRESS_FIELDS:
        if key in value:
            text = v.string(value, key, f"{path}.{key}", max_len=100)
            if text is None:
                address.pop(key, None)
            else:
                address[key] = text
    v.country(address.get("country"), f"{path}.country")
    return address


def apply_patch(doc: dict, body: dict, today: date) -> None:
    """Change ``doc`` by a PATCH body (pure: checks first, then writes the fields given)."""
    for key in _READ_ONLY:
        if key in body:
            raise ValidationFailed(key, "cannot be changed")
    changes: dict = {}
    for key, limit in _TEXT_FIELDS.items():
        if key in body:
            text = v.string(body, key, required=key == "name", max_len=limit)
            changes[key] = text.strip() if key == "name" else text
    if "taxIdType" in body:
        changes["taxIdType"] = v.enum(body, "taxIdType", TAX_ID_TYPES)
    for key in ("address", "mailingAddress"):
        if key in body:
            changes[key] = _address(body[key], doc.get(key, {}), key)
    if "companyOwner" in body:
        owner = v.sub_object(body, "companyOwner", "companyOwner", required=True)
        kept = dict(doc.get("companyOwner", {}))
        if "name" in owner:
            kept["name"] = v.string(owner, "name", "companyOwner.name", max_len=100)
        if "dateOfBirth" in owner:
            born = v.date_field(owner, "dateOfBirth", "companyOwner.dateOfBirth")
            if born is not None and born >= today:
                raise ValidationFailed("companyOwner.dateOfBirth", "must be in the past")
            kept["dateOfBirth"] = born.isoformat() if born else None
        changes["companyOwner"] = kept
    if "processingOptions" in body:
        options = v.sub_object(body, "processingOptions", "processingOptions", required=True)
        kept = dict(doc.get("processingOptions", {}))
        for key in _OPTIONS:
            if key in options:
                kept[key] = v.boolean(options, key, f"processingOptions.{key}")
        changes["processingOptions"] = kept
    for key, value in changes.items():
        if value is None or value == {}:
            doc.pop(key, None)
        else:
            doc[key] = (
                {k: val for k, val in value.items() if val is not None}
                if isinstance(value, dict)
                else value
            )


class OrganizationMixin(BackendBase):
    def _organization(self, caller: Caller, org_id: str) -> dict:
        """The caller's organization document (made on first use; call inside ``write()``
        when it may be made)."""
        if org_id != caller.org_id:
            raise ObjectNotFound("Organization", org_id)
        doc = self.store.get_object(KIND, caller.org_id, org_id)
        if doc is None:
            name = self.store.org_name(org_id) or org_id
            doc = self._insert(KIND, org_id, {"name": name}, obj_id=org_id)
        return doc

    def get_organization(self, caller: Caller, org_id: str) -> dict:
        doc = self.store.get_object(KIND, caller.org_id, org_id)  # made already: no write
        if doc is not None:
            return public(doc)
        with self.store.write():
            return public(self._organization(caller, org_id))

    def update_organization(self, caller: Caller, org_id: str, body: object) -> dict:
        body = v.body_object(body)
        with self.store.write():
            doc = self._organization(caller, org_id)
            apply_patch(doc, body, self.clock.today())
            doc = self._save(doc)
        return public(doc)
