"""Extension specifications: what built-ins and plugins register, and the hook specifications."""
