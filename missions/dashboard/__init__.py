"""The dashboard: the ending-soon lists and the timeline picture."""
