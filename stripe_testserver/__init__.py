"""A local Stripe test-mode server for development and tests (never for production).

Run it from the project folder: `python -m stripe_testserver --port 12111`.
"""
