"""The demo's documented logins: one per role, one shared password, made only by ``maintainx demo``.

The API shows them (``GET /api/auth/demo``) only when it runs with ``MAINTAINX_DEMO`` set, so the login page
can offer them; outside the demo that endpoint says ``demo: false`` and lists nobody.
"""

from __future__ import annotations

from pydantic import BaseModel

DEMO_PASSWORD = "maintainx-demo"
# (email, full name, role), in the order the login page lists them: the technician's loop first.
DEMO_USERS = (
    ("tech@demo", "Demo Technician", "technician"),
    ("engineer@demo", "Demo Engineer", "engineer"),
    ("admin@demo", "Demo Admin", "admin"),
)


class DemoLogin(BaseModel):
    """One demo account."""

    email: str
    full_name: str
    role: str


class DemoInfo(BaseModel):
    """Whether this API is the demo's, and then the logins and their password."""

    demo: bool
    password: str | None = None
    logins: list[DemoLogin] = []


def demo_info(demo: bool) -> DemoInfo:
    """The demo's logins when ``demo`` is set; otherwise only ``demo: false``."""
    if not demo:
        return DemoInfo(demo=False)
    logins = [DemoLogin(email=e, full_name=n, role=r) for e, n, r in DEMO_USERS]
    return DemoInfo(demo=True, password=DEMO_PASSWORD, logins=logins)
