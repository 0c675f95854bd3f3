"""Comparing two versions: sentence alignment (`align`) and the redline built on it (`redline`)."""
