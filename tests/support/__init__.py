"""Test-only infrastructure: a real moto server in a subprocess, and scripted botocore doubles.

Importable as ``support`` because ``tests/conftest.py`` puts ``tests/`` on ``sys.path``.
"""
