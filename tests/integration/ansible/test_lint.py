"""The Ansible content passes ansible-lint's production profile (its strictest)."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.integration.ansible.kit import ANSIBLE_DIR, VENV_BIN, offline_env

pytestmark = pytest.mark.integration


def test_role_playbooks_and_inventory_pass_ansible_lint_production_profile() -> None:
    result = subprocess.run(
        [str(VENV_BIN / "ansible-lint"), "--offline", "--nocolor", "--profile", "production"],
        cwd=ANSIBLE_DIR,
        env=offline_env(dict(os.environ)),
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "Profile 'production' was required, and it passed" in result.stderr + result.stdout
