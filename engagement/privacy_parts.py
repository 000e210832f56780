"""What the engagement app holds about a person, for GDPR export and erasure."""
