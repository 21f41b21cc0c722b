"""A custom Debugger rule used by the parity case estimator-debugger-custom-rule (never executed here)."""

from smdebug.rules.rule import Rule


class MyRule(Rule):
    def __init__(self, base_trial, threshold="10"):
        super().__init__(base_trial)
        self.threshold = float(threshold)

    def invoke_at_step(self, step):
        return False
