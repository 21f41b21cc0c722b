"""Load tests: many concurrent fits sharing one Session (moto, the scripted double, local mode)."""
