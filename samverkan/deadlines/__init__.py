"""Deadlines (frister): the Swedish legal calendar, the rule catalogue and the calculator."""
