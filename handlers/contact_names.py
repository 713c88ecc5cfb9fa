"""A contact's name as shown: one whose personal data was erased on their request (stored as
storage.data_export.ERASED_NAME) reads "deleted contact" in the manager's language."""

from __future__ import annotations

from bot.i18n import Translator
from storage.data_export import ERASED_NAME


def contact_name(t: Translator, name: str) -> str:
    """The name to show for a contact stored as ``name`` (plain text, not escaped)."""
    return t("profile.erase.deleted_contact") if name == ERASED_NAME else name
