"""Criteria sets (bộ tiêu chí) issued per unit, versioned, and the rules evaluations follow."""
