"""Campaigns: many targets, one report — run on this machine or on Celery workers (README, campaigns)."""
