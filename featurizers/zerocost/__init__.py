"""Zero-cost proxies (NAS-Bench-Suite-Zero's 13) computed for many architectures per call."""
