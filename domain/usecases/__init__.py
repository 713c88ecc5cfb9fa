"""Use cases: what an action means, decided in plain Python.

Each use case takes the input and the facts it needs and returns a plan (a dataclass listing
the rows to write and the notices to send). Storage writes a plan in one transaction;
handlers render the result. Use cases never read the database, speak Telegram or check
permissions (a needed permission comes in as a boolean from domain.policy).
"""
