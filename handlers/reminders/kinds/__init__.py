"""What each reminder kind says, one renderer per kind (see handlers.reminders.registry).

Importing this package registers them all.
"""

from handlers.reminders.kinds import (
    digest,
    meeting,
    obligation,
    renewal,
    satisfaction,
    task,
    weekly,
)

__all__ = ["digest", "meeting", "obligation", "renewal", "satisfaction", "task", "weekly"]
