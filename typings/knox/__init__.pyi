"""Types for the parts of django-rest-knox this project uses (it ships none)."""
