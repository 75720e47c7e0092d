"""Request-level protection: limits, sessions, the second factor, safe log lines."""
