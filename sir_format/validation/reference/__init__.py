"""Versioned reference lists used by the registry rules (e.g. KVÅ codes for SIR-R071/R072)."""
