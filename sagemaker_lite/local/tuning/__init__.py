"""Local hyperparameter tuning: search strategies (search.py) and the tuning-job supervisor (job.py)."""
