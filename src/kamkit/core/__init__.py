"""The domain core: plain Python, no Django."""
