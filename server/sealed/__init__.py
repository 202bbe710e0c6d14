"""Files sealed for this server: the phone's export after revocation, and the PIN escrow key."""
