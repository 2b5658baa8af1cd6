"""Mapping profiles: which column of a CRM export becomes which kamkit field (issue 16).

One profile per source and kind of file, recognised from the header alone. The column
labels are the ones each CRM writes by default, learnt from its public documentation:

- **Salesforce** (Data Export and Data Loader files): API field names. ``Account.csv``
  (``Id``, ``Name``, ``Industry``, ``BillingCountry``, ``OwnerId``, ``ParentId``),
  ``Contact.csv`` (``AccountId``, ``FirstName``, ``LastName``, ``Title``,
  ``Department``, ``ReportsToId``…), ``Task.csv`` (``TaskSubtype``, ``Status``,
  ``CallType``, ``WhoId``, ``WhatId``…), ``Event.csv`` (``StartDateTime``…) and
  ``User.csv`` (``Username``, ``Email``), which tells whose ``OwnerId`` is whose.
- **HubSpot** (exports from the index pages): its default property labels. Companies
  (``Record ID``, ``Company name``, ``Country/Region``, ``Company owner``), contacts
  (``First Name``, ``Last Name``, ``Job Title``, ``Associated Company IDs``…) and
  activities (``Activity date``, ``Activity type``, ``Call direction``…).
- **Dynamics 365** (Export to Excel): display names, with the hidden
  ``(Do Not Modify) …`` key column. Accounts, Contacts, Phone Calls and Appointments;
  references to accounts and owners are by name (``Regarding``, ``Company Name``).
- **kamkit**: the columns kamkit's own exports write, under kamkit's names or under
  those of the reader's language the export was made in (``kamkit.core.columns``).

Anything else is mapped by a YAML column map (``load_mapping``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..columns import COLUMN_NAMES

KINDS = ("user", "account", "person", "interaction")
"""The order files are imported in: what others refer to first."""

FIELDS: dict[str, tuple[str, ...]] = {
    "user": ("source_id", "username", "email"),
    "account": ("source_id", "name", "industry", "country", "owner", "parent", "parent_name"),
    "person": (
        "source_id",
        "account",
        "account_name",
        "side",
        "name",
        "first_name",
        "last_name",
        "email",
        "title",
        "department",
        "phone",
        "reports_to",
        "reports_to_name",
    ),
    "interaction": (
        "source_id",
        "activity",
        "subtype",
        "status",
        "closed",
        "account",
        "account_name",
        "contacts",
        "contact_names",
        "owner",
        "subject",
        "description",
        "occurred_at",
        "day",
        "direction",
        "location",
        "channel",
        "initiated_by",
        "two_way",
        "formality",
        "content",
        "participants",
    ),
}
"""The kamkit fields a column can map to, per kind of record."""

REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "user": (("source_id",),),
    "account": (("source_id",), ("name",)),
    "person": (("source_id",), ("account", "account_name"), ("name", "last_name")),
    "interaction": (("source_id",), ("occurred_at", "day")),
}
"""Per kind, groups of fields of which a mapping must name at least one column each."""


@dataclass(frozen=True)
class Profile:
    """How one kind of file from one source maps to kamkit's fields."""

    source: str
    kind: str
    title: str
    signature: tuple[str, ...]
    columns: dict[str, tuple[str, ...]]
    activity: str = ""
    """For activity files of one type (HubSpot calls, Dynamics appointments…)."""
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    date_format: str = ""
    excludes: tuple[str, ...] = ()
    """Columns whose presence says the file is another kind (a contact file also has
    ``Id`` and ``OwnerId``)."""

    def column_of(self, header: Iterable[str]) -> dict[str, str]:
        """The header's column for each field this profile maps (first label present)."""
        present = {label_key(h): h for h in header}
        found = {}
        for name, labels in self.columns.items():
            for label in labels:
                if label_key(label) in present:
                    found[name] = present[label_key(label)]
                    break
        return found


def label_key(label: str) -> str:
    """Header labels compare without case, surrounding space or doubled spaces."""
    return re.sub(r"\s+", " ", str(label)).strip().casefold()


def _p(source, kind, title, signature, columns, **kw) -> Profile:
    return Profile(source, kind, title, tuple(signature), columns, **kw)


PROFILES: tuple[Profile, ...] = (
    # -- Salesforce: API field names ---------------------------------------------------
    _p(
        "salesforce",
        "user",
        "Salesforce users (User.csv)",
        ["Id", "Username", "Email"],
        {"source_id": ("Id",), "username": ("Username",), "email": ("Email",)},
    ),
    _p(
        "salesforce",
        "account",
        "Salesforce accounts (Account.csv)",
        ["Id", "Name", "OwnerId"],
        {
            "source_id": ("Id",),
            "name": ("Name",),
            "industry": ("Industry",),
            "country": ("BillingCountry", "ShippingCountry"),
            "owner": ("Owner.Email", "Owner.Username", "OwnerId"),
            "parent": ("ParentId",),
        },
        excludes=("AccountId", "Username", "LastName", "StartDateTime", "Status"),
    ),
    _p(
        "salesforce",
        "person",
        "Salesforce contacts (Contact.csv)",
        ["Id", "AccountId", "LastName"],
        {
            "source_id": ("Id",),
            "account": ("AccountId",),
            "first_name": ("FirstName",),
            "last_name": ("LastName",),
            "email": ("Email",),
            "title": ("Title",),
            "department": ("Department",),
            "phone": ("Phone", "MobilePhone"),
            "reports_to": ("ReportsToId",),
        },
    ),
    _p(
        "salesforce",
        "interaction",
        "Salesforce tasks (Task.csv)",
        ["Id", "Subject", "Status", "WhoId"],
        {
            "source_id": ("Id",),
            "subtype": ("TaskSubtype",),
            "status": ("Status",),
            "closed": ("IsClosed",),
            "account": ("AccountId", "WhatId"),
            "contacts": ("WhoId",),
            "owner": ("Owner.Email", "Owner.Username", "OwnerId"),
            "subject": ("Subject",),
            "description": ("Description",),
            "occurred_at": ("CompletedDateTime",),
            "day": ("ActivityDate",),
            "direction": ("CallType",),
        },
        activity="task",
    ),
    _p(
        "salesforce",
        "interaction",
        "Salesforce events (Event.csv)",
        ["Id", "Subject", "StartDateTime"],
        {
            "source_id": ("Id",),
            "account": ("AccountId", "WhatId"),
            "contacts": ("WhoId",),
            "owner": ("Owner.Email", "Owner.Username", "OwnerId"),
            "subject": ("Subject",),
            "description": ("Description",),
            "occurred_at": ("StartDateTime", "ActivityDateTime"),
            "day": ("ActivityDate",),
            "location": ("Location",),
        },
        activity="meeting",
    ),
    # -- HubSpot: default property labels ----------------------------------------------
    _p(
        "hubspot",
        "account",
        "HubSpot companies",
        ["Record ID", "Company name"],
        {
            "source_id": ("Record ID",),
            "name": ("Company name",),
            "industry": ("Industry",),
            "country": ("Country/Region", "Country"),
            "owner": ("Company owner", "HubSpot Owner Email", "Owner email"),
            "parent": ("Parent Company ID", "Associated Parent Company ID"),
            "parent_name": ("Parent Company",),
        },
    ),
    _p(
        "hubspot",
        "person",
        "HubSpot contacts",
        ["Record ID", "Last Name"],
        {
            "source_id": ("Record ID",),
            "account": (
                "Associated Company IDs (Primary)",
                "Associated Company IDs",
                "Primary Associated Company ID",
            ),
            "account_name": ("Associated Company", "Company Name"),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email",),
            "title": ("Job Title",),
            "department": ("Department",),
            "phone": ("Phone Number", "Mobile Phone Number"),
        },
    ),
    _p(
        "hubspot",
        "interaction",
        "HubSpot activities (calls, meetings, emails)",
        ["Record ID", "Activity date"],
        {
            "source_id": ("Record ID",),
            "activity": ("Activity type", "Engagement type"),
            "status": ("Call status", "Meeting outcome"),
            "account": ("Associated Company IDs", "Associated Company IDs (Primary)"),
            "account_name": ("Associated Company",),
            "contacts": ("Associated Contact IDs",),
            "owner": ("Activity assigned to", "HubSpot Owner Email", "Owner email"),
            "subject": ("Call title", "Meeting name", "Email subject", "Subject", "Title"),
            "description": ("Call notes", "Meeting description", "Email body", "Notes"),
            "occurred_at": ("Activity date", "Meeting start time"),
            "direction": ("Call direction", "Email direction", "Direction"),
            "location": ("Meeting location", "Location"),
        },
    ),
    # -- Dynamics 365: display names, references by name ------------------------------
    _p(
        "dynamics",
        "account",
        "Dynamics 365 accounts",
        ["(Do Not Modify) Account", "Account Name"],
        {
            "source_id": ("(Do Not Modify) Account",),
            "name": ("Account Name",),
            "industry": ("Industry",),
            "country": ("Address 1: Country/Region", "Address 1: Country", "Country/Region"),
            "owner": ("Owner",),
            "parent_name": ("Parent Account",),
        },
    ),
    _p(
        "dynamics",
        "person",
        "Dynamics 365 contacts",
        ["(Do Not Modify) Contact"],
        {
            "source_id": ("(Do Not Modify) Contact",),
            "account_name": ("Company Name", "Account Name"),
            "name": ("Full Name",),
            "first_name": ("First Name",),
            "last_name": ("Last Name",),
            "email": ("Email", "E-mail"),
            "title": ("Job Title",),
            "department": ("Department",),
            "phone": ("Business Phone", "Mobile Phone"),
            "reports_to_name": ("Manager", "Reports To"),
        },
    ),
    _p(
        "dynamics",
        "interaction",
        "Dynamics 365 phone calls",
        ["(Do Not Modify) Phone Call"],
        {
            "source_id": ("(Do Not Modify) Phone Call",),
            "status": ("Activity Status", "Status"),
            "account_name": ("Regarding",),
            "contact_names": ("Call To", "Recipient"),
            "owner": ("Owner",),
            "subject": ("Subject",),
            "description": ("Description",),
            "occurred_at": ("Actual End", "Date Created", "Created On"),
            "day": ("Due",),
            "direction": ("Direction",),
        },
        activity="call",
    ),
    _p(
        "dynamics",
        "interaction",
        "Dynamics 365 appointments",
        ["(Do Not Modify) Appointment"],
        {
            "source_id": ("(Do Not Modify) Appointment",),
            "status": ("Activity Status", "Status"),
            "account_name": ("Regarding",),
            "contact_names": ("Required Attendees", "Required"),
            "owner": ("Owner", "Organizer"),
            "subject": ("Subject",),
            "description": ("Description",),
            "occurred_at": ("Start Time",),
            "location": ("Location",),
        },
        activity="meeting",
    ),
    # -- kamkit's own CSV --------------------------------------------------------------
    _p(
        "kamkit",
        "account",
        "kamkit accounts",
        ["id", "name", "ka_manager"],
        {
            "source_id": ("id",),
            "name": ("name",),
            "industry": ("industry",),
            "country": ("country",),
            "owner": ("ka_manager",),
            "parent": ("parent_id",),
        },
    ),
    _p(
        "kamkit",
        "person",
        "kamkit people",
        ["id", "account_id", "side", "name"],
        {
            "source_id": ("id",),
            "account": ("account_id",),
            "side": ("side",),
            "name": ("name",),
            "email": ("email",),
            "title": ("role",),
            "department": ("department",),
            "phone": ("phone",),
            "reports_to": ("reports_to_id",),
        },
    ),
    _p(
        "kamkit",
        "interaction",
        "kamkit interactions",
        ["id", "account_id", "occurred_at", "channel", "initiated_by"],
        {
            "source_id": ("id",),
            "account": ("account_id",),
            "occurred_at": ("occurred_at",),
            "channel": ("channel",),
            "initiated_by": ("initiated_by",),
            "two_way": ("two_way",),
            "formality": ("formality",),
            "content": ("content",),
            "subject": ("summary",),
            "participants": ("participant_ids",),
        },
        activity="kamkit",
    ),
)


def _in_language(profile: Profile, language: str, names: dict[str, str]) -> Profile:
    """A kamkit profile that reads the column names of an export made in ``language``
    (``kamkit.core.columns``)."""
    return Profile(
        profile.source,
        profile.kind,
        f"{profile.title} ({language})",
        tuple(names.get(c, c) for c in profile.signature),
        {f: tuple(names.get(c, c) for c in labels) for f, labels in profile.columns.items()},
        profile.activity,
        profile.values,
        profile.date_format,
        profile.excludes,
    )


PROFILES += tuple(
    _in_language(p, language, names)
    for language, names in COLUMN_NAMES.items()
    for p in PROFILES
    if p.source == "kamkit"
)

SOURCES = ("salesforce", "hubspot", "dynamics", "kamkit")


class MappingError(ValueError):
    """A ``--mapping`` file that cannot be used; the message names what is wrong."""


def detect(header: list[str], source: str = "auto") -> Profile | None:
    """The profile whose signature columns the header has (all of them), preferring the
    one that maps most columns; None when no profile fits. ``source`` limits the search
    to one CRM."""
    keys = {label_key(h) for h in header}
    fits = [
        p
        for p in PROFILES
        if (source == "auto" or p.source == source)
        and all(label_key(s) in keys for s in p.signature)
        and not any(label_key(x) in keys for x in p.excludes)
    ]
    if not fits:
        return None
    return max(fits, key=lambda p: (len(p.signature), len(p.column_of(header))))


def describe_profiles() -> list[tuple[str, str, str]]:
    """(source, title, signature columns) of every profile, for help texts and docs."""
    return [(p.source, p.title, ", ".join(p.signature)) for p in PROFILES]


def load_mapping(path: Path) -> Profile:
    """A YAML column map for files no profile recognises::

    kind: interaction          # user, account, person or interaction
    source: mycrm              # kept with every record as its source
    activity: call             # optional: the type of every row
    date_format: "%d.%m.%Y %H:%M"   # optional, else ISO and the usual forms
    columns:                   # kamkit field: the file's column label
      source_id: Activity No
      account: Customer No
      occurred_at: Date
    values:                    # optional: a column's values translated
      channel: {Visit: in_person, Phone: phone}
    """
    import yaml

    try:
        # every value a string: a column named No or On is not a YAML boolean
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except OSError as exc:
        raise MappingError(f"{path}: {exc.strerror or exc}") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path.name}: not YAML ({exc})") from None
    if not isinstance(data, dict):
        raise MappingError(f"{path.name}: expected a mapping with kind and columns")
    kind = data.get("kind")
    if kind not in KINDS:
        raise MappingError(f"{path.name}: kind: expected one of {', '.join(KINDS)}, got {kind!r}")
    columns = data.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise MappingError(f"{path.name}: columns: expected 'field: column label' lines")
    unknown = [k for k in columns if k not in FIELDS[kind]]
    if unknown:
        raise MappingError(
            f"{path.name}: columns: {', '.join(map(str, unknown))} is not a field of {kind}; "
            f"fields: {', '.join(FIELDS[kind])}"
        )
    for group in REQUIRED[kind]:
        if not any(f in columns for f in group):
            raise MappingError(f"{path.name}: columns: {' or '.join(group)} is required")
    values = data.get("values") or {}
    if not isinstance(values, dict) or any(not isinstance(v, dict) for v in values.values()):
        raise MappingError(f"{path.name}: values: expected 'field: {{value: kamkit value}}'")
    source = str(data.get("source") or "mapping")
    return Profile(
        source=source,
        kind=kind,
        title=f"{path.name} ({kind})",
        signature=tuple(str(c) for c in columns.values()),
        columns={k: (str(v),) for k, v in columns.items()},
        activity=str(data.get("activity") or ""),
        values={k: {label_key(a): str(b) for a, b in v.items()} for k, v in values.items()},
        date_format=str(data.get("date_format") or ""),
    )


def value_of(profile: Profile, name: str, raw: Any) -> Any:
    """A mapped value after the profile's value translation (case-insensitive)."""
    table = profile.values.get(name)
    if table and isinstance(raw, str):
        return table.get(label_key(raw), raw)
    return raw
