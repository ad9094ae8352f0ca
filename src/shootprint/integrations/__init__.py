"""Integrations with the tools that make the images: they measure jobs into tracker records.

* :mod:`shootprint.integrations.diffusers` — diffusers pipelines (``pip install shootprint[integrations]``).
"""
