"""Model registry: versions, aliases, the artifact store, signing and rollouts."""
