"""Chart indicators (TA-Lib names and defaults), their streaming forms, and chart signals."""
