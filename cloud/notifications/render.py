"""What a message says, per channel format: the generic JSON schema, Slack, Teams and e-mail.

Every renderer takes the payload captured at enqueue time (``snapshot.py``) and the absolute ticket link,
and is deterministic: a retry sends the same bytes, so a receiver may de-duplicate on ``event_id``.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import orjson

# Version of the generic body; a change that removes or renames a field bumps it (docs/notifications.md).
GENERIC_SCHEMA = "maintainx.notification/v1"
_HEADLINES = {
    "opened": "Ticket opened",
    "escalated": "Ticket escalated",
    "assigned": "Ticket assigned",
    "unacknowledged": "Ticket not acknowledged",
    "resolved": "Ticket resolved",
    "test": "Test notification",
}
# Teams MessageCard colours by priority (hex without '#').
_COLOURS = {"CRITICAL": "C50F1F", "HIGH": "F7630C", "LOW": "0078D4"}


def headline(payload: dict[str, Any]) -> str:
    """One line: what happened, to which machine, how urgent."""
    what = _HEADLINES.get(payload["event"], payload["event"])
    ticket = payload.get("ticket") or {}
    machine = (payload.get("machine") or {}).get("name")
    if not ticket:
        return f"[MaintainX] {what}"
    return f"[MaintainX] {what}: {ticket.get('priority')} on {machine} — {ticket.get('title')}"


def _lines(payload: dict[str, Any], link: str | None) -> list[str]:
    ticket = payload.get("ticket") or {}
    machine = payload.get("machine") or {}
    lines = []
    if machine:
        place = " / ".join(p for p in (machine.get("site"), machine.get("line")) if p)
        lines.append(f"Machine: {machine.get('name')}" + (f" ({place})" if place else ""))
    if ticket:
        lines.append(f"Priority: {ticket.get('priority')}   Status: {ticket.get('status')}")
    if payload.get("why"):
        lines.append(f"Why: {payload['why']}")
    if payload.get("detail"):
        lines.append(str(payload["detail"]))
    if link:
        lines.append(f"Open the ticket: {link}")
    return lines


def generic_body(payload: dict[str, Any], event_id: str, link: str | None) -> bytes:
    """The documented JSON body for a CMMS or ERP; ``event_id`` is stable across retries."""
    body = {
        "schema": GENERIC_SCHEMA,
        "event_id": event_id,
        "event": payload["event"],
        "occurred_at": payload.get("at"),
        "ticket": payload.get("ticket"),
        "machine": payload.get("machine"),
        "why": payload.get("why"),
        "reason": payload.get("reason"),
        "link": link,
    }
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def slack_body(payload: dict[str, Any], event_id: str, link: str | None) -> bytes:
    """A Slack incoming-webhook message: ``text`` (for notifications and old clients) plus blocks."""
    title = headline(payload)
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(_lines(payload, None)) or title}},
    ]
    if link:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Open ticket"}, "url": link}
                ],
            }
        )
    return orjson.dumps({"text": title, "blocks": blocks})


def teams_body(payload: dict[str, Any], event_id: str, link: str | None) -> bytes:
    """A MessageCard, which Teams incoming webhooks (and Workflows' webhook trigger) accept."""
    ticket = payload.get("ticket") or {}
    card: dict[str, Any] = {
        "@type": "MessageCard",
        "@context": "https://schema.org/extensions",
        "summary": headline(payload),
        "themeColor": _COLOURS.get(str(ticket.get("priority")), "0078D4"),
        "title": headline(payload),
        "text": "\n\n".join(_lines(payload, None)),
    }
    if link:
        card["potentialAction"] = [
            {"@type": "OpenUri", "name": "Open ticket", "targets": [{"os": "default", "uri": link}]}
        ]
    return orjson.dumps(card)


WEBHOOK_RENDERERS = {"generic": generic_body, "slack": slack_body, "teams": teams_body}


def email_message(
    payload: dict[str, Any], event_id: str, link: str | None, *, sender: str, to: str
) -> EmailMessage:
    """One plain-text e-mail per event, its Message-ID derived from ``event_id`` (retries do not multiply)."""
    message = EmailMessage()
    message["Subject"] = headline(payload)
    message["From"] = sender
    message["To"] = to
    domain = sender.rpartition("@")[2] or "maintainx"
    message["Message-ID"] = f"<{event_id}@{domain}>"
    message.set_content("\n".join(_lines(payload, link)) + "\n")
    return message
