"""Field work with no signal."""
