"""Derive ``tests/contract/bill_contract.json`` from BILL's v3 Postman collection.

Why a derived fixture: the collection (2.7 MB, BILL's) must not be copied into the project, but the
contract test needs its facts: per endpoint, the success status, the response field paths and
BILL's example request body. Adapted from the research note in /work/research/contract.

Usage (get the collection with ``git --git-dir=DIR show HEAD:reference/billdotcom_v3.json``)::

  python tests/contract/derive_fixture.py COLLECTION.json --commit SHA
  python tests/contract/derive_fixture.py --git-dir /path/to/billdotcom-sdk-v3.git

Everything under "endpoints" and "errorResponse" is computed from the collection:
  successStatus   the saved example responses' `code` below 300
  responseFields  dotted paths of the success example bodies ("[]" marks arrays)
  exampleRequest  the request body BILL ships (parsed JSON, {{variables}} kept as strings)
  enums           UPPER_CASE values seen for a field in the success examples of every endpoint of
                  the same entity group (the collection's values are schema-generated samples,
                  so a list is a subset of BILL's enum, never a full one)
  mentionedInDescription  UPPER_CASE words in backticks in the item description
  bulkLimit / mfaTrusted   read from the item description text
"documentedEnums" is NOT from the collection: it is typed in below from developer.bill.com pages,
each with its URL, so a reader can tell the two apart.
"""

# ruff: noqa: E501 - source URLs and the notes are kept whole
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = "akleinvm/billdotcom-sdk-v3"
PATH = "reference/billdotcom_v3.json"
DATE = "2026-12-01"

# (method, collection path, entity group). Paths are the collection's, ":name" -> "{id}".
TARGETS = [
    ("POST", "v3/login", "session"),
    ("POST", "v3/logout", "session"),
    ("GET", "v3/login/session", "session"),
    ("POST", "v3/mfa/challenge", "mfa"),
    ("POST", "v3/mfa/challenge/validate", "mfa"),
    ("POST", "v3/mfa/step-up", "mfa"),
    ("POST", "v3/mfa/setup", "mfa"),
    ("POST", "v3/mfa/setup/validate", "mfa"),
    ("GET", "v3/mfa/phones", "mfaPhone"),
    ("POST", "v3/vendors", "vendor"),
    ("GET", "v3/vendors", "vendor"),
    ("GET", "v3/vendors/:vendorId", "vendor"),
    ("PATCH", "v3/vendors/:vendorId", "vendor"),
    ("POST", "v3/vendors/:vendorId/archive", "vendor"),
    ("POST", "v3/vendors/:vendorId/restore", "vendor"),
    ("POST", "v3/vendors/bulk", "vendor"),
    ("GET", "v3/vendors/:vendorId/bank-account", "vendorBankAccount"),
    ("POST", "v3/vendors/:vendorId/bank-account", "vendorBankAccount"),
    ("DELETE", "v3/vendors/:vendorId/bank-account", "vendorBankAccount"),
    ("POST", "v3/bills", "bill"),
    ("GET", "v3/bills", "bill"),
    ("GET", "v3/bills/:billId", "bill"),
    ("PATCH", "v3/bills/:billId", "bill"),
    ("PUT", "v3/bills/:billId", "bill"),
    ("POST", "v3/bills/:billId/archive", "bill"),
    ("POST", "v3/bills/:billId/restore", "bill"),
    ("POST", "v3/bills/bulk", "bill"),
    ("GET", "v3/funding-accounts/banks", "bankAccount"),
    ("GET", "v3/funding-accounts/banks/:bankAccountId", "bankAccount"),
    ("POST", "v3/funding-accounts/banks", "bankAccount"),
    ("PATCH", "v3/funding-accounts/banks/:bankAccountId", "bankAccount"),
    ("POST", "v3/funding-accounts/banks/:bankAccountId/archive", "bankAccount"),
    ("POST", "v3/funding-accounts/banks/:bankAccountId/verify", "bankVerify"),
    ("GET", "v3/funding-accounts/banks/users", "bankAccountUser"),
    ("POST", "v3/funding-accounts/banks/users/nominate", "bankNominate"),
    ("POST", "v3/funding-accounts/banks/users/:bankAccountUserId/archive", "bankAccountUser"),
    ("POST", "v3/payments", "payment"),
    ("GET", "v3/payments", "payment"),
    ("GET", "v3/payments/:paymentId", "payment"),
    ("POST", "v3/payments/bulk", "payment"),
    ("POST", "v3/payments/:paymentId/cancel", "payment"),
    ("POST", "v3/payments/:paymentId/void", "payment"),
    ("GET", "v3/payments/options", "paymentOptions"),
]

#: The rest of BILL's AP side (issue 25): role "ap" in the fixture.
CLASSIFICATIONS = (
    "accounting-classes",
    "chart-of-accounts",
    "departments",
    "employees",
    "items",
    "jobs",
    "locations",
)
AP_TARGETS = [
    ("PUT", "v3/bills/:billId", "bill"),
    ("POST", "v3/bills/record-payment", "billRecordPayment"),
    ("GET", "v3/organizations/:organizationId", "organization"),
    ("PATCH", "v3/organizations/:organizationId", "organization"),
    ("GET", "v3/vendor-credits", "vendorCredit"),
    ("POST", "v3/vendor-credits", "vendorCredit"),
    ("GET", "v3/vendor-credits/:vendorCreditId", "vendorCredit"),
    ("PUT", "v3/vendor-credits/:vendorCreditId", "vendorCredit"),
    ("PATCH", "v3/vendor-credits/:vendorCreditId", "vendorCredit"),
    ("POST", "v3/vendor-credits/:vendorCreditId/archive", "vendorCredit"),
    ("POST", "v3/vendor-credits/bulk", "vendorCredit"),
    ("PUT", "v3/vendor-credits/bulk", "vendorCredit"),
    ("PATCH", "v3/vendor-credits/bulk", "vendorCredit"),
    ("POST", "v3/vendor-credits/bulk/archive", "vendorCredit"),
    ("GET", "v3/bill-approvals/policies", "billApprovalPolicy"),
    ("POST", "v3/bill-approvals/policies", "billApprovalPolicy"),
    ("PUT", "v3/bill-approvals/policies/:policyId", "billApprovalPolicy"),
    ("DELETE", "v3/bill-approvals/policies/:policyId", "billApprovalPolicy"),
    ("GET", "v3/bill-approvals/pending-user-approvals", "billApproval"),
    ("POST", "v3/bill-approvals/actions", "billApproval"),
    ("GET", "v3/recurringbills", "recurringBill"),
    ("POST", "v3/recurringbills", "recurringBill"),
    ("GET", "v3/recurringbills/:recurringBillId", "recurringBill"),
    ("PUT", "v3/recurringbills/:recurringBillId", "recurringBill"),
    ("PATCH", "v3/recurringbills/:recurringBillId", "recurringBill"),
    ("POST", "v3/recurringbills/:recurringBillId/archive", "recurringBill"),
    ("POST", "v3/recurringbills/:recurringBillId/restore", "recurringBill"),
    ("GET", "v3/attachments/vendors/:vendorId", "attachment"),
    ("POST", "v3/attachments/vendors/:vendorId", "attachment"),
    ("GET", "v3/attachments/:attachmentId", "attachment"),
    ("DELETE", "v3/attachments/:attachmentId", "attachment"),
    ("GET", "v3/documents/bills/:billId", "document"),
    ("POST", "v3/documents/bills/:billId", "document"),
    ("GET", "v3/documents/upload-status", "document"),
    ("GET", "v3/documents/:documentId", "document"),
    *(
        (method, f"v3/classifications/{kind}{tail}", f"classification.{kind}")
        for kind in CLASSIFICATIONS
        for method, tail in (
            ("GET", ""),
            ("POST", ""),
            ("POST", "/bulk"),
            ("PATCH", "/bulk"),
            ("POST", "/bulk/archive"),
            ("POST", "/bulk/restore"),
            ("GET", "/:id"),
            ("PATCH", "/:id"),
            ("POST", "/:id/archive"),
            ("POST", "/:id/restore"),
        )
    ),
]
TARGETS += [t for t in AP_TARGETS if t[:2] not in {x[:2] for x in TARGETS}]

# Hand-entered from developer.bill.com (not derivable from the collection); see findings.md.
DOCUMENTED_ENUMS = {
    "payment.singleStatus": {
        "values": [
            "DISBURSEMENT_FAILED_ACTION_NEEDED",
            "DISBURSEMENT_FAILED_VENDOR_BANK_REJECTED",
            "FUNDING_FAILED_ACTION_NEEDED",
            "FUNDS_ESCHEATED",
            "CANCELED",
            "FUNDING_FAILED_VOIDED",
            "VOIDED",
            "CLEARED",
            "DELIVERED",
            "DISBURSEMENT_ON_HOLD",
            "SENT",
            "PROCESSED",
            "FUNDING_STARTED",
            "SCHEDULED",
        ],
        "complete": False,
        "source": "https://developer.bill.com/docs/single-status-payment-values",
        "note": "table as far as the stored copy shows; it continues after SCHEDULED",
    },
    "bankAccount.status": {
        "values": ["VERIFIED", "PENDING"],
        "complete": False,
        "source": "https://developer.bill.com/reference/verifybankaccount ; collection 'Create a bank account' description",
        "note": "new account starts PENDING, becomes VERIFIED after verify; NOT_VERIFIED and INVALID appear in the collection's samples",
    },
    "bankAccountUser.verificationStatus": {
        "values": ["NOMINATED", "VERIFIED", "UNVERIFIED"],
        "complete": False,
        "source": "collection 'Nominate a bank account user' / 'Archive a bank account user' descriptions; https://developer.bill.com/reference/nominatebankaccountuser",
    },
    "vendor.accountType": {
        "values": ["BUSINESS", "PERSON", "NONE"],
        "complete": False,
        "source": "https://developer.bill.com/docs/creating-a-us-vendor",
    },
    "error.severity": {
        "values": ["ERROR", "WARNING", "INFORMATION"],
        "complete": True,
        "source": "https://developer.bill.com/docs/common-api-error-codes",
    },
    "error.category": {
        "values": ["REQUEST", "APPLICATION", "SERVER", "DOWNSTREAM"],
        "complete": True,
        "source": "https://developer.bill.com/docs/common-api-error-codes",
    },
}

#: What the kit uses each call for: the recipe chapters, a fresh sandbox's set-up, or neither.
ROLES = {
    **{
        key: "recipe"
        for key in [
            ("POST", "v3/login"),
            ("POST", "v3/logout"),
            ("GET", "v3/login/session"),
            ("POST", "v3/mfa/challenge"),
            ("POST", "v3/mfa/challenge/validate"),
            ("POST", "v3/mfa/step-up"),
            ("POST", "v3/vendors"),
            ("GET", "v3/vendors"),
            ("GET", "v3/vendors/:vendorId"),
            ("POST", "v3/vendors/:vendorId/archive"),
            ("POST", "v3/bills"),
            ("GET", "v3/bills"),
            ("GET", "v3/bills/:billId"),
            ("POST", "v3/bills/:billId/archive"),
            ("GET", "v3/funding-accounts/banks"),
            ("POST", "v3/payments"),
            ("GET", "v3/payments"),
            ("GET", "v3/payments/:paymentId"),
            ("POST", "v3/payments/:paymentId/cancel"),
        ]
    },
    **{
        key: "setup"
        for key in [
            ("POST", "v3/mfa/setup"),
            ("POST", "v3/mfa/setup/validate"),
            ("GET", "v3/mfa/phones"),
            ("POST", "v3/funding-accounts/banks"),
            ("POST", "v3/funding-accounts/banks/:bankAccountId/verify"),
            ("GET", "v3/funding-accounts/banks/users"),
            ("POST", "v3/funding-accounts/banks/users/nominate"),
        ]
    },
}

ENUM_RE = re.compile(r"[A-Z][A-Z0-9_]+")
ENVELOPE = re.compile(r"^(results\[\]|\[\]|payments\[\]|vendors\[\])\.?")
NOT_ENUM = re.compile(r"(country|currency|Currency|stateOrProvince|code\.name|code\.value)$")


def walk(items):
    for it in items:
        if "item" in it:
            yield from walk(it["item"])
        else:
            yield it


def norm_path(raw_path: list[str]) -> str:
    return "/" + "/".join("{id}" if p.startswith(":") else p for p in raw_path)


def paths(value, prefix, out: set, values: dict):
    if isinstance(value, dict):
        for key, sub in value.items():
            p = f"{prefix}.{key}" if prefix else key
            out.add(p)
            paths(sub, p, out, values)
    elif isinstance(value, list):
        for sub in value:
            paths(sub, prefix + "[]", out, values)
    elif isinstance(value, str) and ENUM_RE.fullmatch(value) and not NOT_ENUM.search(prefix):
        values.setdefault(prefix, set()).add(value)


def parse_body(raw):
    if not raw or not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError:  # an unquoted {{variable}}: quote it and try again
        pass
    raw = re.sub(r"(?<![\"\w]){{(\w+)}}", r'"{{\1}}"', raw)
    try:
        return json.loads(raw)
    except ValueError:
        # three of BILL's classification examples are not JSON (a trailing comma, a doubled
        # quote): repair just those two slips, so the example is still BILL's own body
        return json.loads(re.sub(r",(\s*[}\]])", r"\1", re.sub(r'""(\w)', r'"\1', raw)))


def trim(value, limit=3):
    if isinstance(value, list):
        return [trim(v, limit) for v in value[:limit]]
    if isinstance(value, dict):
        return {k: trim(v, limit) for k, v in value.items()}
    return value


def derive(collection: dict, commit: str | None) -> dict:
    items = {}
    for it in walk(collection["item"]):
        req = it["request"]
        url = req["url"]
        key = (req["method"], "/".join(url.get("path", [])))
        items[key] = it

    # enum pools per entity group
    pool: dict[tuple[str, str], set] = {}
    per_item: dict[tuple, tuple[set, dict, list]] = {}
    for method, path, group in TARGETS:
        it = items.get((method, path))
        if it is None:
            continue
        fields, values, codes = set(), {}, []
        for resp in it.get("response", []):
            if resp["code"] < 300:
                codes.append(resp["code"])
                body = parse_body(resp.get("body"))
                if body is not None:
                    paths(body, "", fields, values)
        per_item[(method, path)] = (fields, values, codes)
        for p, vals in values.items():
            pool.setdefault((group, ENVELOPE.sub("", p)), set()).update(vals)
        body = parse_body(it["request"].get("body", {}).get("raw"))
        if body is not None:
            req_vals: dict = {}
            paths(body, "", set(), req_vals)
            for p, vals in req_vals.items():
                pool.setdefault((group, ENVELOPE.sub("", p)), set()).update(vals)

    endpoints, missing = [], []
    for method, path, group in TARGETS:
        it = items.get((method, path))
        if it is None:
            missing.append(f"{method} /{path}")
            continue
        req = it["request"]
        fields, _, codes = per_item[(method, path)]
        desc = req.get("description") or ""
        entry = {
            "method": method,
            "path": norm_path(req["url"]["path"]),
            "name": it["name"],
            "entity": group,
            "role": ROLES.get(
                (method, path), "ap" if (method, path, group) in AP_TARGETS else "other"
            ),
            "successStatus": min(codes) if codes else None,
            "responseBody": "json" if fields else "empty",
            "responseFields": sorted(fields),
            "errorStatuses": sorted(
                {r["code"] for r in it.get("response", []) if r["code"] >= 300}
            ),
            "headers": [h["key"] for h in req.get("header", [])],
        }
        query = [q["key"] for q in req["url"].get("query", []) if not q.get("disabled")]
        if query:
            entry["queryExample"] = {q["key"]: q.get("value") for q in req["url"]["query"]}
        if method in ("POST", "PATCH", "PUT"):
            entry["exampleRequest"] = trim(parse_body(req.get("body", {}).get("raw")))
        enums = {}
        for p in sorted(fields):
            vals = pool.get((group, ENVELOPE.sub("", p)))
            if vals:
                enums[p] = sorted(vals)
        entry["enums"] = enums
        mentioned = sorted(set(re.findall(r"`([A-Z][A-Z0-9_]{2,})`", desc)))
        if mentioned:
            entry["mentionedInDescription"] = mentioned
        limit = re.search(r"up to (\d+) \w+ with one", desc)
        if limit:
            entry["bulkLimit"] = int(limit.group(1))
        if re.search(r"Creating a [^.]*? requires an MFA-trusted API session", desc):
            entry["mfaTrusted"] = True
        endpoints.append(entry)

    # the error shape: every non-2xx example in the whole collection
    err_fields, err_vals, err_codes, shapes = set(), {}, set(), set()
    for it in walk(collection["item"]):
        for resp in it.get("response", []):
            if resp["code"] >= 400 and resp.get("body"):
                err_codes.add(resp["code"])
                body = json.loads(resp["body"])
                shapes.add(type(body).__name__)
                paths(body, "", err_fields, err_vals)
    # params[].additional is a free string map (key_0, key_1 are generated keys): keep the map only
    err_fields = {f for f in err_fields if ".additional." not in f}
    error = {
        "httpStatusesInCollection": sorted(err_codes),
        "bodyIs": "array of error objects" if shapes == {"list"} else sorted(shapes),
        "fields": sorted(err_fields),
        "enumsSeen": {k: sorted(v) for k, v in err_vals.items()},
    }
    return {
        "source": {
            "repo": REPO,
            "path": PATH,
            "commit": commit,
            "date": DATE,
            "collection": collection.get("info", {}).get("name"),
            "postmanId": collection.get("info", {}).get("_postman_id"),
        },
        "notes": [
            "Example VALUES in the collection are schema-generated: names, nesting, enum spellings and status codes are trustworthy, values are not.",
            "enums lists are samples of BILL's enums (union over the entity's examples), not complete lists.",
            "exampleRequest is BILL's own body; {{...}} are Postman variables to substitute; its dates (2025-12-31, 2025-12-16) are in the past on 2026-12-01.",
        ],
        "endpoints": endpoints,
        "notInCollection": missing,
        "errorResponse": error,
        "documentedEnums": DOCUMENTED_ENUMS,
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("collection", nargs="?", help="path to billdotcom_v3.json")
    ap.add_argument("--git-dir", help="bare git dir of akleinvm/billdotcom-sdk-v3 (reads HEAD)")
    ap.add_argument("--commit", help="commit the collection file came from")
    ap.add_argument("-o", "--out", default=str(Path(__file__).with_name("bill_contract.json")))
    args = ap.parse_args(argv)
    commit = args.commit
    if args.git_dir:
        text = subprocess.run(
            ["git", f"--git-dir={args.git_dir}", "show", f"HEAD:{PATH}"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        commit = (
            commit
            or subprocess.run(
                ["git", f"--git-dir={args.git_dir}", "rev-parse", "HEAD"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout.strip()
        )
        collection = json.loads(text)
    elif args.collection:
        with open(args.collection, encoding="utf-8") as fh:
            collection = json.load(fh)
    else:
        ap.error("give a collection path or --git-dir")
    result = derive(collection, commit)
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    print(
        f"{len(result['endpoints'])} endpoints -> {args.out}; not in collection: {result['notInCollection']}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
