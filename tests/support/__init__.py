"""What tests share: the harness, the loopback Bot API server, real Flock processes, the
PostgreSQL cluster, clocks."""
