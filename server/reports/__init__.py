"""Reports (R1, R3, R4, R7) and the dashboard: SQL aggregations over a unit's subtree."""
