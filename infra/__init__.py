"""Deployment tooling: packaging, its smoke test, static files, stage settings, CloudFormation."""
