"""A preprocessing script: read /opt/ml/processing/input, write /opt/ml/processing/output."""
