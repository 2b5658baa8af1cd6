"""Imports (SPEC §2.8, issue 16): CRM exports, mail and calendars, through the services."""
