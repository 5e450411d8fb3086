"""Notifications to applicants by e-mail and SMS (scenario notifications)."""
