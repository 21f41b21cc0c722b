"""Local processing jobs: the container entrypoint run on this machine over staged inputs (job.py)."""
