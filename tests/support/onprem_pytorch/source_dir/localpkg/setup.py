from setuptools import setup

setup(name="onprem-helpers", version="0.1", packages=["onprem_helpers"])
