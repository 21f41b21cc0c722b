"""Local batch transform: record handling (records.py) and the job that drives a local model server (job.py)."""
