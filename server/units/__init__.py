"""The unit tree: official administrative units and the offices that work in them."""
