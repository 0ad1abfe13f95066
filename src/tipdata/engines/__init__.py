"""Pure-Python computation engines: no Django imports allowed here."""
