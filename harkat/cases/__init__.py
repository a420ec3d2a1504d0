"""The case journey shared by every feature: stages, the timeline, and the next step."""
