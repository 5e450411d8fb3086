"""Complaints and suggestions (feedback_flow) and surveys (survey_flow) on the portal."""
