"""Coverage policy: what professional support covers and what it does not, maintained by editors."""
