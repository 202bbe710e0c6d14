"""The sync contract and its pure engine; imports neither Flask nor the server."""
