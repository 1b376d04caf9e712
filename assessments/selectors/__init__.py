"""Organisation-scoped reads, one module per entity. Every read of tenant data goes through one of these."""
