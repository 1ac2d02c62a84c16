"""Deployment files, and the local cluster that runs them (deploy/local_cluster.py)."""
