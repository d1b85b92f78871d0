"""Blocks of the settings that stand on their own, each imported by name into emgtracker/settings.py
(which stays the one DJANGO_SETTINGS_MODULE)."""
