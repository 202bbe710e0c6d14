"""Photos and documents: object storage, chunked upload by content, verification (§12)."""
