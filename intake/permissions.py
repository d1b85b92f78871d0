"""Who takes in meeting reports: the secretariat only (docs/intake.md)."""

import rules

from workstreams.permissions import is_secretariat

for model_name in ("intake", "intakeitem"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"intake.{action}_{model_name}", is_secretariat)
