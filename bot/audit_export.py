"""`kam-bot export --audit [--since DATE] [--out FILE]`: the audit log as CSV (domain.audit_csv),
read from the database a page at a time and written as it is read."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import date

from bot.config import Settings
from domain.audit_csv import Sink, since_date, write_csv
from storage import Storage
from storage.backup import make_private


async def _write(settings: Settings, out: Sink, since: date | None) -> int:
    storage = await Storage.open(settings.database_path)
    try:
        start = None if since is None else since_date(since)
        return await write_csv(out, storage.audit.export_rows(since=start))
    finally:
        await storage.close()


def export_audit(settings: Settings, args: argparse.Namespace) -> int:
    """Writes the CSV to ``args.out`` (readable by the owner only) or standard output."""
    if args.out is None:
        count = asyncio.run(_write(settings, sys.stdout.buffer, args.since))
        sys.stdout.flush()
        return count
    make_private(args.out)
    with open(args.out, "wb") as out:
        count = asyncio.run(_write(settings, out, args.since))
    print(f"{count} audit entries written to {args.out}")
    return count
