"""Analyzers for non-log evidence; each module registers itself with ``extract.kinds``."""
