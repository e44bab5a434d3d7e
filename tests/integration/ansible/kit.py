"""Helpers for the Ansible tests: build the offline bundle and run the real playbook, offline.

The playbook runs against localhost (connection=local) into a temporary prefix, with systemd service
management off. Every run is offline: pip's index points at an unreachable address, the host's pip
configuration is ignored, and where the kernel allows it the run happens in a network namespace of its own
(``unshare --net``), so nothing on the network can be reached at all.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
ANSIBLE_DIR = REPO / "ansible"
PLAYBOOKS = ANSIBLE_DIR / "playbooks"
BUILD_BUNDLE = ANSIBLE_DIR / "bundle" / "build-bundle"
VENV_BIN = Path(sys.executable).parent
GATEWAY_ID = "gw-test-01"
# Port 9 (discard) on loopback refuses connections: any attempt to reach an index fails at once.
UNREACHABLE_INDEX = "http://127.0.0.1:9/simple"
PLAYBOOK_TIMEOUT_S = 240
_RECAP = re.compile(r"^(?P<host>\S+)\s+:\s+(?P<counts>(?:\w+=\d+\s*)+)$", re.MULTILINE)


@dataclass(frozen=True)
class Bundle:
    """A built offline bundle and what its manifest says."""

    path: Path
    manifest: dict[str, Any]

    @property
    def version(self) -> str:
        """The maintainx version inside."""
        return str(self.manifest["version"])


@dataclass(frozen=True)
class PlaybookRun:
    """The outcome of one ansible-playbook run."""

    returncode: int
    output: str
    recap: dict[str, dict[str, int]]

    def counts(self, host: str = GATEWAY_ID) -> dict[str, int]:
        """ok/changed/failed/... for ``host`` from the PLAY RECAP; fails the test if the host is absent."""
        assert host in self.recap, f"no PLAY RECAP line for {host}:\n{self.output[-3000:]}"
        return self.recap[host]


def parse_recap(output: str) -> dict[str, dict[str, int]]:
    """Counts per host from the PLAY RECAP section of ansible-playbook's output."""
    _, _, tail = output.rpartition("PLAY RECAP")
    recap: dict[str, dict[str, int]] = {}
    for m in _RECAP.finditer(tail):
        recap[m["host"]] = {k: int(v) for k, v in (pair.split("=") for pair in m["counts"].split())}
    return recap


def build_bundle(out: Path, model: Path, key: Path, *extra: str) -> Bundle:
    """Run the bundle builder exactly as an operator would; return the archive and its manifest."""
    result = subprocess.run(
        [
            sys.executable,
            str(BUILD_BUNDLE),
            "--out",
            str(out),
            "--model",
            str(model),
            "--key",
            str(key),
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=PLAYBOOK_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    archive = Path(result.stdout.splitlines()[0])
    return Bundle(archive, read_manifest(archive))


def read_manifest(archive: Path) -> dict[str, Any]:
    """The manifest.json at the top of a bundle archive."""
    with tarfile.open(archive) as tar:
        member = next(
            m for m in tar.getmembers() if m.name.endswith("/manifest.json") and m.name.count("/") == 1
        )
        handle = tar.extractfile(member)
        assert handle is not None
        manifest: dict[str, Any] = json.load(handle)
    return manifest


# The packages setuptools puts in the maintainx wheel (pyproject's packages.find), for a rebuilt copy.
PACKAGES = ("contract", "edge_agent", "cloud", "model_registry", "simulator", "maintainx", "bench")


def copy_project(dest: Path, version: str) -> Path:
    """A copy of this project released as ``version``, to build the bundle of a next release from."""
    # The packages pyproject.toml includes; a clean checkout may not have every optional one (bench/).
    for package in (p for p in PACKAGES if (REPO / p).is_dir()):
        shutil.copytree(REPO / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(REPO / "README.md", dest / "README.md")
    pyproject = (REPO / "pyproject.toml").read_text()
    bumped = re.sub(r'(?m)^version = ".*"$', f'version = "{version}"', pyproject, count=1)
    (dest / "pyproject.toml").write_text(bumped)
    return dest


def offline_env(base: dict[str, str]) -> dict[str, str]:
    """``base`` with pip cut off from every index and from the host's pip configuration."""
    env = {k: v for k, v in base.items() if not k.startswith("PIP_")}
    env.update(
        PIP_CONFIG_FILE="/dev/null",
        PIP_INDEX_URL=UNREACHABLE_INDEX,
        PIP_RETRIES="0",
        PIP_TIMEOUT="1",
        ANSIBLE_CONFIG=str(ANSIBLE_DIR / "ansible.cfg"),
        ANSIBLE_NOCOLOR="1",
        ANSIBLE_FORCE_COLOR="0",
        PATH=f"{VENV_BIN}{os.pathsep}{base.get('PATH', '')}",
    )
    return env


def can_unshare_network() -> bool:
    """Whether this process may start a command in a network namespace of its own."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    return subprocess.run([unshare, "--net", "true"], capture_output=True, check=False).returncode == 0


def run_playbook(
    inventory: Path, *extra_vars: str, playbook: str = "site.yml", timeout: float = PLAYBOOK_TIMEOUT_S
) -> PlaybookRun:
    """Run ``ansible/playbooks/<playbook>`` offline against ``inventory``."""
    cmd = [
        str(VENV_BIN / "ansible-playbook"),
        "-i",
        str(inventory),
        str(ANSIBLE_DIR / "playbooks" / playbook),
    ]
    for var in extra_vars:
        cmd += ["-e", var]
    if can_unshare_network():
        cmd = ["unshare", "--net", *cmd]
    result = subprocess.run(
        cmd,
        cwd=ANSIBLE_DIR,
        env=offline_env(dict(os.environ)),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    return PlaybookRun(result.returncode, output, parse_recap(output))


def gateway_vars(root: Path, bundle: Bundle, signing_key: Path) -> dict[str, Any]:
    """Host variables that install one gateway under ``root`` as the current user, without systemd."""
    user = pwd.getpwuid(os.getuid()).pw_name
    return {
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
        # Already the right user; there is no sudo here.
        "ansible_become": False,
        "edge_agent_version": bundle.version,
        "edge_agent_bundle_path": str(bundle.path),
        "edge_agent_python": shutil.which("python3", path="/usr/bin") or sys.executable,
        "edge_agent_install_prefix": str(root / "opt" / "maintainx"),
        "edge_agent_config_dir": str(root / "etc" / "maintainx"),
        "edge_agent_data_dir": str(root / "var" / "lib" / "maintainx"),
        "edge_agent_systemd_dir": str(root / "etc" / "systemd" / "system"),
        "edge_agent_logrotate_dir": str(root / "etc" / "logrotate.d"),
        "edge_agent_facts_dir": str(root / "etc" / "ansible" / "facts.d"),
        "edge_agent_user": user,
        "edge_agent_group": grp.getgrgid(os.getgid()).gr_name,
        "edge_agent_create_user": False,
        "edge_agent_manage_service": False,
        "edge_agent_site": "test-site",
        "edge_agent_gateway_group": "canary",
        "edge_agent_mqtt_url": "mqtt://broker.test-site.invalid:1883",
        "edge_agent_mqtt_username": GATEWAY_ID,
        "edge_agent_mqtt_password": "s3cret-from-vault",
        "edge_agent_sample_hz": 5.0,
        "edge_agent_publish_interval_s": 0.2,
        "edge_agent_heartbeat_s": 1.0,
        "edge_agent_signing_keys": [{"name": signing_key.name, "content": signing_key.read_text()}],
        "edge_agent_machines": [
            {"id": "0190a5b2-7c3e-7a61-9d2f-3b1c4e5f6a81", "name": "Pump 1", "type": "pump"},
            {
                "id": "0190a5b2-7c3e-7a61-9d2f-3b1c4e5f6a82",
                "name": "Compressor 1",
                "type": "compressor",
                "location": "test-site/hall-2",
            },
        ],
    }


def write_inventory(path: Path, host_vars: dict[str, Any]) -> Path:
    """An inventory with one gateway in the ``gateways`` group (JSON is valid YAML)."""
    inventory = {"all": {"children": {"gateways": {"hosts": {GATEWAY_ID: host_vars}}}}}
    path.write_text(json.dumps(inventory, indent=2))
    return path
