"""Fault injection between botocore and the moto server (see ``proxy``)."""
