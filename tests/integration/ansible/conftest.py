"""Fixtures for the Ansible tests: one real model, one signing key and one offline bundle per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.ansible.kit import Bundle, build_bundle

# Not a real key: nothing verifies model signatures with it yet, the role only installs and trusts the file.
TEST_PUBLIC_KEY = """\
-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAbWFpbnRhaW54LXRlc3Qta2V5LW5vdC1mb3ItdXNlLTAwMDA=
-----END PUBLIC KEY-----
"""


@pytest.fixture(scope="session")
def signing_key(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A public key file to ship in the bundle and to trust on the gateway."""
    path = tmp_path_factory.mktemp("keys") / "release-test.pub"
    path.write_text(TEST_PUBLIC_KEY)
    return path


@pytest.fixture(scope="session")
def model_version_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real ONNX model version folder (model.onnx + manifest.json) for the bundle."""
    from tests.support.tiny_model import write_model_dir

    return write_model_dir(tmp_path_factory.mktemp("models") / "tiny-ansible-1", version="tiny-ansible-1")


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory, model_version_dir: Path, signing_key: Path) -> Bundle:
    """The offline bundle for this machine's platform, built once per session."""
    return build_bundle(tmp_path_factory.mktemp("dist"), model_version_dir, signing_key)
