"""The HTTP endpoint and storage around the pure sync engine."""
