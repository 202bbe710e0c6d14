"""User accounts as administrators manage them: create, change, deactivate, reset, enrol."""
