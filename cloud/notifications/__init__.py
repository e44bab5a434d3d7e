"""Notifications: ticket events become e-mails and webhook calls through a durable outbox in PostgreSQL.

``events`` turns ``ticket_events`` into deliveries (exactly once, behind a cursor), ``rules`` decides who
gets what, ``outbox`` claims and records deliveries, ``channels`` speaks SMTP and HTTP, ``worker`` runs it
all (``python -m cloud notify``). Not to be confused with ``cloud/notify.py``, the MQTT command publisher.
"""
