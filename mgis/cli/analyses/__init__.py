"""One module per ``mgis analyze`` analysis."""
