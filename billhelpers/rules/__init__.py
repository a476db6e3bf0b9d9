"""
billhelpers.rules
~~~~~~~~~~~~~~~~~

BILL's rules as pure functions: request checks, money, business days, filters, webhook
signatures. Nothing here speaks HTTP or knows a client; the layers above call these before
anything is sent, and the emulator keeps its own copy of each rule (tests/test_shared_facts.py
compares them).
"""
