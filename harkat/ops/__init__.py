"""What the city IT office runs around the app: the pre-start check."""
