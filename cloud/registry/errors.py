"""Exceptions of the model registry, signing and rollouts."""

from __future__ import annotations


class RegistryError(Exception):
    """Base class of every error the registry raises on purpose."""


class NotFoundError(RegistryError):
    """A version, alias, rollout or blob that does not exist."""


class ArtifactError(RegistryError):
    """A model folder that cannot be registered (missing file, bad manifest, hash mismatch)."""


class SigningError(RegistryError):
    """A key that cannot be loaded or a manifest that cannot be signed."""


class RolloutError(RegistryError):
    """A rollout that cannot be started, advanced or rolled back in its current state."""
