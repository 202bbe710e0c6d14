"""Sign-in, bearer tokens bound to devices, and access checks."""
