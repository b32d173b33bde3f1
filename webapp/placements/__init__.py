"""Placement pages shared by the caseworker and employer blueprints."""
