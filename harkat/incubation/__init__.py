"""Incubation: the mentoring that follows BALIKAT training (stages, visits, milestones)."""
