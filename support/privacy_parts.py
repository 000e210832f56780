"""GDPR registration of support's personal data (filled in with the exporters)."""
