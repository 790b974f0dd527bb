"""The browser page (`indusco serve`): a Mesa SolaraViz of IndusModel. See app.py."""
