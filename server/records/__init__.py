"""Models/exemplars and meetings: the records officers keep."""
